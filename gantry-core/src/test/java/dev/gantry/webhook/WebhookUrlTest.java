package dev.gantry.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.batch.BatchOptions;
import dev.gantry.enqueue.JobOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {
  @Test
  void onlyAbsoluteHttpAndHttpsUrlsWithAHostAreWebhooks() {
    assertThat(JobOptions.defaults().withWebhook(URI.create("https://hooks.example.com/a?b=c")).webhook())
        .isEqualTo(new Webhook(URI.create("https://hooks.example.com/a?b=c"), null));
    assertThat(BatchOptions.defaults().withWebhook(URI.create("http://10.0.0.7:8080/")).webhook().url().getPort())
        .isEqualTo(8080);

    for (String bad : new String[] {"ftp://hooks.example.com/", "file:///etc/passwd", "/relative/path",
        "mailto:ops@example.com", "http:///no-host", "https://user:password@hooks.example.com/"}) {
      assertThatThrownBy(() -> JobOptions.defaults().withWebhook(URI.create(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("webhook_url must");
    }
    assertThatThrownBy(() -> JobOptions.defaults().withWebhook((URI) null)).hasMessageStartingWith("webhook_url must");
    assertThatThrownBy(() -> JobOptions.defaults().withWebhook(URI.create("https://h.example.com/" + "x".repeat(2000))))
        .hasMessageContaining("at most 2000 characters");
  }

  @Test
  void theWebhookSurvivesEveryOtherOption() {
    URI url = URI.create("https://hooks.example.com/");
    JobOptions options = JobOptions.defaults().withWebhook(url).withQueue("q").withPriority(3).withTenant("acme")
        .withTags("t").withMaxAttempts(2);

    assertThat(options.webhook().url()).isEqualTo(url);
    assertThat(BatchOptions.defaults().withWebhook(url).withTenant("acme").withMetadata(java.util.Map.of())
        .webhook().url()).isEqualTo(url);
  }
}
