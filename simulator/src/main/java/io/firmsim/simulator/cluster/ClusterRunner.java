package io.firmsim.simulator.cluster;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.FirmDifferencesSink;
import io.firmsim.simulator.scenario.run.ScenarioInputs;
import io.firmsim.simulator.scenario.run.ScenarioResult;
import io.firmsim.zoo.modelspec.ModelSpec;
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

  /**
   * Runs a stress-scenario plan split by firm ranges ({@link
   * io.firmsim.simulator.scenario.run.ScenarioRunner#runPart}) and combines the ranges in firm
   * order: the same result as {@link io.firmsim.simulator.scenario.run.ScenarioRunner#run}, bit for
   * bit, with the per-firm differences handed to {@code differences} in firm order on the driver.
   *
   * @param master the cluster's master URL, or null for the one the launcher set
   * @param partitions about how many firm ranges, or null for the runner's choice
   */
  ScenarioResult scenario(
      String master,
      Integer partitions,
      ScenarioPlan plan,
      ModelSpec model,
      ScenarioInputs inputs,
      FirmDifferencesSink differences);

  /** The implementation on the class path, if any. */
  static Optional<ClusterRunner> find() {
    return ServiceLoader.load(ClusterRunner.class).findFirst();
  }

  /**
   * The implementation on the class path, for {@code --spark}.
   *
   * @throws BadInputException naming how to get it when there is none
   */
  static ClusterRunner require() {
    return find()
        .orElseThrow(
            () ->
                new BadInputException(
                    "--spark needs firmsim's spark module on the class path: build with "
                        + "mvn -B package -DskipTests and run ./firmsim (it adds "
                        + "spark/target/spark-lib for --spark), or use spark-submit"));
  }
}
