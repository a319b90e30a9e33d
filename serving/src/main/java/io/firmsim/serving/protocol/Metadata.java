package io.firmsim.serving.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.util.List;

/**
 * The metadata answers of the protocol: the server's ({@code GET /v2}: {@code {"name": "firmsim",
 * "version", "extensions"}}) and a model's ({@code GET /v2/models/{m}}: {@code {"name", "versions",
 * "platform": "onnxruntime_onnx", "inputs": [{"name", "datatype", "shape"}], "outputs": [...]}},
 * {@code -1} for a dynamic dimension).
 *
 * <p>Stateless and thread-safe.
 */
public final class Metadata {
  /** The platform every served model reports. */
  public static final String PLATFORM = "onnxruntime_onnx";

  /** The server's name in {@code GET /v2}. */
  public static final String SERVER_NAME = "firmsim";

  private Metadata() {}

  /** The server metadata body. */
  public static byte[] server(String version, List<String> extensions) {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.put("name", SERVER_NAME);
    node.put("version", version);
    ArrayNode ext = node.putArray("extensions");
    extensions.forEach(ext::add);
    return ProtocolJson.bytes(node);
  }

  /** The model metadata body. */
  public static byte[] model(String name, List<String> versions, ModelSignature signature) {
    ObjectNode node = ProtocolJson.MAPPER.createObjectNode();
    node.put("name", name);
    ArrayNode vs = node.putArray("versions");
    versions.forEach(vs::add);
    node.put("platform", PLATFORM);
    tensors(node.putArray("inputs"), signature.inputs());
    tensors(node.putArray("outputs"), signature.outputs());
    return ProtocolJson.bytes(node);
  }

  private static void tensors(ArrayNode array, List<TensorSpec> specs) {
    for (TensorSpec s : specs) {
      ObjectNode t = array.addObject();
      t.put("name", s.name());
      t.put("datatype", s.datatype().protocolName());
      ArrayNode shape = t.putArray("shape");
      for (long d : s.shape()) {
        shape.add(d);
      }
    }
  }
}
