package io.firmsim.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 helpers for content hashes: of input files and artifacts (run records, provenance) and of
 * the training runner's incremental keys. Hashes are lower-case hex strings of 64 characters.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hashing {

  private Hashing() {}

  /** The SHA-256 of the bytes, as lower-case hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The SHA-256 of the text's UTF-8 bytes, as lower-case hex. */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The SHA-256 of a file's content, read in a stream of small blocks (never the whole file at
   * once, so files of any size can be hashed in constant memory).
   *
   * @throws IOException when the file cannot be read
   */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  /**
   * The SHA-256 of a stream's remaining content, read in blocks (constant memory); the stream is
   * not closed.
   *
   * @throws IOException when the stream cannot be read
   */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[1 << 16];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The SHA-256 of a sequence of strings, encoded unambiguously (each part is prefixed by its
   * length), so that {@code ["ab", "c"]} and {@code ["a", "bc"]} hash differently.
   *
   * @param parts the strings, in order; none null
   * @return the hash as lower-case hex
   */
  public static String combine(List<String> parts) {
    MessageDigest digest = digest();
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      digest.update(bytes);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
