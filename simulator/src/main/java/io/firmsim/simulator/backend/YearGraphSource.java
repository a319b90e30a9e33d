package io.firmsim.simulator.backend;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.YearGraphExporter;
import io.firmsim.models.step.AlignedSubmodel;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * Where the ONNX backend takes its year graph from: the serialized ONNX model of one simulation
 * year (inputs {@code state [N, S]}, {@code uniforms [N, U]} in sample mode, {@code macro [2]};
 * outputs {@code new_state [N, S]}, {@code flows [N, F]}, {@code balance_gap [N]}).
 */
@FunctionalInterface
public interface YearGraphSource {
  /** The year graph of {@code spec} in {@code mode} and {@code precision}. */
  byte[] yearGraph(ModelSpec spec, ForwardMode mode, Precision precision);

  /**
   * The year graph with the extra input {@code levers [N, Lever.count()]} of stress-scenario runs.
   * A source that cannot make one refuses.
   */
  default byte[] yearGraphWithLevers(ModelSpec spec, ForwardMode mode, Precision precision) {
    throw new UnsupportedOperationException("this year-graph source has no graph with levers");
  }

  /**
   * The year graph with levers when {@code levers} and, when {@code aligned} is not empty, the
   * inputs {@code align_targets [A]} and {@code weights [N]} of alignment. Without alignment this
   * is {@link #yearGraph} or {@link #yearGraphWithLevers}; a source that cannot align refuses.
   */
  default byte[] yearGraph(
      ModelSpec spec,
      ForwardMode mode,
      Precision precision,
      boolean levers,
      List<AlignedSubmodel> aligned) {
    if (!aligned.isEmpty()) {
      throw new UnsupportedOperationException("this year-graph source has no graph with alignment");
    }
    return levers ? yearGraphWithLevers(spec, mode, precision) : yearGraph(spec, mode, precision);
  }

  /** The graph exported from the model by firmsim's year-graph exporter. */
  static YearGraphSource exporter() {
    return new YearGraphSource() {
      @Override
      public byte[] yearGraph(ModelSpec spec, ForwardMode mode, Precision precision) {
        return YearGraphExporter.export(spec, mode, dtype(precision), Map.of());
      }

      @Override
      public byte[] yearGraphWithLevers(ModelSpec spec, ForwardMode mode, Precision precision) {
        return YearGraphExporter.export(spec, mode, dtype(precision), Map.of(), true);
      }

      @Override
      public byte[] yearGraph(
          ModelSpec spec,
          ForwardMode mode,
          Precision precision,
          boolean levers,
          List<AlignedSubmodel> aligned) {
        return YearGraphExporter.export(spec, mode, dtype(precision), Map.of(), levers, aligned);
      }
    };
  }

  private static OnnxDType dtype(Precision precision) {
    return precision == Precision.FLOAT32 ? OnnxDType.FLOAT32 : OnnxDType.FLOAT64;
  }
}
