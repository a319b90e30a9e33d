package io.firmsim.simulator.cluster;

import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A simulation for a {@link ClusterRunner}: the settings, the firms, where the output goes and what
 * it holds.
 *
 * @param master the cluster's master URL ({@code local[N]}, {@code spark://host:port}, {@code
 *     yarn}, {@code k8s://...}), or null for the one the launcher set ({@code spark-submit})
 * @param config the simulation's settings (its workers and threads are the cluster task's own)
 * @param generated the start-up population, or null with {@code population}
 * @param population a population read on the driver, or null
 * @param populationFile a population file the runner reads (a Hadoop path), or null; exactly one of
 *     {@code generated}, {@code population} and {@code populationFile} is given
 * @param parquetPanel whether to write the per-firm panel ({@code panel/year=Y/part-*.parquet})
 * @param out the output folder, a Hadoop path or URI ({@code /local/dir}, {@code file:///...},
 *     {@code hdfs://...}, {@code s3a://...})
 * @param overwrite whether a previous firmsim output at {@code out} may be replaced
 * @param partitions firm ranges to split the population into, or null for the runner's choice
 * @param finisher writes the files that come from the combined result into a local folder, which
 *     the runner copies into the output
 */
public record ClusterJob(
    String master,
    SimulationConfig config,
    StartupPopulation generated,
    Population population,
    PopulationFile populationFile,
    boolean parquetPanel,
    String out,
    boolean overwrite,
    Integer partitions,
    Finisher finisher) {

  /** Writes the files of a finished run into a local folder. */
  @FunctionalInterface
  public interface Finisher {
    void write(SimulationResult result, ClusterOutcome.Facts facts, Path folder) throws IOException;
  }

  public ClusterJob {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(finisher, "finisher");
    int given = (generated != null ? 1 : 0) + (population != null ? 1 : 0);
    if (given + (populationFile != null ? 1 : 0) != 1) {
      throw new IllegalArgumentException("give one of a generated, a read or a file population");
    }
    if (partitions != null && partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, found " + partitions);
    }
  }

  /**
   * A population file on any Hadoop file system, read on the driver: CSV (the format of {@code
   * --population}, checked the same way) or Parquet (a file or a folder of parts with the same
   * columns, taken in {@code firm_id} order).
   *
   * @param uri the file's Hadoop path or URI
   * @param year with a {@code year} column, the year to start from (as {@code --population-year})
   */
  public record PopulationFile(String uri, Integer year) {
    public PopulationFile {
      Objects.requireNonNull(uri, "uri");
    }
  }
}
