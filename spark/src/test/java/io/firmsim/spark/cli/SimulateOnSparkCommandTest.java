package io.firmsim.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.trainer.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim simulate --spark local[2]} through the command line: the same aggregates.csv as
 * without {@code --spark}, a run record that says how the work was spread, and bad combinations
 * refused as bad input (exit 2) before any work.
 */
class SimulateOnSparkCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  private static Outcome firmsim(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void sparkRunWritesTheSingleMachineAggregates() throws Exception {
    String[] common = {
      "simulate",
      "--firms",
      "1700",
      "--years",
      "3",
      "--burn-in",
      "1",
      "--seed",
      "9",
      "--chunk-size",
      "512",
      "--quiet"
    };
    Path single = tmp.resolve("single");
    Outcome a = firmsim(concat(common, "--out", single.toString()));
    assertEquals(0, a.code(), a.err());
    Path onSpark = tmp.resolve("spark");
    Outcome b =
        firmsim(
            concat(
                common,
                "--out",
                onSpark.toString(),
                "--spark",
                "local[2]",
                "--partitions",
                "4",
                "--panel",
                "parquet"));
    assertEquals(0, b.code(), b.err());
    assertTrue(b.out().contains("in 4 ranges"), b.out());
    assertArrayEquals(
        Files.readAllBytes(single.resolve("aggregates.csv")),
        Files.readAllBytes(onSpark.resolve("aggregates.csv")));
    JsonNode run = new ObjectMapper().readTree(onSpark.resolve("run.json").toFile());
    assertEquals("local[2]", run.path("cluster").path("master").asText());
    assertEquals(4, run.path("cluster").path("ranges").asInt());
    assertEquals(4, run.path("cluster").path("taskLoopSeconds").size());
    assertTrue(Files.isRegularFile(onSpark.resolve("panel/year=3/part-00003.parquet")));
    assertTrue(Files.isRegularFile(onSpark.resolve(".firmsim-output")));
  }

  /**
   * A run continued from a year of the partitioned Parquet panel (read with Spark on the driver)
   * equals the single-machine run continued from the same year of its CSV panel.
   */
  @Test
  void aRunContinuesFromTheParquetPanelAsFromTheCsvPanel() throws Exception {
    String[] first = {"simulate", "--firms", "1100", "--years", "3", "--seed", "4", "--quiet"};
    Path csv = tmp.resolve("csv");
    Path parquet = tmp.resolve("parquet");
    assertEquals(0, firmsim(concat(first, "--out", csv.toString(), "--panel", "csv")).code());
    Outcome a =
        firmsim(
            concat(
                first, "--out", parquet.toString(), "--panel", "parquet", "--spark", "local[2]"));
    assertEquals(0, a.code(), a.err());
    String[] next = {"--population-year", "2", "--start-year", "3", "--years", "2", "--quiet"};
    Path single = tmp.resolve("next-single");
    Path onSpark = tmp.resolve("next-spark");
    Outcome b =
        firmsim(
            concat(
                concat(
                    new String[] {"simulate", "--population", csv.resolve("panel.csv").toString()},
                    next),
                "--out",
                single.toString()));
    assertEquals(0, b.code(), b.err());
    Outcome c =
        firmsim(
            concat(
                concat(
                    new String[] {"simulate", "--population", parquet.resolve("panel").toString()},
                    next),
                "--out",
                onSpark.toString(),
                "--spark",
                "local[2]",
                "--partitions",
                "2"));
    assertEquals(0, c.code(), c.err());
    assertArrayEquals(
        Files.readAllBytes(single.resolve("aggregates.csv")),
        Files.readAllBytes(onSpark.resolve("aggregates.csv")));
    JsonNode run = new ObjectMapper().readTree(onSpark.resolve("run.json").toFile());
    assertEquals(1100, run.path("population").path("firms").asInt());
    assertEquals(2, run.path("population").path("year").asInt());

    // a year the panel does not hold: bad input naming the folder
    Outcome d =
        firmsim(
            "simulate",
            "--population",
            parquet.resolve("panel").toString(),
            "--population-year",
            "9",
            "--out",
            tmp.resolve("never").toString(),
            "--spark",
            "local[2]");
    assertEquals(2, d.code(), d.err());
    assertTrue(d.err().contains(parquet.resolve("panel").toString()), d.err());
  }

  @Test
  void combinationsSparkCannotTakeAreBadInput() {
    Path out = tmp.resolve("never");
    Outcome csv =
        firmsim(
            "simulate",
            "--firms",
            "10",
            "--out",
            out.toString(),
            "--spark",
            "local[1]",
            "--panel",
            "csv");
    assertEquals(2, csv.code());
    assertTrue(csv.err().contains("--panel csv is not available with --spark"), csv.err());
    Outcome partitions =
        firmsim("simulate", "--firms", "10", "--out", out.toString(), "--partitions", "2");
    assertEquals(2, partitions.code());
    assertTrue(partitions.err().contains("--partitions needs --spark"), partitions.err());
    assertFalse(Files.exists(out));
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
