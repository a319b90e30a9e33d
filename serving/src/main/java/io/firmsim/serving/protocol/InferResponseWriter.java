package io.firmsim.serving.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import io.firmsim.serving.inference.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an infer answer of the Open Inference Protocol v2: {@code {"model_name", "model_version",
 * "id"? (echoed), "parameters"? (the request's, kept), "outputs": [{"name", "shape", "datatype",
 * "data" (flat, row-major)}]}}, streamed with a generator (no tree of the values). FP32 values are
 * written as the shortest decimal that reads back as the same float.
 *
 * <p>Stateless and thread-safe.
 */
public final class InferResponseWriter {
  private InferResponseWriter() {}

  /**
   * @param model the model's name
   * @param version the version that answered
   * @param request the request (id, parameters, the outputs it asked for)
   * @param outputs every output of the model, in signature order
   * @return the UTF-8 JSON body
   */
  public static byte[] write(
      String model, String version, InferRequest request, List<HostTensor> outputs) {
    List<HostTensor> chosen = outputs;
    if (request.outputs() != null) {
      chosen = new ArrayList<>();
      for (String name : request.outputs()) {
        for (HostTensor t : outputs) {
          if (t.name().equals(name)) {
            chosen.add(t);
          }
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = ProtocolJson.MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model_name", model);
      g.writeStringField("model_version", version);
      if (request.id() != null) {
        g.writeStringField("id", request.id());
      }
      if (request.parameters() != null) {
        g.writeFieldName("parameters");
        ProtocolJson.MAPPER.writeTree(g, request.parameters());
      }
      g.writeArrayFieldStart("outputs");
      for (HostTensor t : chosen) {
        writeTensor(g, t);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeTensor(JsonGenerator g, HostTensor t) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", t.name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeStringField("datatype", t.datatype().protocolName());
    g.writeArrayFieldStart("data");
    switch (t.datatype()) {
      case FP32 -> {
        for (float v : (float[]) t.data()) {
          g.writeNumber(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) t.data()) {
          g.writeNumber(v);
        }
      }
      case INT64 -> {
        for (long v : (long[]) t.data()) {
          g.writeNumber(v);
        }
      }
      case BOOL -> {
        for (boolean v : (boolean[]) t.data()) {
          g.writeBoolean(v);
        }
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
