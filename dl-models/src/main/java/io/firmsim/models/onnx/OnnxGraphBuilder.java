package io.firmsim.models.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.firmsim.zoo.BuildInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds one ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}) over the generated
 * protobuf classes {@link OnnxMl}: typed graph inputs and outputs, initializers in the graph's
 * {@link OnnxDType}, cached scalar constants, nodes with attributes, unique value names, and the
 * model's {@code metadata_props} and producer.
 *
 * <p>Every floating-point value of a graph has the builder's dtype; integer initializers (indices,
 * axes) are int64. Value names are unique: a requested name already taken gets a numeric suffix.
 * {@link #build} keeps only the nodes and initializers that some output depends on, so a caller may
 * record values it ends up not using (a state column no equation reads) without cost.
 *
 * <p>Not thread-safe; one builder per graph.
 */
public final class OnnxGraphBuilder {
  /** The ONNX operator set of every graph firmsim writes (ONNX Runtime 1.12 and later run it). */
  public static final int OPSET = 17;

  /** The IR version matching {@link #OPSET} (ONNX 1.12). */
  public static final long IR_VERSION = 8;

  /** The producer name written into every model. */
  public static final String PRODUCER = "firmsim";

  private final String graphName;
  private final OnnxDType dtype;
  private final List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
  private final List<OnnxMl.ValueInfoProto> outputs = new ArrayList<>();
  private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
  private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Set<String> produced = new HashSet<>(); // values computed by a node
  private final Map<String, String> renames = new HashMap<>(); // node value -> graph output name
  private final Map<Long, String> scalars = new HashMap<>();
  private final Map<List<Long>, String> int64Constants = new HashMap<>();
  private int counter;

  /**
   * @param graphName the graph's name (informative)
   * @param dtype the type of every floating-point value of the graph
   */
  public OnnxGraphBuilder(String graphName, OnnxDType dtype) {
    this.graphName = Objects.requireNonNull(graphName, "graphName");
    this.dtype = Objects.requireNonNull(dtype, "dtype");
  }

  public OnnxDType dtype() {
    return dtype;
  }

  // ------------------------------------------------------------------ graph interface

  /**
   * Declares a graph input of the graph's dtype.
   *
   * @param name the input's name, used as is (must be free)
   * @param dims each a {@link Number} (fixed size) or a {@link String} (symbolic, e.g. "N")
   * @return the value name
   */
  public String input(String name, Object... dims) {
    claim(name);
    inputs.add(valueInfo(name, dtype.elemType(), dims));
    return name;
  }

  /**
   * Declares {@code value} as the graph output {@code name} of the graph's dtype. A value computed
   * by a node is renamed to {@code name}; a graph input or initializer is passed through an
   * Identity node.
   */
  public void output(String name, String value, Object... dims) {
    String source = value;
    if (!produced.contains(value) || renames.containsKey(value)) {
      source = node("Identity", List.of(value));
    }
    if (!name.equals(source)) {
      claim(name);
      renames.put(source, name);
    }
    outputs.add(valueInfo(name, dtype.elemType(), dims));
  }

  // ------------------------------------------------------------------ constants

  /** An initializer of the graph's dtype, values rounded to it, row-major over {@code dims}. */
  public String initializer(String name, double[] values, long... dims) {
    checkCount(values.length, dims);
    String unique = unique(name);
    initializers.add(tensor(unique, dtype, values, dims));
    return unique;
  }

  /** An int64 initializer (indices, axes, shapes). */
  public String int64Initializer(String name, long[] values, long... dims) {
    checkCount(values.length, dims);
    String unique = unique(name);
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    initializers.add(
        OnnxMl.TensorProto.newBuilder()
            .setName(unique)
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
            .addAllDims(boxed(dims))
            .setRawData(ByteString.copyFrom(b.array()))
            .build());
    return unique;
  }

  /** A scalar (shape {@code []}) of the graph's dtype, one initializer per distinct value. */
  public String scalar(double value) {
    double v = dtype.round(value);
    return scalars.computeIfAbsent(
        Double.doubleToLongBits(v), k -> initializer("c_" + literal(v), new double[] {v}));
  }

  /** A 1-D int64 constant (axes, starts, ends), one initializer per distinct list. */
  public String int64s(long... values) {
    List<Long> key = boxed(values);
    return int64Constants.computeIfAbsent(
        key, k -> int64Initializer("i_" + literal(values), values, values.length));
  }

  /** A scalar int64 constant (a Gather index). */
  public String int64Scalar(long value) {
    List<Long> key = List.of(Long.MIN_VALUE, value); // distinct from the 1-D keys
    return int64Constants.computeIfAbsent(
        key, k -> int64Initializer("s_" + literal(new long[] {value}), new long[] {value}));
  }

  /** A one-element tensor of the given dtype, for attributes such as ConstantOfShape's value. */
  public static OnnxMl.TensorProto valueTensor(OnnxDType type, double value) {
    return tensor("value", type, new double[] {value}, 1);
  }

  // ------------------------------------------------------------------ nodes

  /** Adds a node with one output; returns the output's value name. */
  public String node(String opType, List<String> nodeInputs, OnnxMl.AttributeProto... attributes) {
    return nodeOutputs(opType, 1, nodeInputs, attributes).get(0);
  }

  /** Adds a node with {@code count} outputs; returns their value names. */
  public List<String> nodeOutputs(
      String opType, int count, List<String> nodeInputs, OnnxMl.AttributeProto... attributes) {
    int id = counter++;
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + id);
    n.addAllInput(nodeInputs);
    List<String> outs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = unique(opType.toLowerCase() + "_" + id + (count > 1 ? "_" + i : ""));
      outs.add(name);
      produced.add(name);
    }
    n.addAllOutput(outs);
    n.addAllAttribute(Arrays.asList(attributes));
    nodes.add(n.build());
    return outs;
  }

  /** An INT attribute. */
  public static OnnxMl.AttributeProto attr(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** An INTS attribute. */
  public static OnnxMl.AttributeProto attr(String name, long[] values) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INTS)
        .addAllInts(boxed(values))
        .build();
  }

  /** A TENSOR attribute. */
  public static OnnxMl.AttributeProto attr(String name, OnnxMl.TensorProto value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
        .setT(value)
        .build();
  }

  // ------------------------------------------------------------------ output

  /**
   * The model: the graph pruned to what its outputs need, opset {@value #OPSET}, IR version {@value
   * #IR_VERSION}, producer {@value #PRODUCER} at the running build's code version, and {@code
   * metadataProps} in their iteration order.
   */
  public OnnxMl.ModelProto build(Map<String, String> metadataProps) {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("graph " + graphName + " declares no output");
    }
    List<OnnxMl.NodeProto> renamed = new ArrayList<>(nodes.size());
    for (OnnxMl.NodeProto n : nodes) {
      renamed.add(rename(n));
    }
    // Keep the nodes some output depends on (nodes are in topological order: walk back).
    Set<String> needed = new HashSet<>();
    for (OnnxMl.ValueInfoProto o : outputs) {
      needed.add(o.getName());
    }
    boolean[] keep = new boolean[renamed.size()];
    for (int i = renamed.size() - 1; i >= 0; i--) {
      OnnxMl.NodeProto n = renamed.get(i);
      for (String out : n.getOutputList()) {
        if (needed.contains(out)) {
          keep[i] = true;
          break;
        }
      }
      if (keep[i]) {
        needed.addAll(n.getInputList());
      }
    }
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName(graphName);
    g.addAllInput(inputs);
    g.addAllOutput(outputs);
    for (OnnxMl.TensorProto t : initializers) {
      if (needed.contains(t.getName())) {
        g.addInitializer(t);
      }
    }
    for (int i = 0; i < renamed.size(); i++) {
      if (keep[i]) {
        g.addNode(renamed.get(i));
      }
    }
    OnnxMl.ModelProto.Builder m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName(PRODUCER)
            .setProducerVersion(BuildInfo.current().codeVersion())
            .setGraph(g);
    for (Map.Entry<String, String> e : new LinkedHashMap<>(metadataProps).entrySet()) {
      m.addMetadataProps(
          OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return m.build();
  }

  /** {@link #build} serialized: the bytes of an {@code .onnx} file. */
  public byte[] toBytes(Map<String, String> metadataProps) {
    return build(metadataProps).toByteArray();
  }

  // ------------------------------------------------------------------ helpers

  private OnnxMl.NodeProto rename(OnnxMl.NodeProto n) {
    if (renames.isEmpty()) {
      return n;
    }
    OnnxMl.NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
    for (String in : n.getInputList()) {
      b.addInput(renames.getOrDefault(in, in));
    }
    for (String out : n.getOutputList()) {
      b.addOutput(renames.getOrDefault(out, out));
    }
    return b.build();
  }

  private void claim(String name) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("value name " + name + " is already used");
    }
  }

  private String unique(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim =
          OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String) {
        dim.setDimParam((String) d);
      } else if (d instanceof Number) {
        dim.setDimValue(((Number) d).longValue());
      } else {
        throw new IllegalArgumentException("dimension " + d + " is neither a size nor a name");
      }
      shape.addDim(dim);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  private static OnnxMl.TensorProto tensor(
      String name, OnnxDType type, double[] values, long... dims) {
    ByteBuffer b;
    if (type == OnnxDType.FLOAT32) {
      b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        b.putFloat((float) v);
      }
    } else {
      b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        b.putDouble(v);
      }
    }
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(type.elemType())
        .addAllDims(boxed(dims))
        .setRawData(ByteString.copyFrom(b.array()))
        .build();
  }

  private static void checkCount(int count, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != count) {
      throw new IllegalArgumentException(
          count + " values for shape " + Arrays.toString(dims) + " of " + n + " elements");
    }
  }

  private static List<Long> boxed(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return list;
  }

  /** A readable, name-safe rendering of a constant for its initializer's name. */
  private static String literal(double v) {
    String s = Double.toString(v);
    if (s.length() > 16) {
      s = String.format("%.6g", v);
    }
    return s.replace('-', 'm').replace('.', 'p').replace('+', '_');
  }

  private static String literal(long[] values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.length && i < 4; i++) {
      s.append(i > 0 ? "_" : "").append(values[i] < 0 ? "m" + -values[i] : values[i]);
    }
    return s.toString();
  }
}
