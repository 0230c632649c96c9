package dev.gantry.server.http.jobs;

import dev.gantry.server.http.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A client's {@code Idempotency-Key} header and the fingerprint of the request it came with:
 * the same key with another request is refused, the same key with the same request replays.
 *
 * @param requestHash SHA-256 of the method, the path and the body's bytes
 */
public record IdempotencyKey(String key, byte[] requestHash) {
  public static final String HEADER = "Idempotency-Key";
  private static final int MAX_LENGTH = 255;

  /**
   * The key of a request, or null when it has none.
   *
   * @throws dev.gantry.server.http.ProblemException 400 if the header is empty, too long or not printable ASCII
   */
  public static IdempotencyKey of(String header, String method, String path, byte[] body) {
    if (header == null) {
      return null;
    }
    if (header.isEmpty() || header.length() > MAX_LENGTH || !header.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw Problems.invalid(HEADER, "must be 1 to " + MAX_LENGTH
          + " printable ASCII characters without spaces, such as a UUID; got '" + header + "'");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update(body);
      return new IdempotencyKey(header, sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
