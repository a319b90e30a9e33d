package io.firmsim.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.FirmDifferencesSink;
import io.firmsim.simulator.scenario.run.ScenarioInputs;
import io.firmsim.simulator.scenario.run.ScenarioResult;
import io.firmsim.simulator.scenario.run.ScenarioRunner;
import io.firmsim.spark.LocalSpark;
import io.firmsim.trainer.cli.Main;
import io.firmsim.trainer.scenario.ScenarioFileReader;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stress-scenario run with replicates split by firm ranges over Spark tasks in {@code local[2]}
 * gives the single-machine result: the weighted totals of every replicate and variant bit for bit
 * (also when a task fails once and is retried), and, through the command line, the same recovery
 * table and every other table byte for byte.
 */
class SparkScenarioTest {
  private static final ModelSpec MODEL = PaperModel.load();
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("local[2,2]", "firmsim-scenario-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Path scenarioFile() throws IOException {
    Path file = tmp.resolve("stress-small.yaml");
    try (InputStream in = getClass().getResourceAsStream("/stress-small.yaml")) {
      Files.copy(in, file);
    }
    return file;
  }

  @Test
  void partitionedScenarioEqualsTheSingleMachineRunEvenWithARetry() throws IOException {
    ScenarioPlan plan = ScenarioFileReader.read(scenarioFile());
    ScenarioInputs inputs = ScenarioInputs.prepare(plan, MODEL);
    ScenarioResult single =
        new ScenarioRunner(plan, MODEL, inputs.population(), inputs.weights(), inputs.macros())
            .run(FirmDifferencesSink.none(), null);

    ScenarioResult onSpark =
        new SparkScenario(spark)
            .failFirstAttemptOf(1)
            .run(3, plan, MODEL, inputs, FirmDifferencesSink.none());

    assertEquals(single.firms(), onSpark.firms());
    assertEquals(single.firmYears(), onSpark.firmYears());
    assertEquals(3, single.totals().length);
    for (int r = 0; r < single.totals().length; r++) {
      for (int v = 0; v < single.totals()[r].length; v++) {
        assertArrayEquals(single.totals()[r][v], onSpark.totals()[r][v], "replicate " + r);
      }
    }
    for (int v = 0; v < single.ratios().length; v++) {
      for (int q = 0; q < single.ratios()[v].length; q++) {
        assertArrayEquals(single.ratios()[v][q], onSpark.ratios()[v][q]);
      }
    }
    assertTrue(onSpark.backend().contains("3 ranges"), onSpark.backend());
  }

  @Test
  void theCommandWritesTheSameRecoveryTableOnSpark() throws IOException {
    Path file = scenarioFile();
    Path single = tmp.resolve("single");
    Path onSpark = tmp.resolve("spark");
    assertEquals(0, firmsim("scenario", "run", file.toString(), "--out", single.toString()));
    assertEquals(
        0,
        firmsim(
            "scenario",
            "run",
            file.toString(),
            "--out",
            onSpark.toString(),
            "--spark",
            "local[2]",
            "--partitions",
            "2"));
    List<String> tables = csvFiles(single);
    assertTrue(tables.contains("recovery.csv"), tables.toString());
    assertTrue(tables.contains("firms/demand-crash.csv"), tables.toString());
    assertEquals(tables, csvFiles(onSpark));
    for (String t : tables) {
      assertArrayEquals(
          Files.readAllBytes(single.resolve(t)), Files.readAllBytes(onSpark.resolve(t)), t);
    }
  }

  private static int firmsim(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    if (code != 0) {
      throw new AssertionError("exit " + code + ": " + err);
    }
    return code;
  }

  private static List<String> csvFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".csv"))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
