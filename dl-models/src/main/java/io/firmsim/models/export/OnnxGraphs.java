package io.firmsim.models.export;

import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.Map;

/**
 * Writes the ONNX graphs of an artifact as serialized {@code ModelProto} bytes: the whole year and
 * one equation block, in a mode and a dtype, each carrying the given {@code metadata_props}. The
 * {@link ArtifactExporter} decides which graphs an artifact holds and how they are named and
 * described; an implementation only builds one graph at a time, so the exporter can be tested
 * without the graph builder and the graph builder without the artifact format.
 *
 * <p>Graph conventions (inputs, outputs, shapes) are those of {@code docs/MODEL_ZOO.md}: year graph
 * inputs {@code state [N, S]}, {@code uniforms [N, U]} (sample mode only), {@code macro [2]},
 * outputs {@code new_state [N, S]}, {@code flows [N, F]}, {@code balance_gap [N]}; equation graph
 * inputs {@code features [N, k]}, {@code uniforms [N, s]} (sample mode with s &gt; 0), output
 * {@code value [N]}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface OnnxGraphs {
  /** The ONNX operator set (default domain) every graph imports. */
  int opset();

  /** The ONNX IR version of every graph. */
  int irVersion();

  /** The whole simulation year of {@code spec}. */
  byte[] yearGraph(
      ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps);

  /** One equation block (built in {@code mode}). */
  byte[] equationGraph(
      EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps);
}
