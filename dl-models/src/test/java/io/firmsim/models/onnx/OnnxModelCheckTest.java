package io.firmsim.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.firmsim.zoo.BuildInfo;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link OnnxModelCheck} passes the builder's graphs and names each kind of defect in a damaged
 * copy; the builder writes opset, IR version, producer and metadata as documented.
 */
class OnnxModelCheckTest {
  /** y = exp(x) + 1, with an unused branch the builder prunes. */
  private static OnnxMl.ModelProto valid() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("t", OnnxDType.FLOAT64);
    GraphTensor x = GraphTensor.of(g, g.input("x", "N"));
    x.log(); // never used: pruned
    g.output("y", ((GraphTensor) x.exp().add(1)).name(), "N");
    return g.build(Map.of("k", "v"));
  }

  private static List<String> problemsAfter(UnaryOperator<OnnxMl.ModelProto.Builder> damage) {
    return OnnxModelCheck.problems(damage.apply(valid().toBuilder()).build().toByteArray());
  }

  @Test
  void builderWritesACheckedPrunedModel() {
    OnnxMl.ModelProto m = valid();
    assertEquals(List.of(), OnnxModelCheck.problems(m));
    assertEquals(8, m.getIrVersion());
    assertEquals(17, m.getOpsetImport(0).getVersion());
    assertEquals("firmsim", m.getProducerName());
    assertEquals(BuildInfo.current().codeVersion(), m.getProducerVersion());
    assertEquals("v", m.getMetadataProps(0).getValue());
    assertEquals(
        List.of("Exp", "Add"),
        m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList());
    assertEquals(1, m.getGraph().getInitializerCount()); // the constant 1; Log's branch is gone
    assertEquals(
        "N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
  }

  @Test
  void namesEachDefect() {
    assertTrue(problemsAfter(b -> b.setIrVersion(7)).get(0).contains("IR version 7"));
    assertTrue(
        problemsAfter(
                b -> b.setOpsetImport(0, OnnxMl.OperatorSetIdProto.newBuilder().setVersion(11)))
            .get(0)
            .contains("opset"));
    // Nodes out of order: Add reads Exp's output before Exp runs.
    assertTrue(
        problemsAfter(
                b -> {
                  OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
                  OnnxMl.NodeProto exp = g.getNode(0);
                  g.removeNode(0).addNode(exp);
                  return b;
                })
            .get(0)
            .contains("before it is defined"));
    assertTrue(
        problemsAfter(
                b -> {
                  b.getGraphBuilder().getOutputBuilder(0).setName("z");
                  return b;
                })
            .get(0)
            .contains("output z is never produced"));
    assertTrue(
        problemsAfter(
                b -> {
                  b.getGraphBuilder().getNodeBuilder(0).setOpType("Sinh");
                  return b;
                })
            .get(0)
            .contains("operator not allowed"));
    assertTrue(
        problemsAfter(
                b -> {
                  b.getGraphBuilder()
                      .getInputBuilder(0)
                      .getTypeBuilder()
                      .getTensorTypeBuilder()
                      .clearShape();
                  return b;
                })
            .get(0)
            .contains("declares no shape"));
    assertTrue(
        problemsAfter(
                b -> {
                  b.getGraphBuilder().getInitializerBuilder(0).addDims(2);
                  return b;
                })
            .get(0)
            .contains("bytes for 2 elements"));
    assertTrue(OnnxModelCheck.problems(new byte[] {1, 2, 3}).get(0).contains("not an ONNX"));
  }
}
