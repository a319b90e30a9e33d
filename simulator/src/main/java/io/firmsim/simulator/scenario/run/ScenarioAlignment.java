package io.firmsim.simulator.scenario.run;

import io.firmsim.models.step.AlignedSubmodel;
import io.firmsim.simulator.backend.AlignmentSchedule;
import io.firmsim.simulator.backend.ChunkJob;
import io.firmsim.simulator.scenario.AlignmentTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A scenario plan's alignment targets ({@link AlignmentTarget}) as the simulator takes them: the
 * aligned submodels for the configuration and, per chunk, the firms' weights and the targets by
 * year. The same targets apply in the baseline and in every scenario. Stateless.
 */
public final class ScenarioAlignment {
  private ScenarioAlignment() {}

  /** The aligned submodels, in plan order (the order of the targets). */
  public static List<AlignedSubmodel> submodels(List<AlignmentTarget> targets) {
    List<AlignedSubmodel> list = new ArrayList<>(targets.size());
    for (AlignmentTarget t : targets) {
      list.add(new AlignedSubmodel(t.table(), t.submodel()));
    }
    return list;
  }

  /** The targets of each calendar year, NaN where a submodel has no rate for the year. */
  public static AlignmentSchedule schedule(List<AlignmentTarget> targets) {
    List<AlignmentTarget> copy = List.copyOf(targets);
    return (year, out) -> {
      for (int a = 0; a < copy.size(); a++) {
        Double rate = copy.get(a).rates().get(year);
        out[a] = rate == null ? Double.NaN : rate;
      }
    };
  }

  /**
   * The job with its firms' weights ({@code weights[from, to)}) and the targets, or the job itself
   * when the plan aligns nothing.
   */
  public static ChunkJob attach(
      ChunkJob job, List<AlignmentTarget> targets, double[] weights, int from, int to) {
    if (targets.isEmpty()) {
      return job;
    }
    return job.withAlignment(Arrays.copyOfRange(weights, from, to), schedule(targets));
  }
}
