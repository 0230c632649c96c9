package dev.gantry.server.http.auth;

import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.auth.Authentication;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.Problems;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Checks who is calling before a route's handler runs: reads the key from
 * {@code Authorization: Bearer <key>} (or {@code X-Api-Key}), looks it up on every request (so a
 * revocation counts from the next request), and refuses with 401 (no valid key) or 403 (a valid
 * key without the route's role, or limited to a tenant on a route that covers every tenant).
 * Which jobs a key limited to a tenant reaches is decided by the routes ({@code CallerJobs}).
 */
public final class Authenticator {
  /** The request attribute holding the caller's {@link ApiKey}, for handlers. */
  public static final String CALLER = "gantry.caller";

  private final KeyStore keys;
  private final String metricsKey;

  /** @param metricsKey the token Prometheus presents on {@code /metrics}, or null for none */
  public Authenticator(KeyStore keys, String metricsKey) {
    this.keys = keys;
    this.metricsKey = metricsKey;
  }

  /**
   * Lets the request through or throws the problem to answer with.
   *
   * @throws dev.gantry.server.http.ProblemException 401 or 403
   */
  public void check(Context ctx, Access access) {
    switch (access) {
      case Access.Open open -> { }
      case Access.Metrics metrics -> checkMetrics(ctx);
      case Access.Keyed keyed -> ctx.attribute(CALLER, requireKey(ctx, keyed));
    }
  }

  /** The caller's key, as checked by {@link #check}; only on routes that need a key. */
  public static ApiKey caller(Context ctx) {
    ApiKey key = ctx.attribute(CALLER);
    if (key == null) {
      throw new IllegalStateException("no caller on " + ctx.path() + ": the route was registered without a key check");
    }
    return key;
  }

  private ApiKey requireKey(Context ctx, Access.Keyed access) {
    String token = presentedToken(ctx);
    if (token == null) {
      throw Problems.unauthorized("this route needs an API key: send it as 'Authorization: Bearer <key>' or"
          + " 'X-Api-Key: <key>' (an administrator creates keys with 'gantry keys create')", false);
    }
    ApiKey key = switch (keys.authenticate(token)) {
      case Authentication.Valid valid -> valid.key();
      case Authentication.Revoked revoked -> throw Problems.unauthorized(
          "API key " + revoked.key().shortId() + " was revoked; ask an administrator for a new key", true);
      case Authentication.Invalid invalid -> throw Problems.unauthorized(
          "the API key is not valid: it is malformed, unknown, or its secret is wrong", true);
    };
    if (!access.roles().contains(key.role())) {
      throw Problems.forbidden("API key '" + key.name() + "' has role " + key.role().apiName() + "; "
          + ctx.method().name() + " " + ctx.endpoint().path + " needs a key with role " + access.describe());
    }
    if (access.everyTenant() && key.tenant() != null) {
      throw Problems.forbidden("API key '" + key.name() + "' is limited to tenant '" + key.tenant() + "'; "
          + ctx.method().name() + " " + ctx.endpoint().path + " covers every tenant and needs a key without a tenant");
    }
    return key;
  }

  private void checkMetrics(Context ctx) {
    String token = presentedToken(ctx);
    if (metricsKey == null) {
      if (!isLoopback(ctx.req().getRemoteAddr())) {
        throw Problems.forbidden("/metrics is open only to clients on the server's own machine;"
            + " start the server with --metrics-key (or GANTRY_METRICS_KEY) to let Prometheus scrape it from elsewhere");
      }
      return;
    }
    if (token == null) {
      throw Problems.unauthorized("/metrics needs the metrics key: send it as 'Authorization: Bearer <key>'", false);
    }
    if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), metricsKey.getBytes(StandardCharsets.UTF_8))) {
      return;
    }
    // The metrics cover every tenant: an admin key limited to one may not read them.
    if (keys.authenticate(token) instanceof Authentication.Valid valid && valid.key().role() == Role.ADMIN
        && valid.key().tenant() == null) {
      return;
    }
    throw Problems.unauthorized("the key presented is neither the metrics key nor a valid admin API key without a tenant", true);
  }

  private static String presentedToken(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      return token.isEmpty() ? null : token;
    }
    String apiKey = ctx.header("X-Api-Key");
    return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
  }

  private static boolean isLoopback(String address) {
    if (address == null) {
      return false;
    }
    String a = address.toLowerCase(Locale.ROOT);
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    // Jetty gives the peer's IP; anything else is not trusted, and never looked up by name.
    if (!a.matches("[0-9a-f:.]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(a).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
