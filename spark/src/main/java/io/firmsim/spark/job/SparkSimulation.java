package io.firmsim.spark.job;

import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.cluster.ClusterOutcome;
import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.PartialAggregates;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.population.Population;
import io.firmsim.spark.output.HadoopOutputDirectory;
import io.firmsim.spark.output.YearPartitionedPanelWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of a partitioned simulation: splits the firms into ranges of whole chunks, broadcasts
 * the settings, runs one Spark task per range ({@link RangeTask}), and combines the ranges' tile
 * sums in range order ({@link SimulationResult#combine}), which gives the single-machine aggregates
 * bit for bit; the panel parts, written by the tasks into the staged output, are renamed to their
 * committed names and the output folder is committed whole.
 *
 * <p>Retries: a task attempt writes files named by its attempt number; the driver keeps the files
 * of the attempt whose result it received and deletes the rest, so a task that failed after writing
 * part of its panel leaves nothing behind. A balance violation is a result, not a failure (it would
 * fail again): the first one in firm order is thrown, as on one machine, and nothing is committed.
 */
public final class SparkSimulation {
  private final SparkSession spark;
  private int failFirstAttemptOf = -1;

  public SparkSimulation(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * A failure drill: the first attempt of range {@code range}'s task throws, so that Spark retries
   * it (with {@code spark.task.maxFailures} of at least 2; {@code local[N,F]} in local mode). The
   * result must not change.
   */
  public SparkSimulation failFirstAttemptOf(int range) {
    this.failFirstAttemptOf = range;
    return this;
  }

  /** Firms of a block of 64 tiles, the unit of a scenario run's second level of addition. */
  static final int BLOCK_FIRMS = 64 * FirmYearBlock.TILE;

  /**
   * Firms per range for {@code firms} firms in about {@code partitions} ranges. A range must start
   * at a tile boundary ({@link FirmYearBlock#TILE}) for its tile sums to be the population's; it is
   * whole chunks when it holds one (no partial chunk but the last), and whole blocks of 32,768
   * firms when it holds one of those chunks rounded up to blocks (a scenario range then hands over
   * one sum per block instead of one per tile).
   */
  static int rangeSize(int firms, int partitions, int chunkSize) {
    int tile = FirmYearBlock.TILE;
    long chunk = Math.max(tile, ((long) chunkSize + tile - 1) / tile * tile);
    long blocks = (chunk + BLOCK_FIRMS - 1) / BLOCK_FIRMS * BLOCK_FIRMS;
    long wanted = Math.max(1, ((long) firms + partitions - 1) / partitions);
    long unit = wanted >= blocks ? blocks : wanted >= chunk ? chunk : tile;
    return (int) Math.min(Integer.MAX_VALUE - tile, (wanted + unit - 1) / unit * unit);
  }

  /** Runs the job; see {@link io.firmsim.simulator.cluster.ClusterRunner#simulate}. */
  public ClusterOutcome run(ClusterJob job) throws IOException {
    long started = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = jsc.hadoopConfiguration();
    // before any work, as on one machine
    HadoopOutputDirectory.check(conf, job.out(), job.overwrite());
    Population population =
        job.populationFile() != null
            ? PopulationFiles.read(
                spark,
                job.populationFile(),
                job.config().precision() == io.firmsim.simulator.engine.Precision.FLOAT64)
            : job.population();
    int firms = job.generated() != null ? job.generated().size() : population.size();
    int partitions =
        job.partitions() != null ? job.partitions() : Math.max(1, 2 * jsc.defaultParallelism());
    int size = rangeSize(firms, partitions, job.config().chunkSize());
    List<FirmRange> ranges = new ArrayList<>();
    for (int from = 0, i = 0; from < firms; from += size, i++) {
      int to = (int) Math.min(firms, (long) from + size);
      ranges.add(
          population == null
              ? new FirmRange(i, from, to, null, null)
              : FirmRange.of(i, from, to, population));
    }
    RangeTask.GeneratedPopulation generated =
        job.generated() == null
            ? null
            : new RangeTask.GeneratedPopulation(
                job.config().seed(),
                job.generated().size(),
                job.generated().marketFirms(),
                job.generated().meanTotalAssets());
    try (HadoopOutputDirectory dir =
        HadoopOutputDirectory.begin(conf, job.out(), job.overwrite(), "simulate --spark")) {
      Path panel = new Path(dir.staging(), "panel");
      Broadcast<RunSettings> settings = jsc.broadcast(RunSettings.of(job.config()));
      List<PartResult> results;
      try {
        results =
            jsc.parallelize(ranges, ranges.size())
                .mapPartitions(
                    new RangeTask(
                        settings,
                        generated,
                        job.parquetPanel() ? panel.toString() : null,
                        failFirstAttemptOf))
                .collect();
      } finally {
        settings.destroy();
      }
      results = new ArrayList<>(results);
      results.sort(Comparator.comparingInt(PartResult::index));
      check(results, ranges.size());
      for (PartResult r : results) {
        if (r.violation() != null) {
          PartResult.Violation v = r.violation();
          throw new BalanceViolationException(v.firmId(), v.year(), v.gap(), v.tolerance());
        }
      }
      if (job.parquetPanel()) {
        commitPanel(dir.fileSystem(), panel, results);
      }
      List<PartialAggregates> parts = new ArrayList<>();
      List<Double> taskSeconds = new ArrayList<>();
      List<String> executors = new ArrayList<>();
      int attempts = 0;
      double loop = 0;
      for (PartResult r : results) {
        parts.add(r.aggregates());
        taskSeconds.add(r.aggregates().loopSeconds());
        executors.add(r.where());
        attempts += r.attempt() + 1;
        loop = Math.max(loop, r.aggregates().loopSeconds());
      }
      double wall = (System.nanoTime() - started) / 1e9;
      SimulationResult result = SimulationResult.combine(parts, wall);
      ClusterOutcome.Facts facts =
          new ClusterOutcome.Facts(
              "Apache Spark " + spark.version(),
              spark.sparkContext().master(),
              ranges.size(),
              size,
              attempts,
              taskSeconds,
              executors,
              wall);
      java.nio.file.Path local = Files.createTempDirectory("firmsim-spark-out");
      try {
        job.finisher().write(result, facts, local);
        try (DirectoryStream<java.nio.file.Path> files = Files.newDirectoryStream(local)) {
          for (java.nio.file.Path f : files) {
            dir.fileSystem()
                .copyFromLocalFile(
                    false,
                    true,
                    new Path(f.toUri()),
                    new Path(dir.staging(), f.getFileName().toString()));
          }
        }
      } finally {
        deleteLocal(local);
      }
      dir.commit();
      return new ClusterOutcome(result, dir.target().toString(), facts);
    }
  }

  private static void check(List<PartResult> results, int ranges) {
    if (results.size() != ranges) {
      throw new IllegalStateException(results.size() + " results for " + ranges + " ranges");
    }
    for (int i = 0; i < ranges; i++) {
      if (results.get(i).index() != i) {
        throw new IllegalStateException("range " + i + " has no result");
      }
    }
  }

  /**
   * Renames each range's files (those of the attempt whose result came back) to their committed
   * names, and deletes every other file under the panel folder (attempts that failed or lost).
   */
  private static void commitPanel(FileSystem fs, Path panel, List<PartResult> results)
      throws IOException {
    Set<Path> kept = new HashSet<>();
    for (PartResult r : results) {
      for (String f : r.panelFiles()) {
        Path from = fs.makeQualified(new Path(f));
        String year = from.getParent().getName(); // year=Y
        Path to =
            new Path(
                panel,
                YearPartitionedPanelWriter.committedName(
                    Integer.parseInt(year.substring("year=".length())), r.index()));
        if (!fs.rename(from, to)) {
          throw new IOException("cannot rename the panel part " + from + " to " + to);
        }
        kept.add(fs.makeQualified(to));
      }
    }
    if (!fs.exists(panel)) {
      return;
    }
    for (FileStatus year : fs.listStatus(panel)) {
      if (!year.isDirectory()) {
        continue;
      }
      for (FileStatus f : fs.listStatus(year.getPath())) {
        if (!kept.contains(fs.makeQualified(f.getPath()))) {
          fs.delete(f.getPath(), true);
        }
      }
    }
  }

  private static void deleteLocal(java.nio.file.Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
