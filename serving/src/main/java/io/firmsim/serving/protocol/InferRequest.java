package io.firmsim.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.inference.HostTensor;
import java.util.List;

/**
 * An infer request of the Open Inference Protocol v2, parsed and checked against the model's
 * signature by {@link InferRequestParser}.
 *
 * @param id the client's request id, echoed in the answer; null when absent
 * @param parameters the request's {@code parameters} object, kept in the answer; null when absent
 * @param inputs one tensor per input of the signature, in the request's order
 * @param outputs the requested output names in the requested order; null for every output
 */
public record InferRequest(
    String id, JsonNode parameters, List<HostTensor> inputs, List<String> outputs) {
  /** Copies the lists. */
  public InferRequest {
    parameters = parameters == null ? null : parameters.deepCopy();
    inputs = List.copyOf(inputs);
    outputs = outputs == null ? null : List.copyOf(outputs);
  }
}
