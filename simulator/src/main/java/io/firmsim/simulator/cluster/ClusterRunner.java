package io.firmsim.simulator.cluster;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Runs a simulation split by firm ranges on a cluster (the {@code spark} module's Apache Spark
 * job), with a result equal to the single-machine run: the same panel rows per (firm, year) and the
 * same aggregates bit for bit.
 *
 * <p>Why an interface found through {@link ServiceLoader}: the simulator's {@code simulate} command
 * offers {@code --spark}, but the cluster code and its dependencies (Spark, provided by the
 * cluster) live in a module built on top of the simulator; the command finds the implementation
 * when that module is on the class path ({@code ./firmsim} puts it there for {@code --spark}).
 */
public interface ClusterRunner {
  /**
   * Runs the job and commits its output folder whole: the panel parts, and the files {@code
   * job.finisher()} writes from the combined result.
   *
   * @return the outcome, with the combined result
   * @throws io.firmsim.simulator.engine.BalanceViolationException when a firm's balance identity
   *     fails, the first in firm order
   * @throws io.firmsim.simulator.input.BadInputException for input the cluster cannot take
   * @throws IOException when the output cannot be written
   */
  ClusterOutcome simulate(ClusterJob job) throws IOException;

  /** The implementation on the class path, if any. */
  static Optional<ClusterRunner> find() {
    return ServiceLoader.load(ClusterRunner.class).findFirst();
  }
}
