package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Benchmark of the decimal parsers the CSV readers could use, on the cells of a real panel
 * (docs/BENCHMARKS.md, "Decimal parsing"): the JDK's {@link Double#parseDouble}, Jackson's {@link
 * NumberInput#parseDouble(String, boolean)} without and with its FastDoubleParser, and the parser
 * of the CSV input layer, {@link CsvCells#parseDouble}. First it checks, on every value cell of the
 * file, that {@link CsvCells#parseDouble} returns the same double as {@link Double#parseDouble},
 * bit for bit. (The hand-written {@code DecimalParser} it replaced was measured by this class at
 * commit 66842af, where that parser still existed.)
 *
 * <p>Run: {@code java -cp "simulator/target/test-classes:simulator/target/classes:
 * simulator/target/lib/*" io.firmsim.simulator.input.DecimalParserBench PANEL.csv [ROWS]} (ROWS:
 * data rows held in memory for the timing, default 60000).
 */
public final class DecimalParserBench {
  private DecimalParserBench() {}

  private static volatile double sink;

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int keepRows = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
    List<String> kept = new ArrayList<>();
    long checked = verify(file, keepRows, kept);
    String[] cells = kept.toArray(new String[0]);
    System.out.printf(
        "exactness: %d value cells of %s, CsvCells.parseDouble == Double.parseDouble on all%n",
        checked, file);
    System.out.printf(
        "timing on %d cells (%d rows); java %s, %d cores%n",
        cells.length,
        keepRows,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    String[] names = {
      "Double.parseDouble",
      "NumberInput.parseDouble(s, false)",
      "NumberInput.parseDouble(s, true)",
      "CsvCells.parseDouble"
    };
    List<ToDoubleFunction<String>> parsers =
        List.of(
            Double::parseDouble,
            s -> NumberInput.parseDouble(s, false),
            s -> NumberInput.parseDouble(s, true),
            CsvCells::parseDouble);
    int warmups = 5;
    int rounds = 7;
    double[][] ns = new double[parsers.size()][rounds];
    for (int round = -warmups; round < rounds; round++) {
      for (int p = 0; p < parsers.size(); p++) {
        double perCell = time(parsers.get(p), cells);
        if (round >= 0) {
          ns[p][round] = perCell;
        }
      }
    }
    System.out.println("| parser | median ns/cell | min ns/cell | max ns/cell |");
    System.out.println("| --- | --- | --- | --- |");
    for (int p = 0; p < parsers.size(); p++) {
      double[] t = ns[p].clone();
      Arrays.sort(t);
      System.out.printf(
          "| %s | %.1f | %.1f | %.1f |%n", names[p], t[rounds / 2], t[0], t[rounds - 1]);
    }
  }

  private static double time(ToDoubleFunction<String> parser, String[] cells) {
    long start = System.nanoTime();
    double sum = 0;
    for (String c : cells) {
      sum += parser.applyAsDouble(c);
    }
    long elapsed = System.nanoTime() - start;
    sink = sum;
    return (double) elapsed / cells.length;
  }

  /**
   * Compares {@link CsvCells#parseDouble} with {@link Double#parseDouble} on every value cell (all
   * columns but {@code firm_id} and {@code year}) and keeps the cells of the first {@code keepRows}
   * rows.
   *
   * @return the number of cells compared
   */
  private static long verify(Path file, int keepRows, List<String> kept) throws IOException {
    long checked = 0;
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = CsvFactory.builder().build().createParser(in)) {
      List<String> row = new ArrayList<>();
      CsvRows.nextRow(parser, row);
      List<String> header = List.copyOf(row);
      int rows = 0;
      while (CsvRows.nextRow(parser, row) >= 0) {
        for (int c = 0; c < row.size(); c++) {
          String name = header.get(c);
          if (name.equals("firm_id") || name.equals("year")) {
            continue;
          }
          String text = row.get(c);
          long want = Double.doubleToRawLongBits(Double.parseDouble(text));
          long got = Double.doubleToRawLongBits(CsvCells.parseDouble(text));
          if (want != got) {
            throw new AssertionError("CsvCells.parseDouble differs on '" + text + "'");
          }
          checked++;
          if (rows < keepRows) {
            kept.add(text);
          }
        }
        rows++;
      }
    }
    return checked;
  }
}
