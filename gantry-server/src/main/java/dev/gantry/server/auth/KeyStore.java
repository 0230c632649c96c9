package dev.gantry.server.auth;

import dev.gantry.GantryException;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.internal.Db;
import dev.gantry.server.database.ServerStatements;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The HTTP server's API keys, in the {@code api_keys} table of Gantry's schema: creates, lists,
 * revokes and authenticates them. Nothing is cached: every authentication reads the key's row,
 * so a revoked key is refused from the next request on, on every server node.
 */
public final class KeyStore {
  private final Db db;
  private final ServerStatements statements;

  public KeyStore(DataSource dataSource, String schema) {
    this.db = new Db(dataSource);
    this.statements = new ServerStatements(schema);
  }

  /**
   * Creates a key, with a webhook signing secret of its own (see {@link WebhookSecrets}). The
   * returned token is the only copy of its secret.
   *
   * @param tenant the tenant the key is limited to, or null for none
   * @throws IllegalArgumentException if the name or tenant is not valid (the message names which)
   * @throws GantryException if the database fails; no key was created
   */
  public CreatedKey create(String name, Role role, String tenant) {
    requireName(name);
    if (role == null) {
      throw new IllegalArgumentException("role is required: one of " + Role.names());
    }
    requireTenant(tenant);
    UUID id = UUID.randomUUID();
    String secret = ApiKeyToken.newSecret();
    String webhookSecret = WebhookSecrets.newSecret();
    ApiKey key = db.run("creating API key " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_insert"))) {
        ps.setObject(1, id);
        ps.setString(2, name);
        ps.setString(3, role.apiName());
        ps.setString(4, tenant);
        ps.setBytes(5, ApiKeyToken.hash(secret));
        ps.setString(6, webhookSecret);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return map(rs);
        }
      }
    });
    return new CreatedKey(key, ApiKeyToken.format(id, secret), webhookSecret);
  }

  /**
   * The key's webhook signing secret; one is made (and kept) for a key created before webhooks
   * existed. A revoked key keeps its secret: deliveries of jobs it enqueued are still signed.
   *
   * @return the secret, or empty if there is no such key
   * @throws GantryException if the database fails
   */
  public Optional<String> webhookSecret(UUID id) {
    Optional<Optional<String>> stored = db.run("reading the webhook secret of API key " + ApiKeyToken.encodeId(id),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_webhook_secret"))) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              // Outer: is there such a key; inner: has it a secret yet.
              return rs.next() ? Optional.of(Optional.ofNullable(rs.getString(1))) : Optional.empty();
            }
          }
        });
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    return stored.get().isPresent() ? stored.get()
        : setWebhookSecret(id, false).map(KeyWithSecret::webhookSecret);
  }

  /**
   * Replaces the key's webhook signing secret with a new one: from the next attempt on, every
   * delivery of the key's webhooks (pending ones too) is signed with it, so its receivers need the
   * new secret first.
   *
   * @return the key and its new secret
   * @throws UnknownKeyException if there is no such key
   */
  public KeyWithSecret rotateWebhookSecret(UUID id) {
    return setWebhookSecret(id, true).orElseThrow(() -> new UnknownKeyException(ApiKeyToken.encodeId(id)));
  }

  /**
   * The key with its webhook signing secret, for showing it to an admin.
   *
   * @throws UnknownKeyException if there is no such key
   */
  public KeyWithSecret withWebhookSecret(UUID id) {
    ApiKey key = db.run("reading API key " + ApiKeyToken.encodeId(id), c -> {
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_get"))) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? map(rs) : null;
        }
      }
    });
    String secret = key == null ? null : webhookSecret(id).orElse(null);
    if (secret == null) {
      throw new UnknownKeyException(ApiKeyToken.encodeId(id));
    }
    return new KeyWithSecret(key, secret);
  }

  /** A key and its webhook signing secret. */
  public record KeyWithSecret(ApiKey key, String webhookSecret) {
    /** Never shows the secret. */
    @Override
    public String toString() {
      return "KeyWithSecret[key=" + key + "]";
    }
  }

  private Optional<KeyWithSecret> setWebhookSecret(UUID id, boolean replace) {
    String candidate = WebhookSecrets.newSecret();
    String what = (replace ? "rotating" : "making") + " the webhook secret of API key " + ApiKeyToken.encodeId(id);
    return db.run(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_webhook_secret_set"))) {
        ps.setBoolean(1, replace);
        ps.setString(2, candidate);
        ps.setObject(3, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new KeyWithSecret(map(rs), rs.getString("webhook_secret"))) : Optional.empty();
        }
      }
    });
  }

  /** Every key, valid and revoked, oldest first. */
  public List<ApiKey> list() {
    return db.run("listing API keys", c -> {
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_list"));
          ResultSet rs = ps.executeQuery()) {
        List<ApiKey> keys = new ArrayList<>();
        while (rs.next()) {
          keys.add(map(rs));
        }
        return keys;
      }
    });
  }

  /**
   * Revokes a key: from the next request on, it is refused. Revoking a revoked key changes nothing.
   *
   * @throws UnknownKeyException if there is no such key
   */
  public Revocation revoke(UUID id) {
    return db.run("revoking API key " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_revoke"))) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new Revocation(map(rs), false);
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_get"))) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new Revocation(map(rs), true);
          }
        }
      }
      throw new UnknownKeyException(ApiKeyToken.encodeId(id));
    });
  }

  /**
   * Checks a key as presented by a client. Reads the key's row (one primary-key lookup) and,
   * at most once a minute per key, records when it was last used.
   *
   * @throws GantryException if the database fails
   */
  public Authentication authenticate(String token) {
    Optional<ApiKeyToken.Parts> parts = ApiKeyToken.parse(token);
    if (parts.isEmpty()) {
      return new Authentication.Invalid();
    }
    UUID id = parts.get().id();
    byte[] presented = ApiKeyToken.hash(parts.get().secret());
    return db.run("authenticating API key " + ApiKeyToken.encodeId(id), c -> {
      ApiKey key;
      boolean touch;
      try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_authenticate"))) {
        ps.setObject(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new Authentication.Invalid();
          }
          if (!MessageDigest.isEqual(rs.getBytes("secret_hash"), presented)) {
            return new Authentication.Invalid();
          }
          key = map(rs);
          touch = rs.getBoolean("touch");
        }
      }
      if (key.revoked()) {
        return new Authentication.Revoked(key);
      }
      if (touch) {
        try (PreparedStatement ps = c.prepareStatement(statements.get("api_key_touch"))) {
          ps.setObject(1, id);
          ps.executeUpdate();
        }
      }
      return new Authentication.Valid(key);
    });
  }

  /** Checks a key's name: 1 to 200 characters, no control characters. */
  public static String requireName(String name) {
    if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("name must be 1 to 200 characters without control characters, got: " + name);
    }
    return name;
  }

  /** Checks a tenant name (null means none): 1 to 100 letters, digits, {@code . _ : -}. */
  public static String requireTenant(String tenant) {
    // Gantry's own rule, so that every key's tenant is one Gantry.forTenant accepts.
    return tenant == null ? null : JobOptions.requireTenant(tenant);
  }

  private static ApiKey map(ResultSet rs) throws SQLException {
    return new ApiKey(rs.getObject("id", UUID.class), rs.getString("name"), Role.parse(rs.getString("role")),
        rs.getString("tenant"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("revoked_at")),
        instant(rs.getTimestamp("last_used_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
