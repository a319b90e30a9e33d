package io.firmsim.models.export;

import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.EquationGraphExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OnnxGraphBuilder;
import io.firmsim.models.onnx.YearGraphExporter;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.Map;

/**
 * firmsim's own ONNX graphs: {@link YearGraphExporter} and {@link EquationGraphExporter} (opset
 * {@value OnnxGraphBuilder#OPSET}). Stateless and thread-safe.
 */
final class StandardOnnxGraphs implements OnnxGraphs {
  @Override
  public int opset() {
    return OnnxGraphBuilder.OPSET;
  }

  @Override
  public int irVersion() {
    return Math.toIntExact(OnnxGraphBuilder.IR_VERSION);
  }

  @Override
  public byte[] yearGraph(
      ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
    return YearGraphExporter.export(spec, mode, dtype, metadataProps);
  }

  @Override
  public byte[] equationGraph(
      EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
    if (block.mode() != mode) {
      throw new IllegalArgumentException(
          "block built in " + block.mode() + " mode, graph asked in " + mode);
    }
    return EquationGraphExporter.export(block, dtype, metadataProps);
  }
}
