package dev.gantry.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final String SECRET = "whsec_test-secret-0123456789";
  private static final byte[] BODY = "{\"id\":\"x\",\"event\":\"job.completed\"}".getBytes(StandardCharsets.UTF_8);
  private static final long T = 1_700_000_000L;
  private static final Instant AT_T = Instant.ofEpochSecond(T);

  @Test
  void theSignatureIsTheHexHmacSha256OfTimestampDotBody() {
    // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test-secret-0123456789',
    //   b'1700000000.{\"id\":\"x\",\"event\":\"job.completed\"}', hashlib.sha256).hexdigest())"
    String expected = "aba2fb1c1e1fab2117df1e75b4f66c9cab83ce4b834bdc44a3b1b362b6c391be";

    assertThat(WebhookSignature.sign(SECRET, T, BODY)).isEqualTo(expected);
    assertThat(WebhookSignature.header(SECRET, T, BODY)).isEqualTo("t=1700000000,v1=" + expected);
  }

  @Test
  void aGenuineFreshSignatureVerifies() {
    String header = WebhookSignature.header(SECRET, T, BODY);

    assertThat(WebhookSignature.verify(SECRET, header, BODY, Duration.ofMinutes(5), AT_T)).isTrue();
    assertThat(WebhookSignature.verify(SECRET, header, BODY, Duration.ofMinutes(5), AT_T.plusSeconds(299))).isTrue();
    // Order and spaces do not matter; any of several v1 signatures may match.
    assertThat(WebhookSignature.verify(SECRET, "v1=00ff, v1=" + WebhookSignature.sign(SECRET, T, BODY) + ", t=" + T,
        BODY, Duration.ofMinutes(5), AT_T)).isTrue();
  }

  @Test
  void anotherSecretATamperedBodyOrAnOldOrFutureTimestampDoNotVerify() {
    String header = WebhookSignature.header(SECRET, T, BODY);
    byte[] tampered = "{\"id\":\"x\",\"event\":\"job.dead\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(WebhookSignature.verify("whsec_another-secret-987654", header, BODY, Duration.ofMinutes(5), AT_T)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, header, tampered, Duration.ofMinutes(5), AT_T)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, header, BODY, Duration.ofMinutes(5), AT_T.plusSeconds(301))).isFalse();
    assertThat(WebhookSignature.verify(SECRET, header, BODY, Duration.ofMinutes(5), AT_T.minusSeconds(301))).isFalse();
    // A replay re-stamped with a fresh timestamp keeps the old signature, which does not cover it.
    String restamped = "t=" + (T + 3600) + ",v1=" + WebhookSignature.sign(SECRET, T, BODY);
    assertThat(WebhookSignature.verify(SECRET, restamped, BODY, Duration.ofMinutes(5), AT_T.plusSeconds(3600))).isFalse();
  }

  @Test
  void aMissingOrMalformedHeaderIsNotGenuine() {
    for (String header : new String[] {null, "", "t=1700000000", "v1=abc", "t=soon,v1=abc", "garbage"}) {
      assertThat(WebhookSignature.verify(SECRET, header, BODY, Duration.ofMinutes(5), AT_T)).as(header).isFalse();
    }
    assertThatThrownBy(() -> WebhookSignature.verify("", "t=1,v1=a", BODY, Duration.ZERO, AT_T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
  }
}
