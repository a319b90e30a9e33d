package io.firmsim.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.cluster.ClusterOutcome;
import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.AggregatesCsvWriter;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.spark.LocalSpark;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation split by firm ranges over Spark tasks in {@code local[2]} equals the single-machine
 * run: every panel value per (firm, year) bit for bit, and {@code aggregates.csv} byte for byte;
 * also when a task fails once and Spark retries it, with a population read on the driver, and on
 * the ONNX backend.
 */
class SparkSimulationTest {
  private static final ModelSpec SPEC = PaperModel.load();
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    // two cores, and a failed task is tried twice (local[N, maxFailures])
    spark = LocalSpark.start("local[2,2]", "firmsim-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SimulationConfig config(Backend backend, Precision precision, int chunk) {
    return SimulationConfig.builder()
        .setModel(SPEC)
        .setYears(3)
        .optBurnIn(2)
        .optStartYear(2001)
        .optMode(ForwardMode.SAMPLE)
        .optPrecision(precision)
        .optDevice(DeviceChoice.CPU)
        .optBackend(backend)
        .optSeed(11)
        .optChunkSize(chunk)
        .build();
  }

  /** Rows of the single-machine panel by "firm/year". */
  private static final class Collector implements PanelWriter {
    final Map<String, double[]> rows = new TreeMap<>();

    @Override
    public void write(long[] ids, int[] years, double[] state, double[] flows, int n) {
      for (int r = 0; r < n; r++) {
        double[] row = new double[V + F];
        System.arraycopy(state, r * V, row, 0, V);
        System.arraycopy(flows, r * F, row, V, F);
        rows.put(ids[r] + "/" + years[r], row);
      }
    }

    @Override
    public void close() {}
  }

  private static ClusterJob job(
      SimulationConfig config, StartupPopulation gen, Population pop, Path out, int partitions) {
    return new ClusterJob(
        null,
        config,
        gen,
        pop,
        null,
        true,
        out.toString(),
        false,
        partitions,
        (result, facts, folder) ->
            AggregatesCsvWriter.write(folder.resolve("aggregates.csv"), result));
  }

  private byte[] singleMachineAggregates(SimulationResult r) throws IOException {
    Path f = tmp.resolve("single-" + System.nanoTime() + ".csv");
    AggregatesCsvWriter.write(f, r);
    return Files.readAllBytes(f);
  }

  /** The partitioned panel, read back with Spark, by "firm/year". */
  private static Map<String, double[]> panel(Path out, boolean float32) {
    Dataset<Row> df = spark.read().parquet(out.resolve("panel").toString());
    List<String> names = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      names.add(v.name());
    }
    for (FlowVariable f : FlowVariable.all()) {
      names.add(f.name());
    }
    Map<String, double[]> rows = new TreeMap<>();
    for (Row r : df.collectAsList()) {
      double[] row = new double[names.size()];
      for (int c = 0; c < names.size(); c++) {
        Object x = r.getAs(names.get(c));
        row[c] = float32 ? ((Float) x).doubleValue() : (Double) x;
      }
      String key = r.<Long>getAs("firm_id") + "/" + r.<Integer>getAs("year");
      if (rows.put(key, row) != null) {
        throw new AssertionError("row " + key + " appears twice in the partitioned panel");
      }
    }
    return rows;
  }

  private static void assertSamePanels(Map<String, double[]> expected, Map<String, double[]> got) {
    assertEquals(expected.keySet(), got.keySet());
    for (Map.Entry<String, double[]> e : expected.entrySet()) {
      double[] g = got.get(e.getKey());
      for (int c = 0; c < g.length; c++) {
        assertEquals(
            Double.doubleToRawLongBits(e.getValue()[c]),
            Double.doubleToRawLongBits(g[c]),
            "firm/year " + e.getKey() + ", column " + c);
      }
    }
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void partitionedRunEqualsTheSingleMachineRun() throws IOException {
    int firms = 2600; // five tiles and a partial one
    SimulationConfig config = config(Backend.DJL, Precision.FLOAT64, 1024);
    StartupPopulation pop = new StartupPopulation(11, firms, SPEC.constants());
    Collector single = new Collector();
    SimulationResult expected = new Simulator(config).run(pop, single, null);

    Path out = tmp.resolve("out");
    ClusterOutcome outcome = new SparkSimulation(spark).run(job(config, pop, null, out, 3));

    assertEquals(3, outcome.facts().partitions());
    assertEquals(1024, outcome.facts().rangeSize());
    assertEquals(3, outcome.facts().attempts());
    assertEquals(firms, outcome.result().firms());
    assertArrayEquals(
        singleMachineAggregates(expected), Files.readAllBytes(out.resolve("aggregates.csv")));
    assertSamePanels(single.rows, panel(out, false));
    List<String> names = files(out);
    assertTrue(names.contains("panel/year=2001/part-00000.parquet"), names.toString());
    assertTrue(names.contains("panel/year=2003/part-00002.parquet"), names.toString());
  }

  @Test
  void aTaskThatFailsOnceIsRetriedAndTheResultIsTheSame() throws IOException {
    int firms = 1800;
    SimulationConfig config = config(Backend.DJL, Precision.FLOAT64, 512);
    StartupPopulation pop = new StartupPopulation(11, firms, SPEC.constants());
    Collector single = new Collector();
    SimulationResult expected = new Simulator(config).run(pop, single, null);

    Path out = tmp.resolve("retried");
    ClusterOutcome outcome =
        new SparkSimulation(spark).failFirstAttemptOf(1).run(job(config, pop, null, out, 4));

    assertEquals(4, outcome.facts().partitions());
    assertEquals(4 + 1, outcome.facts().attempts(), "range 1 ran twice");
    assertArrayEquals(
        singleMachineAggregates(expected), Files.readAllBytes(out.resolve("aggregates.csv")));
    assertSamePanels(single.rows, panel(out, false));
    // only committed names (and the local file system's checksums of them): nothing of the
    // failed attempt is left
    for (String f : files(out.resolve("panel"))) {
      assertTrue(f.matches("year=\\d+/\\.?part-\\d{5}\\.parquet(\\.crc)?"), f);
    }
  }

  @Test
  void aPopulationReadOnTheDriverOnOnnxInFloat32() throws IOException {
    // A population that is not generated: the firms of a 5-year run, shipped with their ranges.
    int firms = 1500;
    SimulationConfig config = config(Backend.ONNX, Precision.FLOAT32, 512);
    Population start = new StartupPopulation(3, firms, SPEC.constants()).slice(0, firms);
    Collector single = new Collector();
    SimulationResult expected = new Simulator(config).run(PopulationSource.of(start), single, null);

    Path out = tmp.resolve("onnx");
    new SparkSimulation(spark).run(job(config, null, start, out, 2));

    assertArrayEquals(
        singleMachineAggregates(expected), Files.readAllBytes(out.resolve("aggregates.csv")));
    assertSamePanels(single.rows, panel(out, true));
  }

  @Test
  void aNonEmptyOutputIsRefusedBeforeAnyWork() throws IOException {
    Path out = tmp.resolve("taken");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    SimulationConfig config = config(Backend.DJL, Precision.FLOAT64, 512);
    StartupPopulation pop = new StartupPopulation(11, 600, SPEC.constants());
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> new SparkSimulation(spark).run(job(config, pop, null, out, 2)));
    assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
    assertEquals(List.of("notes.txt"), files(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")));
    }
  }

  /**
   * Two ranges hold a firm whose values are not finite: the job fails with the balance violation a
   * single machine reports (the first in firm order), and leaves neither output nor staging.
   */
  @Test
  void theFirstViolationInFirmOrderFailsTheJobAndLeavesNothing() throws IOException {
    int firms = 1600;
    SimulationConfig config = config(Backend.DJL, Precision.FLOAT64, 512);
    Population good = new StartupPopulation(11, firms, SPEC.constants()).slice(0, firms);
    double[] values = good.values();
    values[700 * V + StateVariable.CA.index()] = Double.NaN; // range 1 of 512-firm ranges
    values[1300 * V + StateVariable.CA.index()] = Double.NaN; // range 2
    Population broken = new Population(good.firmIds(), values);
    BalanceViolationException single =
        assertThrows(
            BalanceViolationException.class,
            () -> new Simulator(config).run(PopulationSource.of(broken), null, null));
    assertEquals(700, single.firmId());

    Path out = tmp.resolve("violated");
    BalanceViolationException onSpark =
        assertThrows(
            BalanceViolationException.class,
            () -> new SparkSimulation(spark).run(job(config, null, broken, out, 4)));
    assertEquals(single.getMessage(), onSpark.getMessage());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")));
    }
  }

  @Test
  void rangesAreWholeChunksOrWholeTiles() {
    assertEquals(25088, SparkSimulation.rangeSize(100_000, 4, 32768)); // 49 tiles
    assertEquals(65536, SparkSimulation.rangeSize(200_000, 4, 32768));
    assertEquals(1024, SparkSimulation.rangeSize(2600, 3, 32768)); // below a chunk: tiles
    assertEquals(512, SparkSimulation.rangeSize(100, 8, 32768));
    // ONNX-sized chunks: whole chunks below a block, whole blocks from one on
    assertEquals(16384, SparkSimulation.rangeSize(60_000, 4, 8192));
    assertEquals(65536, SparkSimulation.rangeSize(200_000, 4, 8192));
  }
}
