package io.firmsim.zoo.artifact;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firmsim.zoo.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The JSON mapper of {@code metadata.json} and the rules for the paths it lists. */
final class ArtifactJson {
  /**
   * Strict reading: an unknown key is refused (a typo or a newer writer is never silently ignored),
   * a missing primitive is refused rather than read as 0.
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** One path segment: no separators, no leading dot (so never {@code .} or {@code ..}). */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]*");

  private ArtifactJson() {}

  /**
   * The metadata text with its checksum placeholder (the last occurrence, the {@code checksum}
   * field being written last) replaced by {@code checksum}, as UTF-8 bytes.
   */
  static byte[] seal(String text, String checksum) {
    String quoted = "\"" + ArtifactMetadata.CHECKSUM_PLACEHOLDER + "\"";
    int at = text.lastIndexOf(quoted);
    if (at < 0) {
      throw new IllegalStateException("metadata text holds no checksum placeholder");
    }
    return (text.substring(0, at) + "\"" + checksum + "\"" + text.substring(at + quoted.length()))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The SHA-256 the metadata text should carry as its checksum: that of the text with the last
   * occurrence of {@code "checksum"}'s value replaced by the placeholder; null when the value does
   * not occur.
   */
  static String expectedChecksum(String text, String checksum) {
    String quoted = "\"" + checksum + "\"";
    int at = text.lastIndexOf(quoted);
    if (at < 0) {
      return null;
    }
    return Hashing.sha256(
        text.substring(0, at)
            + "\""
            + ArtifactMetadata.CHECKSUM_PLACEHOLDER
            + "\""
            + text.substring(at + quoted.length()));
  }

  /**
   * Whether {@code path} is a file path an artifact may list: relative, {@code /}-separated, every
   * segment a plain name, and not one of the files the artifact reserves.
   */
  static boolean validListedPath(String path) {
    if (path == null
        || path.isEmpty()
        || path.equals(ArtifactMetadata.FILE)
        || path.length() > 500) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return false;
      }
    }
    return true;
  }
}
