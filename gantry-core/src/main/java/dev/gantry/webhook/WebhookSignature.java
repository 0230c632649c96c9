package dev.gantry.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How webhook deliveries are signed, and how a receiver checks them.
 *
 * <p>Every delivery carries {@value #HEADER}{@code : t=<unix seconds>,v1=<signature>}, where the
 * signature is the lower-case hex HMAC-SHA256, keyed with the secret's UTF-8 bytes (the whole
 * secret, {@code whsec_} prefix included), of the timestamp, a full stop and the raw request body:
 * {@code HMAC-SHA256(secret, "<t>.<body>")}. The timestamp is the database clock's at the attempt
 * (also sent as {@code Gantry-Timestamp}), and each retry is signed anew. Because the timestamp is
 * signed, a receiver that refuses timestamps older than a few minutes refuses a recorded delivery
 * replayed later; a receiver that also remembers the {@code Gantry-Webhook-Id}s it has handled
 * within that window refuses replays inside it too (and the duplicates at-least-once delivery
 * may bring). A receiver verifies the body's bytes exactly as received, before parsing them.
 *
 * <pre>{@code
 * boolean genuine = WebhookSignature.verify(secret, request.header("Gantry-Signature"), rawBody,
 *     Duration.ofMinutes(5));
 * }</pre>
 */
public final class WebhookSignature {
  /** The request header that carries the signature. */
  public static final String HEADER = "Gantry-Signature";
  /** The tolerance receivers are advised to use: five minutes either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  /**
   * The hex HMAC-SHA256 of {@code "<timestamp>.<body>"} under the secret.
   *
   * @throws IllegalArgumentException if the secret is null or empty
   */
  public static String sign(String secret, long timestamp, byte[] body) {
    Mac mac = mac(secret);
    mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
    mac.update(body);
    return HexFormat.of().formatHex(mac.doFinal());
  }

  /** The {@value #HEADER} value for this body at this time: {@code t=<timestamp>,v1=<signature>}. */
  public static String header(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + ",v1=" + sign(secret, timestamp, body);
  }

  /**
   * Whether the header is a genuine, fresh signature of the body under the secret, by this
   * machine's clock; see {@link #verify(String, String, byte[], Duration, Instant)}.
   */
  public static boolean verify(String secret, String header, byte[] body, Duration tolerance) {
    return verify(secret, header, body, tolerance, Instant.now());
  }

  /**
   * Whether the header is a genuine, fresh signature of the body under the secret: it has a
   * timestamp no further than {@code tolerance} from {@code now} (either way: a clock running
   * ahead is no excuse) and a {@code v1} signature (any of them, if several) that matches,
   * compared in constant time. A missing, malformed or stale header is simply not genuine.
   *
   * @throws IllegalArgumentException if the secret is null or empty, or the tolerance negative
   */
  public static boolean verify(String secret, String header, byte[] body, Duration tolerance, Instant now) {
    if (tolerance == null || tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must be zero or positive, got " + tolerance);
    }
    mac(secret);
    if (header == null || body == null) {
      return false;
    }
    Long timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      if (name.equals("t") && value.matches("\\d{1,12}")) {
        timestamp = Long.parseLong(value);
      } else if (name.equals("v1")) {
        signatures.add(value);
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return false;
    }
    long age = Math.abs(now.getEpochSecond() - timestamp);
    if (age > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String signature : signatures) {
      match |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
    return match;
  }

  private static Mac mac(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret is required to sign or verify, got none");
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
