package io.firmsim.simulator.cluster;

import io.firmsim.simulator.engine.SimulationResult;
import java.util.List;

/**
 * What a {@link ClusterRunner} reports: the combined result, where the output went, and how the
 * work was spread.
 *
 * @param result the aggregates of the whole population, equal to the single-machine run's
 * @param out the committed output folder (a Hadoop URI)
 * @param facts how the run was spread, for the run record
 */
public record ClusterOutcome(SimulationResult result, String out, Facts facts) {

  /**
   * How a cluster run was spread over tasks.
   *
   * @param engine the cluster engine and its version, e.g. {@code "Apache Spark 3.5.9"}
   * @param master the master URL the run used
   * @param partitions firm ranges (tasks)
   * @param rangeSize firms per range (the last may hold fewer)
   * @param attempts task attempts, retries included
   * @param taskSeconds each range's simulation loop seconds, in range order
   * @param taskExecutors where each range ran ({@code executor-id@host: device, threads}), in range
   *     order
   * @param wallSeconds the job's wall time on the driver, from submission to the last result
   */
  public record Facts(
      String engine,
      String master,
      int partitions,
      int rangeSize,
      int attempts,
      List<Double> taskSeconds,
      List<String> taskExecutors,
      double wallSeconds) {
    public Facts {
      taskSeconds = List.copyOf(taskSeconds);
      taskExecutors = List.copyOf(taskExecutors);
    }
  }
}
