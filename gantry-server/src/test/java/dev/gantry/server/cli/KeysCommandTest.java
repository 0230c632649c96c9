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
