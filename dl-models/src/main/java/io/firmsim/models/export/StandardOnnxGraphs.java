package io.firmsim.models.export;

import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.Map;

/** The ONNX graphs of {@code io.firmsim.models.onnx} (wired when that package lands). */
final class StandardOnnxGraphs implements OnnxGraphs {
  @Override
  public int opset() {
    return 17;
  }

  @Override
  public int irVersion() {
    return 8;
  }

  @Override
  public byte[] yearGraph(
      ModelSpec spec, ForwardMode mode, ExportDType dtype, Map<String, String> metadataProps) {
    throw new UnsupportedOperationException("the ONNX year graph exporter is not wired yet");
  }

  @Override
  public byte[] equationGraph(
      EquationBlock block, ForwardMode mode, ExportDType dtype, Map<String, String> metadataProps) {
    throw new UnsupportedOperationException("the ONNX equation graph exporter is not wired yet");
  }
}
