package io.firmsim.spark.job;

import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationCsvReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads a population file from any Hadoop file system on the driver, with the checks and messages
 * of {@link PopulationCsvReader} (the columns it needs, the balance identity, the year of a panel):
 * a CSV file is copied to a local temporary file and read as {@code --population} reads it; Parquet
 * (a file, or a folder of parts such as the panel {@code simulate --spark --panel parquet} writes)
 * is read with Spark, its rows taken in {@code firm_id} (then {@code year}) order, and passed
 * through the same reader. Messages name the file by its URI.
 *
 * <p>The population then travels to the tasks with their ranges, so the driver holds it whole
 * (about 0.3 KB per firm): fine for millions of firms; a population of a country's register of tens
 * of millions would rather be read by the tasks themselves, which is not built yet.
 */
final class PopulationFiles {
  private PopulationFiles() {}

  static Population read(SparkSession spark, ClusterJob.PopulationFile file, boolean rebalance)
      throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(file.uri());
    FileSystem fs = path.getFileSystem(conf);
    if (!fs.exists(path)) {
      throw new BadInputException("--population " + file.uri() + ": no such file or folder");
    }
    boolean parquet = file.uri().endsWith(".parquet") || fs.getFileStatus(path).isDirectory();
    java.nio.file.Path dir = Files.createTempDirectory("firmsim-population");
    java.nio.file.Path local = dir.resolve("population.csv");
    try {
      if (parquet) {
        writeCsv(spark.read().parquet(file.uri()), local, file.uri());
      } else {
        fs.copyToLocalFile(false, path, new Path(local.toUri()), true);
      }
      try {
        return PopulationCsvReader.read(local, file.year(), rebalance);
      } catch (BadInputException e) {
        String name = file.uri() + (parquet ? " (its rows in firm_id order)" : "");
        throw new BadInputException(e.getMessage().replace(local.toString(), name));
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        for (java.nio.file.Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The table as CSV in firm_id (then year) order, every number exactly (float64 text). */
  private static void writeCsv(Dataset<Row> df, java.nio.file.Path out, String uri)
      throws IOException {
    String[] columns = df.columns();
    if (!Arrays.asList(columns).contains(PopulationCsvReader.FIRM_ID)) {
      throw new BadInputException(
          "--population " + uri + ": no column " + PopulationCsvReader.FIRM_ID);
    }
    Column[] order =
        Arrays.asList(columns).contains(PopulationCsvReader.YEAR)
            ? new Column[] {
              functions.col(PopulationCsvReader.FIRM_ID), functions.col(PopulationCsvReader.YEAR)
            }
            : new Column[] {functions.col(PopulationCsvReader.FIRM_ID)};
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write(String.join(",", columns));
      w.newLine();
      Iterator<Row> rows = df.orderBy(order).toLocalIterator();
      StringBuilder line = new StringBuilder();
      while (rows.hasNext()) {
        Row r = rows.next();
        line.setLength(0);
        for (int c = 0; c < columns.length; c++) {
          if (c > 0) {
            line.append(',');
          }
          line.append(text(r.get(c)));
        }
        w.write(line.toString());
        w.newLine();
      }
    }
  }

  private static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Float f) {
      return Double.toString(f.doubleValue()); // the float's exact value, not its shortest text
    }
    return value.toString();
  }
}
