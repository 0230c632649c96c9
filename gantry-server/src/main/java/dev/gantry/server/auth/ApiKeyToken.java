package dev.gantry.server.auth;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/**
 * The text of an API key: {@code gk_<id>_<secret>}, where the id is the key's UUID in 26
 * characters of lower-case base32 and the secret is 256 random bits in 43 characters of base62.
 * Only letters, digits and underscores, so a double click selects the whole key; the prefix lets
 * secret scanners recognise leaked keys; the id lets the server find the key's row without
 * comparing secrets.
 *
 * <p>Both encodings are fixed-width numbers in a radix, which {@link BigInteger} does in a few
 * lines; no well-kept library offers base62, and base32 alone is not worth a dependency.
 */
public final class ApiKeyToken {
  public static final String PREFIX = "gk_";
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int ID_CHARS = 26;
  private static final int SECRET_BYTES = 32;
  private static final int SECRET_CHARS = 43;
  private static final BigInteger MAX_ID = BigInteger.ONE.shiftLeft(128);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A token split into its parts; the secret is still text and is only ever hashed. */
  public record Parts(UUID id, String secret) {}

  private ApiKeyToken() {}

  /** A new random secret: 256 bits from {@link SecureRandom}, in base62. */
  public static String newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return encode(new BigInteger(1, bytes), BASE62, SECRET_CHARS);
  }

  public static String format(UUID id, String secret) {
    return PREFIX + encodeId(id) + "_" + secret;
  }

  /** The id's 26-character form, as in tokens and {@code gantry keys list}. */
  public static String encodeId(UUID id) {
    ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return encode(new BigInteger(1, b.array()), BASE32, ID_CHARS);
  }

  /** The id written as {@link #encodeId} writes it; empty for anything else. */
  public static Optional<UUID> decodeId(String text) {
    if (text == null || text.length() != ID_CHARS) {
      return Optional.empty();
    }
    BigInteger value = decode(text, BASE32);
    if (value == null || value.compareTo(MAX_ID) >= 0) {
      return Optional.empty();
    }
    long low = value.longValue();
    long high = value.shiftRight(64).longValue();
    return Optional.of(new UUID(high, low));
  }

  /** The parts of a well-formed token; empty for anything that is not one. */
  public static Optional<Parts> parse(String token) {
    if (token == null || !token.startsWith(PREFIX) || token.length() != PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS) {
      return Optional.empty();
    }
    String id = token.substring(PREFIX.length(), PREFIX.length() + ID_CHARS);
    if (token.charAt(PREFIX.length() + ID_CHARS) != '_') {
      return Optional.empty();
    }
    String secret = token.substring(PREFIX.length() + ID_CHARS + 1);
    if (decode(secret, BASE62) == null) {
      return Optional.empty();
    }
    return decodeId(id).map(uuid -> new Parts(uuid, secret));
  }

  /** SHA-256 of the secret: what is stored, and what a presented secret is compared with. */
  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String encode(BigInteger value, String alphabet, int width) {
    BigInteger radix = BigInteger.valueOf(alphabet.length());
    char[] out = new char[width];
    BigInteger rest = value;
    for (int i = width - 1; i >= 0; i--) {
      BigInteger[] qr = rest.divideAndRemainder(radix);
      out[i] = alphabet.charAt(qr[1].intValue());
      rest = qr[0];
    }
    if (rest.signum() != 0) {
      throw new IllegalArgumentException("value does not fit in " + width + " digits");
    }
    return new String(out);
  }

  /** The number the text spells in this alphabet, or null if it has another character. */
  private static BigInteger decode(String text, String alphabet) {
    BigInteger radix = BigInteger.valueOf(alphabet.length());
    BigInteger value = BigInteger.ZERO;
    for (int i = 0; i < text.length(); i++) {
      int digit = alphabet.indexOf(text.charAt(i));
      if (digit < 0) {
        return null;
      }
      value = value.multiply(radix).add(BigInteger.valueOf(digit));
    }
    return value;
  }
}
