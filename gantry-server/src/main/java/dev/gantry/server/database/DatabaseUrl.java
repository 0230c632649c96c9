package dev.gantry.server.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the PostgreSQL database is, read from a URL as people write it: either a JDBC URL
 * ({@code jdbc:postgresql://host:5432/db?user=app}), passed through unchanged, or the
 * {@code postgres://user:password@host:port/db?sslmode=require} form that hosting platforms
 * hand out, turned into a JDBC URL with the user and password kept apart.
 *
 * <p>The password never appears in {@link #toString()} or {@link #redacted()}, so either can be
 * logged.
 *
 * @param jdbcUrl the URL for the PostgreSQL JDBC driver; it holds no credentials that came from a
 *     {@code postgres://} URL (a JDBC URL given as is may carry {@code password=} itself)
 * @param user the user from a {@code postgres://} URL, or null to let the JDBC URL decide
 * @param password the password from a {@code postgres://} URL, or null
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&]password=)[^&]*");

  /**
   * Reads a {@code jdbc:postgresql:}, {@code postgres://} or {@code postgresql://} URL.
   *
   * @throws IllegalArgumentException if it is none of these or cannot be read; the message
   *     never contains the password
   */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty");
    }
    String trimmed = url.strip();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(trimmed, null, null);
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return fromPostgresUrl(trimmed);
    }
    throw new IllegalArgumentException(
        "the database URL must start with jdbc:postgresql:, postgres:// or postgresql://, got: " + redact(trimmed));
  }

  private static DatabaseUrl fromPostgresUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the database URL cannot be read (" + e.getReason() + "): " + redact(url));
    }
    // A multi-host URL (host1,host2) has no single host; URI leaves it null.
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the database URL has no host, or more than one (use a jdbc:postgresql: URL for several hosts): " + redact(url));
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      // Split before decoding: an encoded ':' (%3A) belongs to the user name or password.
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    String database = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
    if (uri.getPort() != -1) {
      jdbc.append(':').append(uri.getPort());
    }
    jdbc.append('/').append(database);
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      // Driver settings such as sslmode=require have the same names in both forms.
      jdbc.append('?').append(uri.getRawQuery());
    }
    return new DatabaseUrl(jdbc.toString(), user == null || user.isEmpty() ? null : user, password);
  }

  /** Percent-decodes a URL part; unlike form decoding, '+' stays a plus sign. */
  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The JDBC URL and user, safe to log: any password is replaced by {@code ***}. */
  public String redacted() {
    String safe = redact(jdbcUrl);
    return user == null ? safe : safe + " (user " + user + ")";
  }

  /** Hides the password in any URL form this class reads, for logs and error messages. */
  static String redact(String url) {
    String safe = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    // postgres://user:password@host -> postgres://user:***@host
    return safe.replaceFirst("^([A-Za-z]+://[^/@:]*):[^/@]*@", "$1:***@");
  }

  @Override
  public String toString() {
    return redacted();
  }
}
