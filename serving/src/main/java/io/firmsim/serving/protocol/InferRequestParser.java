package io.firmsim.serving.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an infer request body ({@code {"id"?, "parameters"?, "inputs": [{"name", "shape",
 * "datatype", "data", "parameters"?}], "outputs"?: [{"name", "parameters"?}]}}) with a streaming
 * parser (a 64 MiB body of numbers never becomes a tree) and checks it against the model's
 * signature. Every refusal is an {@link InferenceException} with reason {@link
 * InferenceException.Reason#INVALID} and a message that names the input and, for values, the index:
 * malformed JSON, a missing, unknown or duplicate input, a datatype other than the model's, a shape
 * that does not fit the signature (rank, fixed dimensions, equal rows of batched inputs), data
 * whose length is not the shape's product, nested data of another shape or ragged, a value of the
 * wrong kind or non-finite ({@code NaN}, {@code Infinity}, or beyond FP32's range), an unknown or
 * duplicate requested output.
 *
 * <p>{@code data} may be flat (row-major) or nested arrays. Integers are accepted for FP32 and
 * FP64; INT64 takes integers only and BOOL {@code true}/{@code false} only.
 *
 * <p>Stateless and thread-safe.
 */
public final class InferRequestParser {
  private static final int MAX_DEPTH = 32;

  private InferRequestParser() {}

  /**
   * Parses and checks a request.
   *
   * @param body the UTF-8 JSON body
   * @param model the model's name (for messages)
   * @param signature what the model takes and gives
   * @throws InferenceException (INVALID) naming what is wrong
   */
  public static InferRequest parse(byte[] body, String model, ModelSignature signature)
      throws InferenceException {
    String id = null;
    JsonNode parameters = null;
    List<RawInput> raw = null;
    List<String> outputs = null;
    try (JsonParser p = ProtocolJson.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("the request must be a JSON object");
      }
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (!seen.add(key)) {
          throw invalid("key '" + key + "' given twice");
        }
        JsonToken t = p.nextToken();
        switch (key) {
          case "id" -> {
            if (t != JsonToken.VALUE_STRING) {
              throw invalid("'id' must be a string");
            }
            id = p.getText();
          }
          case "parameters" -> {
            if (t != JsonToken.START_OBJECT) {
              throw invalid("'parameters' must be an object");
            }
            parameters = p.readValueAsTree();
          }
          case "inputs" -> raw = readInputs(p, t);
          case "outputs" -> outputs = readOutputs(p, t);
          default ->
              throw invalid(
                  "unknown key '" + key + "' (a request has id, parameters, inputs, outputs)");
        }
      }
      if (p.nextToken() != null) {
        throw invalid("malformed JSON: content after the request object");
      }
    } catch (JsonParseException e) {
      throw invalid("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("malformed JSON: " + e.getMessage());
    }
    if (raw == null) {
      throw invalid("missing 'inputs'");
    }
    return new InferRequest(
        id,
        parameters,
        checkInputs(raw, model, signature),
        checkOutputs(outputs, model, signature));
  }

  private static List<String> checkOutputs(
      List<String> outputs, String model, ModelSignature signature) throws InferenceException {
    if (outputs == null) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    for (String o : outputs) {
      if (signature.output(o).isEmpty()) {
        throw invalid(
            "unknown output '"
                + o
                + "': "
                + model
                + " gives "
                + signature.outputs().stream().map(TensorSpec::name).toList());
      }
      if (!seen.add(o)) {
        throw invalid("output '" + o + "' requested twice");
      }
    }
    return outputs;
  }

  private static List<HostTensor> checkInputs(
      List<RawInput> raw, String model, ModelSignature signature) throws InferenceException {
    Map<String, RawInput> byName = new LinkedHashMap<>();
    for (RawInput r : raw) {
      if (signature.input(r.name).isEmpty()) {
        throw invalid(
            "unknown input '"
                + r.name
                + "': "
                + model
                + " takes "
                + signature.inputs().stream().map(TensorSpec::name).toList());
      }
      if (byName.put(r.name, r) != null) {
        throw invalid("input '" + r.name + "' given twice");
      }
    }
    for (TensorSpec spec : signature.inputs()) {
      if (!byName.containsKey(spec.name())) {
        throw invalid("missing input '" + spec.name() + "' (" + model + " takes " + spec + ")");
      }
    }
    List<HostTensor> tensors = new ArrayList<>();
    long rows = -1;
    String rowsFrom = null;
    for (RawInput r : raw) {
      TensorSpec spec = signature.input(r.name).orElseThrow();
      DataType type =
          DataType.fromProtocolName(r.datatype)
              .orElseThrow(
                  () ->
                      invalid(
                          "input '"
                              + r.name
                              + "': unknown datatype '"
                              + r.datatype
                              + "' (served: FP32, FP64, INT64, BOOL)"));
      if (type != spec.datatype()) {
        throw invalid(
            "input '"
                + r.name
                + "': datatype "
                + type
                + ", but "
                + model
                + " takes "
                + spec.datatype());
      }
      long[] want = spec.shape();
      if (r.shape.length != want.length) {
        throw invalid(
            "input '"
                + r.name
                + "': shape "
                + Arrays.toString(r.shape)
                + " has rank "
                + r.shape.length
                + ", but "
                + model
                + " takes "
                + shapeText(want));
      }
      for (int d = 0; d < want.length; d++) {
        if (want[d] >= 0 && r.shape[d] != want[d]) {
          throw invalid(
              "input '"
                  + r.name
                  + "': shape "
                  + Arrays.toString(r.shape)
                  + " does not match "
                  + shapeText(want)
                  + " (dimension "
                  + d
                  + ")");
        }
        if (want[d] < 0 && r.shape[d] < 1) {
          throw invalid(
              "input '"
                  + r.name
                  + "': dimension "
                  + d
                  + " must be at least 1, found "
                  + r.shape[d]);
        }
      }
      if (spec.batched()) {
        if (rows < 0) {
          rows = r.shape[0];
          rowsFrom = r.name;
        } else if (rows != r.shape[0]) {
          throw invalid(
              "input '"
                  + r.name
                  + "' has "
                  + r.shape[0]
                  + " rows, but input '"
                  + rowsFrom
                  + "' has "
                  + rows);
        }
      }
      tensors.add(r.data.toTensor(r.name, type, r.shape));
    }
    return tensors;
  }

  private static String shapeText(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? "-1" : Long.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  private static List<String> readOutputs(JsonParser p, JsonToken t)
      throws IOException, InferenceException {
    if (t != JsonToken.START_ARRAY) {
      throw invalid("'outputs' must be an array");
    }
    List<String> names = new ArrayList<>();
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw invalid("outputs[" + i + "] must be an object");
      }
      String name = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "name" -> {
            if (v != JsonToken.VALUE_STRING) {
              throw invalid("outputs[" + i + "].name must be a string");
            }
            name = p.getText();
          }
          case "parameters" -> {
            if (v != JsonToken.START_OBJECT) {
              throw invalid("outputs[" + i + "].parameters must be an object");
            }
            p.skipChildren();
          }
          default -> throw invalid("outputs[" + i + "]: unknown key '" + key + "'");
        }
      }
      if (name == null) {
        throw invalid("outputs[" + i + "]: missing 'name'");
      }
      names.add(name);
      i++;
    }
    return names;
  }

  private static List<RawInput> readInputs(JsonParser p, JsonToken t)
      throws IOException, InferenceException {
    if (t != JsonToken.START_ARRAY) {
      throw invalid("'inputs' must be an array");
    }
    List<RawInput> inputs = new ArrayList<>();
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw invalid("inputs[" + i + "] must be an object");
      }
      inputs.add(readInput(p, i));
      i++;
    }
    return inputs;
  }

  private static RawInput readInput(JsonParser p, int i) throws IOException, InferenceException {
    String name = null;
    String datatype = null;
    long[] shape = null;
    RawData data = null;
    String where = "inputs[" + i + "]";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      switch (key) {
        case "name" -> {
          if (v != JsonToken.VALUE_STRING) {
            throw invalid(where + ".name must be a string");
          }
          name = p.getText();
          where = "input '" + name + "'";
        }
        case "datatype" -> {
          if (v != JsonToken.VALUE_STRING) {
            throw invalid(where + ": datatype must be a string");
          }
          datatype = p.getText();
        }
        case "shape" -> shape = readShape(p, v, where);
        case "data" -> data = RawData.read(p, v, where);
        case "parameters" -> {
          if (v != JsonToken.START_OBJECT) {
            throw invalid(where + ": parameters must be an object");
          }
          p.skipChildren();
        }
        default -> throw invalid(where + ": unknown key '" + key + "'");
      }
    }
    if (name == null) {
      throw invalid(where + ": missing 'name'");
    }
    if (shape == null) {
      throw invalid(where + ": missing 'shape'");
    }
    if (datatype == null) {
      throw invalid(where + ": missing 'datatype'");
    }
    if (data == null) {
      throw invalid(where + ": missing 'data'");
    }
    return new RawInput(name, datatype, shape, data);
  }

  private static long[] readShape(JsonParser p, JsonToken v, String where)
      throws IOException, InferenceException {
    if (v != JsonToken.START_ARRAY) {
      throw invalid(where + ": shape must be an array of integers");
    }
    List<Long> dims = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw invalid(where + ": shape must be an array of integers");
      }
      long d = p.getLongValue();
      if (d < 0) {
        throw invalid(where + ": shape has a negative dimension " + d);
      }
      dims.add(d);
      if (dims.size() > MAX_DEPTH) {
        throw invalid(where + ": shape has more than " + MAX_DEPTH + " dimensions");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  static InferenceException invalid(String message) {
    return new InferenceException(InferenceException.Reason.INVALID, message);
  }

  private record RawInput(String name, String datatype, long[] shape, RawData data) {}

  /**
   * The values of {@code data} as read, before the datatype is known (the keys of an input may come
   * in any order): each value's kind and its bits, and the shape its nesting implies.
   */
  private static final class RawData {
    static final byte INT = 0;
    static final byte FLOAT = 1;
    static final byte BOOL = 2;
    static final byte BIG = 3;

    private byte[] kinds = new byte[16];
    private long[] bits = new long[16];
    private int size;
    private long[] nestedShape;
    private final String where;

    private RawData(String where) {
      this.where = where;
    }

    static RawData read(JsonParser p, JsonToken v, String where)
        throws IOException, InferenceException {
      if (v != JsonToken.START_ARRAY) {
        throw invalid(where + ": data must be an array (flat or nested)");
      }
      RawData r = new RawData(where);
      int[] counts = new int[MAX_DEPTH + 2];
      long[] dims = new long[MAX_DEPTH + 2];
      Arrays.fill(dims, -1);
      int depth = 1;
      int leafDepth = -1;
      int maxDepth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw invalid("malformed JSON: the body ends inside " + where + "'s data");
        }
        switch (t) {
          case START_ARRAY -> {
            counts[depth]++;
            depth++;
            if (depth > MAX_DEPTH) {
              throw invalid(where + ": data nested deeper than " + MAX_DEPTH);
            }
            if (leafDepth >= 0 && depth > leafDepth) {
              throw invalid(where + ": data mixes values and arrays at one level");
            }
            counts[depth] = 0;
            maxDepth = Math.max(maxDepth, depth);
          }
          case END_ARRAY -> {
            if (dims[depth] < 0) {
              dims[depth] = counts[depth];
            } else if (dims[depth] != counts[depth]) {
              throw invalid(
                  where
                      + ": nested data is ragged: arrays at depth "
                      + (depth - 1)
                      + " hold "
                      + dims[depth]
                      + " and "
                      + counts[depth]
                      + " values");
            }
            depth--;
          }
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
            counts[depth]++;
            if (leafDepth < 0) {
              leafDepth = depth;
            } else if (leafDepth != depth) {
              throw invalid(where + ": data mixes values and arrays at one level");
            }
            r.add(p, t);
          }
          default ->
              throw invalid(
                  where + ": data[" + r.size + "] is " + describe(t) + ", not a number or boolean");
        }
      }
      int rank = leafDepth > 0 ? leafDepth : maxDepth;
      r.nestedShape = Arrays.copyOfRange(dims, 1, rank + 1);
      return r;
    }

    private static String describe(JsonToken t) {
      return switch (t) {
        case VALUE_STRING -> "a string";
        case VALUE_NULL -> "null";
        case START_OBJECT -> "an object";
        default -> t.toString();
      };
    }

    private void add(JsonParser p, JsonToken t) throws IOException {
      if (size == kinds.length) {
        int n = Math.max(16, size * 2);
        kinds = Arrays.copyOf(kinds, n);
        bits = Arrays.copyOf(bits, n);
      }
      switch (t) {
        case VALUE_NUMBER_INT -> {
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            kinds[size] = BIG;
            bits[size] = Double.doubleToRawLongBits(p.getDoubleValue());
          } else {
            kinds[size] = INT;
            bits[size] = p.getLongValue();
          }
        }
        case VALUE_NUMBER_FLOAT -> {
          kinds[size] = FLOAT;
          bits[size] = Double.doubleToRawLongBits(p.getDoubleValue());
        }
        case VALUE_TRUE -> {
          kinds[size] = BOOL;
          bits[size] = 1;
        }
        default -> {
          kinds[size] = BOOL;
          bits[size] = 0;
        }
      }
      size++;
    }

    HostTensor toTensor(String name, DataType type, long[] shape) throws InferenceException {
      long n;
      try {
        n = HostTensor.elementCount(shape);
      } catch (ArithmeticException e) {
        throw invalid(where + ": shape " + Arrays.toString(shape) + " is too large");
      }
      if (nestedShape.length > 1) {
        if (!Arrays.equals(nestedShape, shape)) {
          throw invalid(
              where
                  + ": nested data has shape "
                  + Arrays.toString(nestedShape)
                  + ", but the declared shape is "
                  + Arrays.toString(shape));
        }
      } else if (n != size) {
        throw invalid(
            where
                + ": shape "
                + Arrays.toString(shape)
                + " holds "
                + n
                + " values, but data has "
                + size);
      }
      Object data =
          switch (type) {
            case FP64 -> {
              double[] a = new double[size];
              for (int i = 0; i < size; i++) {
                a[i] = real(i, type);
              }
              yield a;
            }
            case FP32 -> {
              float[] a = new float[size];
              for (int i = 0; i < size; i++) {
                double d = real(i, type);
                float f = (float) d;
                if (Float.isInfinite(f)) {
                  throw invalid(where + ": data[" + i + "] = " + d + " is beyond FP32's range");
                }
                a[i] = f;
              }
              yield a;
            }
            case INT64 -> {
              long[] a = new long[size];
              for (int i = 0; i < size; i++) {
                if (kinds[i] != INT) {
                  throw invalid(
                      where
                          + ": data["
                          + i
                          + "] is "
                          + (kinds[i] == BIG ? "beyond INT64's range" : kindName(kinds[i]))
                          + ", INT64 takes integers");
                }
                a[i] = bits[i];
              }
              yield a;
            }
            case BOOL -> {
              boolean[] a = new boolean[size];
              for (int i = 0; i < size; i++) {
                if (kinds[i] != BOOL) {
                  throw invalid(where + ": data[" + i + "] is a number, BOOL takes true or false");
                }
                a[i] = bits[i] != 0;
              }
              yield a;
            }
          };
      return new HostTensor(name, type, shape, data);
    }

    private double real(int i, DataType type) throws InferenceException {
      double d =
          switch (kinds[i]) {
            case INT -> (double) bits[i];
            case FLOAT, BIG -> Double.longBitsToDouble(bits[i]);
            default ->
                throw invalid(where + ": data[" + i + "] is a boolean, " + type + " takes numbers");
          };
      if (!Double.isFinite(d)) {
        throw invalid(where + ": data[" + i + "] is " + d + ": only finite numbers are accepted");
      }
      return d;
    }

    private static String kindName(byte kind) {
      return switch (kind) {
        case FLOAT -> "not an integer";
        case BOOL -> "a boolean";
        default -> "a number";
      };
    }
  }
}
