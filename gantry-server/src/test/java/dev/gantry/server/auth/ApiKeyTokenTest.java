package dev.gantry.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {
  @Test
  void aTokenCarriesItsIdAndSecretAndParsesBack() {
    UUID id = UUID.randomUUID();
    String secret = ApiKeyToken.newSecret();

    String token = ApiKeyToken.format(id, secret);

    assertThat(token).matches("gk_[a-z2-7]{26}_[0-9A-Za-z]{43}");
    assertThat(ApiKeyToken.parse(token)).contains(new ApiKeyToken.Parts(id, secret));
  }

  @Test
  void idsRoundTripAtTheEdgesOfTheirRange() {
    for (UUID id : new UUID[] {new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1), UUID.randomUUID()}) {
      assertThat(ApiKeyToken.decodeId(ApiKeyToken.encodeId(id))).contains(id);
    }
  }

  @Test
  void secretsAreDifferentEveryTime() {
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      secrets.add(ApiKeyToken.newSecret());
    }
    assertThat(secrets).hasSize(1000).allMatch(s -> s.length() == 43);
  }

  @Test
  void anythingElseIsNotAToken() {
    String good = ApiKeyToken.format(UUID.randomUUID(), ApiKeyToken.newSecret());
    assertThat(ApiKeyToken.parse(null)).isEmpty();
    assertThat(ApiKeyToken.parse("")).isEmpty();
    assertThat(ApiKeyToken.parse("gk_")).isEmpty();
    assertThat(ApiKeyToken.parse(good.substring(1))).isEmpty();
    assertThat(ApiKeyToken.parse(good + "x")).isEmpty();
    assertThat(ApiKeyToken.parse(good.replace("gk_", "xx_"))).isEmpty();
    assertThat(ApiKeyToken.parse(good.substring(0, 29) + "-" + good.substring(30))).isEmpty(); // separator
    assertThat(ApiKeyToken.parse(good.substring(0, good.length() - 1) + "!")).isEmpty(); // not base62
    assertThat(ApiKeyToken.parse("gk_" + "8".repeat(26) + good.substring(29))).isEmpty(); // '8' is not base32
    // 26 base32 digits can spell more than 128 bits; such an id is not one we gave out
    assertThat(ApiKeyToken.decodeId("7".repeat(26))).isEmpty();
  }

  @Test
  void theHashIsSha256OfTheSecret() {
    assertThat(ApiKeyToken.hash("abc")).hasSize(32)
        .isEqualTo(java.util.HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }
}
