package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.server.auth.Authentication;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.testing.TestDatabase;
import org.junit.jupiter.api.Test;

class KeysCommandTest {
  private final TestDatabase db = TestDatabase.get();
  private final String schema = db.newSchema();

  @Test
  void createListAndRevokeAKey() throws Exception {
    CliRun created = CliRun.onTestDatabase("keys", "create", "--name", "billing service", "--role", "producer",
        "--schema", schema);
    assertThat(created.exitCode()).isEqualTo(ExitCodes.OK);
    String token = created.out().lines().findFirst().orElseThrow();
    assertThat(token).matches("gk_[a-z2-7]{26}_[0-9A-Za-z]{43}");
    assertThat(created.out()).contains("This is the only time the key is shown");
    KeyStore keys = new KeyStore(db.dataSource(), schema);
    assertThat(keys.authenticate(token)).isInstanceOf(Authentication.Valid.class);

    CliRun listed = CliRun.onTestDatabase("keys", "list", "--schema", schema);
    String shortId = token.substring(3, 29);
    assertThat(listed.out()).contains(shortId).contains("producer").contains("valid").contains("billing service")
        .doesNotContain(token.substring(30));

    CliRun revoked = CliRun.onTestDatabase("keys", "revoke", shortId, "--schema", schema);
    assertThat(revoked.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(revoked.out()).contains("revoked");
    assertThat(keys.authenticate(token)).isInstanceOf(Authentication.Revoked.class);
    assertThat(CliRun.onTestDatabase("keys", "revoke", shortId, "--schema", schema).out()).contains("already revoked");
  }

  @Test
  void jsonOutputCarriesTheKeyOnceAndTheListNever() throws Exception {
    CliRun created = CliRun.onTestDatabase("keys", "create", "--name", "ops", "--role", "admin", "--tenant", "acme",
        "--json", "--schema", schema);
    JsonNode key = new ObjectMapper().readTree(created.out());
    assertThat(key.get("key").asText()).startsWith("gk_");
    assertThat(key.get("role").asText()).isEqualTo("admin");
    assertThat(key.get("tenant").asText()).isEqualTo("acme");

    JsonNode list = new ObjectMapper().readTree(CliRun.onTestDatabase("keys", "list", "--json", "--schema", schema).out());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("id").asText()).isEqualTo(key.get("id").asText());
    assertThat(list.get(0).has("key")).isFalse();
  }

  @Test
  void aKeysWebhookSecretIsShownAtCreationAgainByIdAndReplacedByRotate() throws Exception {
    CliRun text = CliRun.onTestDatabase("keys", "create", "--name", "texts", "--role", "producer", "--schema", schema);
    assertThat(text.out()).contains("Its webhook signing secret").containsPattern("whsec_[0-9A-Za-z]{43}");
    CliRun created = CliRun.onTestDatabase("keys", "create", "--name", "hooks", "--role", "producer", "--json",
        "--schema", schema);
    JsonNode key = new ObjectMapper().readTree(created.out());
    String secret = key.get("webhook_secret").asText();
    assertThat(secret).matches("whsec_[0-9A-Za-z]{43}");

    CliRun shown = CliRun.onTestDatabase("keys", "webhook-secret", key.get("id").asText(), "--schema", schema);
    assertThat(shown.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(shown.out().lines().findFirst()).contains(secret);

    CliRun rotated = CliRun.onTestDatabase("keys", "webhook-secret", key.get("uuid").asText(), "--rotate", "--json",
        "--schema", schema);
    assertThat(rotated.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode after = new ObjectMapper().readTree(rotated.out());
    assertThat(after.get("rotated").asBoolean()).isTrue();
    assertThat(after.get("webhook_secret").asText()).matches("whsec_[0-9A-Za-z]{43}").isNotEqualTo(secret);
    assertThat(new KeyStore(db.dataSource(), schema).webhookSecret(java.util.UUID.fromString(key.get("uuid").asText())))
        .contains(after.get("webhook_secret").asText());

    JsonNode list = new ObjectMapper().readTree(CliRun.onTestDatabase("keys", "list", "--json", "--schema", schema).out());
    assertThat(list).allSatisfy(k -> assertThat(k.has("webhook_secret")).isFalse());
    CliRun unknown = CliRun.onTestDatabase("keys", "webhook-secret", "a".repeat(26), "--schema", schema);
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(unknown.err()).contains("no API key with id " + "a".repeat(26));
  }

  @Test
  void mistakesAreUsageErrorsOrOneLineFailures() {
    CliRun badRole = CliRun.onTestDatabase("keys", "create", "--name", "x", "--role", "root", "--schema", schema);
    assertThat(badRole.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badRole.err()).contains("role must be one of producer, worker, admin");

    CliRun badId = CliRun.onTestDatabase("keys", "revoke", "nope", "--schema", schema);
    assertThat(badId.exitCode()).isEqualTo(ExitCodes.USAGE);

    CliRun unknown = CliRun.onTestDatabase("keys", "revoke", "a".repeat(26), "--schema", schema);
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(unknown.err()).contains("no API key with id " + "a".repeat(26));
  }
}
