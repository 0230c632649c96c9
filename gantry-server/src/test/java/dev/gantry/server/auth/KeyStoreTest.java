package dev.gantry.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyStoreTest {
  private final TestDatabase db = TestDatabase.get();
  private String schema;
  private KeyStore keys;

  @BeforeEach
  void setUp() {
    schema = db.newSchema();
    new Migrator(schema).migrate(db.dataSource());
    keys = new KeyStore(db.dataSource(), schema);
  }

  @Test
  void aCreatedKeyAuthenticatesAndOnlyItsHashIsStored() {
    CreatedKey created = keys.create("billing", Role.PRODUCER, null);

    assertThat(keys.authenticate(created.token())).isInstanceOfSatisfying(Authentication.Valid.class,
        valid -> assertThat(valid.key().id()).isEqualTo(created.key().id()));
    String secret = ApiKeyToken.parse(created.token()).orElseThrow().secret();
    assertThat(db.queryStrings("SELECT encode(secret_hash, 'hex') FROM " + schema + ".api_keys"))
        .containsExactly(java.util.HexFormat.of().formatHex(ApiKeyToken.hash(secret)));
    assertThat(created.key()).extracting(ApiKey::name, ApiKey::role, ApiKey::tenant, ApiKey::revoked)
        .containsExactly("billing", Role.PRODUCER, null, false);
  }

  @Test
  void aWrongSecretOrUnknownIdIsInvalid() {
    CreatedKey created = keys.create("a", Role.ADMIN, null);
    UUID id = created.key().id();

    assertThat(keys.authenticate(ApiKeyToken.format(id, ApiKeyToken.newSecret()))).isInstanceOf(Authentication.Invalid.class);
    assertThat(keys.authenticate(ApiKeyToken.format(UUID.randomUUID(), ApiKeyToken.newSecret())))
        .isInstanceOf(Authentication.Invalid.class);
    assertThat(keys.authenticate("not a key")).isInstanceOf(Authentication.Invalid.class);
  }

  @Test
  void aRevokedKeyIsRefusedAtOnceAndRevokingAgainKeepsTheFirstTime() {
    CreatedKey created = keys.create("worker 1", Role.WORKER, "acme");
    assertThat(keys.authenticate(created.token())).isInstanceOf(Authentication.Valid.class);

    Revocation first = keys.revoke(created.key().id());
    Revocation second = keys.revoke(created.key().id());

    assertThat(first.alreadyRevoked()).isFalse();
    assertThat(first.key().revokedAt()).isNotNull();
    assertThat(second.alreadyRevoked()).isTrue();
    assertThat(second.key().revokedAt()).isEqualTo(first.key().revokedAt());
    assertThat(keys.authenticate(created.token())).isInstanceOf(Authentication.Revoked.class);
    assertThat(keys.list()).singleElement().extracting(ApiKey::revoked, ApiKey::tenant).containsExactly(true, "acme");
  }

  @Test
  void revokingAnUnknownKeySaysSo() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> keys.revoke(id)).isInstanceOf(UnknownKeyException.class)
        .hasMessageContaining(ApiKeyToken.encodeId(id));
  }

  @Test
  void lastUseIsRecordedAtMostOnceAMinute() {
    CreatedKey created = keys.create("p", Role.PRODUCER, null);
    assertThat(keys.list().get(0).lastUsedAt()).isNull();

    keys.authenticate(created.token());
    var firstUse = keys.list().get(0).lastUsedAt();
    keys.authenticate(created.token());

    assertThat(firstUse).isNotNull();
    assertThat(keys.list().get(0).lastUsedAt()).isEqualTo(firstUse);
  }

  @Test
  void keysAreListedOldestFirst() {
    keys.create("first", Role.ADMIN, null);
    keys.create("second", Role.PRODUCER, null);
    assertThat(keys.list()).extracting(ApiKey::name).containsExactly("first", "second");
  }

  @Test
  void badNamesAndTenantsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> keys.create("", Role.ADMIN, null)).hasMessageStartingWith("name must be");
    assertThatThrownBy(() -> keys.create("x".repeat(201), Role.ADMIN, null)).hasMessageStartingWith("name must be");
    assertThatThrownBy(() -> keys.create("ok", Role.ADMIN, "has space")).hasMessageStartingWith("tenant must be");
    assertThatThrownBy(() -> keys.create("ok", null, null)).hasMessageStartingWith("role is required");
    assertThat(keys.list()).isEmpty();
  }
}
