package dev.gantry.server.http.jobs;

import dev.gantry.server.http.Problems;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque {@code cursor} of job listings: the last job of the page (listings are keyset
 * paginated by id), a fingerprint of the page's filters, and a checksum. A cursor that was
 * changed, cut short, or used with other filters than its page's is refused with 400 rather than
 * silently listing something else. It is tamper-evident, not secret: a forged cursor can only
 * name a position in a listing the caller may read anyway.
 */
final class JobCursor {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + 16 + 4 + 8;
  private static final byte[] CONTEXT = "gantry job cursor".getBytes(StandardCharsets.UTF_8);

  private JobCursor() {}

  static String encode(UUID lastId, String filters) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.put(VERSION).putLong(lastId.getMostSignificantBits()).putLong(lastId.getLeastSignificantBits());
    b.put(sha256(filters.getBytes(StandardCharsets.UTF_8)), 0, 4);
    b.put(checksum(Arrays.copyOf(b.array(), LENGTH - 8)));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /**
   * The last job id of the page the cursor came from.
   *
   * @param filters the fingerprint of this request's filters; must match the cursor's
   * @throws dev.gantry.server.http.ProblemException 400 naming {@code cursor}
   */
  static UUID decode(String cursor, String filters) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (bytes.length != LENGTH || bytes[0] != VERSION
        || !MessageDigest.isEqual(checksum(Arrays.copyOf(bytes, LENGTH - 8)), Arrays.copyOfRange(bytes, LENGTH - 8, LENGTH))) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(Arrays.copyOf(sha256(filters.getBytes(StandardCharsets.UTF_8)), 4),
        Arrays.copyOfRange(bytes, 17, 21))) {
      throw Problems.invalid("cursor", "belongs to a listing with other filters (queue, kind, state, tag, created_after, created_before);"
          + " send the same filters as the page it came from, or start again without a cursor");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 1, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  private static dev.gantry.server.http.ProblemException invalid() {
    return Problems.invalid("cursor", "is not a cursor this server gave out; pass next_cursor of the previous page unchanged,"
        + " or start again without a cursor");
  }

  private static byte[] checksum(byte[] payload) {
    byte[] input = new byte[CONTEXT.length + payload.length];
    System.arraycopy(CONTEXT, 0, input, 0, CONTEXT.length);
    System.arraycopy(payload, 0, input, CONTEXT.length, payload.length);
    return Arrays.copyOf(sha256(input), 8);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
