package io.firmsim.models.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A structural check of the ONNX models firmsim writes, in Java (the full ONNX checker with shape
 * inference is {@code tools/check-onnx.py}): opset {@value OnnxGraphBuilder#OPSET} of the default
 * domain and IR version {@value OnnxGraphBuilder#IR_VERSION}; every graph input and output typed
 * with a float element type and a fully declared shape (sizes or names); initializers well formed;
 * every node's inputs defined before the node (the node list is topologically sorted) and every
 * value defined once; every graph output produced; only operators of {@link #ALLOWED_OPS}, which
 * excludes those ONNX Runtime's CPU provider cannot run in float64 (Sinh, Softplus, Erf).
 *
 * <p>Stateless; thread-safe.
 */
public final class OnnxModelCheck {
  /** The operators firmsim's graphs may use: all have float32 and float64 CPU kernels. */
  public static final Set<String> ALLOWED_OPS =
      Set.of(
          "Abs",
          "Add",
          "And",
          "Cast",
          "Clip",
          "Concat",
          "ConstantOfShape",
          "Div",
          "Equal",
          "Exp",
          "Gather",
          "Greater",
          "GreaterOrEqual",
          "Identity",
          "Less",
          "Log",
          "MatMul",
          "Max",
          "Min",
          "Mul",
          "Neg",
          "Not",
          "Reciprocal",
          "ReduceMax",
          "ReduceSum",
          "Reshape",
          "Shape",
          "Sign",
          "Slice",
          "Split",
          "Sqrt",
          "Squeeze",
          "Sub",
          "Tanh",
          "Transpose",
          "Unsqueeze",
          "Where");

  private OnnxModelCheck() {}

  /** The problems found in a serialized model (empty when it passes). */
  public static List<String> problems(byte[] model) {
    try {
      return problems(OnnxMl.ModelProto.parseFrom(model));
    } catch (InvalidProtocolBufferException e) {
      return List.of("not an ONNX ModelProto: " + e.getMessage());
    }
  }

  /** The problems found in a model (empty when it passes). */
  public static List<String> problems(OnnxMl.ModelProto m) {
    List<String> p = new ArrayList<>();
    if (m.getIrVersion() != OnnxGraphBuilder.IR_VERSION) {
      p.add("IR version " + m.getIrVersion() + ", expected " + OnnxGraphBuilder.IR_VERSION);
    }
    if (m.getOpsetImportCount() != 1
        || !m.getOpsetImport(0).getDomain().isEmpty()
        || m.getOpsetImport(0).getVersion() != OnnxGraphBuilder.OPSET) {
      p.add(
          "opset imports "
              + m.getOpsetImportList()
              + ", expected default domain "
              + OnnxGraphBuilder.OPSET);
    }
    Set<String> keys = new HashSet<>();
    for (OnnxMl.StringStringEntryProto e : m.getMetadataPropsList()) {
      if (!keys.add(e.getKey())) {
        p.add("metadata key " + e.getKey() + " appears twice");
      }
    }
    OnnxMl.GraphProto g = m.getGraph();
    Set<String> defined = new HashSet<>();
    if (g.getInputCount() == 0) {
      p.add("graph has no input");
    }
    for (OnnxMl.ValueInfoProto v : g.getInputList()) {
      checkValueInfo("input", v, p);
      define(v.getName(), "input", defined, p);
    }
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      checkInitializer(t, p);
      define(t.getName(), "initializer", defined, p);
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      String where = "node " + n.getName() + " (" + n.getOpType() + ")";
      if (!n.getDomain().isEmpty()) {
        p.add(where + " is in domain " + n.getDomain());
      }
      if (!ALLOWED_OPS.contains(n.getOpType())) {
        p.add(where + ": operator not allowed");
      }
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          p.add(where + " reads " + in + " before it is defined");
        }
      }
      for (String out : n.getOutputList()) {
        define(out, where + " output", defined, p);
      }
    }
    if (g.getOutputCount() == 0) {
      p.add("graph has no output");
    }
    for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
      checkValueInfo("output", v, p);
      if (!defined.contains(v.getName())) {
        p.add("output " + v.getName() + " is never produced");
      }
    }
    return p;
  }

  /**
   * Throws {@link IllegalStateException} listing every problem of a model firmsim wrote (a bug: the
   * writer made a graph it must not).
   */
  public static void verify(byte[] model) {
    List<String> p = problems(model);
    if (!p.isEmpty()) {
      throw new IllegalStateException("invalid ONNX model: " + String.join("; ", p));
    }
  }

  private static void define(String name, String what, Set<String> defined, List<String> p) {
    if (name.isEmpty()) {
      p.add(what + " has an empty name");
    } else if (!defined.add(name)) {
      p.add(what + " " + name + " is defined twice");
    }
  }

  private static void checkValueInfo(String what, OnnxMl.ValueInfoProto v, List<String> p) {
    String where = what + " " + v.getName();
    if (!v.getType().hasTensorType()) {
      p.add(where + " is not a tensor");
      return;
    }
    OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
    int e = t.getElemType();
    if (e != OnnxDType.FLOAT32.elemType() && e != OnnxDType.FLOAT64.elemType()) {
      p.add(where + " has element type " + e + ", not float32 or float64");
    }
    if (!t.hasShape()) {
      p.add(where + " declares no shape");
      return;
    }
    for (OnnxMl.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
      boolean sized = d.hasDimValue() && d.getDimValue() >= 0;
      boolean named = d.hasDimParam() && !d.getDimParam().isEmpty();
      if (!sized && !named) {
        p.add(where + " has a dimension with neither size nor name");
      }
    }
  }

  private static void checkInitializer(OnnxMl.TensorProto t, List<String> p) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    int size;
    switch (t.getDataType()) {
      case OnnxMl.TensorProto.DataType.FLOAT_VALUE:
        size = 4;
        break;
      case OnnxMl.TensorProto.DataType.DOUBLE_VALUE:
      case OnnxMl.TensorProto.DataType.INT64_VALUE:
        size = 8;
        break;
      default:
        p.add("initializer " + t.getName() + " has data type " + t.getDataType());
        return;
    }
    if (t.getRawData().size() != n * size) {
      p.add(
          "initializer "
              + t.getName()
              + " holds "
              + t.getRawData().size()
              + " bytes for "
              + n
              + " elements");
    }
  }
}
