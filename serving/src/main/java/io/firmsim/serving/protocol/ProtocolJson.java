package io.firmsim.serving.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON setup of the protocol: one {@link ObjectMapper} that reads {@code NaN} and {@code
 * Infinity} literals (so that a request holding them is refused with a message naming the input and
 * the index, not a parser error), and the {@code {"error": "..."}} body of every failure.
 *
 * <p>Thread-safe.
 */
public final class ProtocolJson {
  /** The shared mapper (configured once, never changed). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build());

  /** The content type of every JSON answer. */
  public static final String CONTENT_TYPE = "application/json";

  private ProtocolJson() {}

  /** The body {@code {"error": message}}. */
  public static byte[] error(String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error", message == null ? "unknown error" : message);
    return bytes(node);
  }

  /** A tree as UTF-8 bytes. */
  public static byte[] bytes(Object tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
