package io.firmsim.trainer.cli;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.forecast.eval.Accuracy;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import io.firmsim.trainer.forecast.eval.Naive2;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.series.SeriesFiles;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim forecast-eval}: scores forecast files against held-out actuals as the M3/M4
 * competitions do: sMAPE (M4 and original M3 forms), MAPE, MASE and OWA against Naive2, which the
 * command computes from the training file ({@link Naive2}). One group per {@code --actuals} file (a
 * frequency: its own {@code --train} file and seasonal period), and an {@code all} row over the
 * groups when there are several (sMAPE and MAPE averaged over all points, MASE over all series, as
 * {@link Accuracy} says).
 *
 * <p>Files are in either layout of {@link SeriesFiles}. Series are matched by id: every actual
 * needs a training series in its group's {@code --train} file and a forecast of the same length in
 * every {@code --forecasts} file; forecast series for ids in no group are ignored (and counted on
 * stderr), so one file of forecasts for all frequencies can be scored group by group.
 *
 * <p>Without {@code --forecasts}, {@code --naive2-baseline} scores Naive2 alone.
 *
 * <p>Exit codes: 0 scored; 2 bad input (arguments, a file, a missing series, a horizon that does
 * not match, a training part too short for its period or with a zero MASE scale, a seasonal
 * training part whose multiplicative decomposition divides by 0, the output location), nothing
 * written.
 */
@Command(
    name = "forecast-eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Scores forecasts against actuals: sMAPE (M4 and M3 forms), MAPE, MASE and OWA against"
            + " Naive2 computed from the training values.")
public final class ForecastEvalCommand implements Callable<Integer> {
  /** The columns of the report. */
  static final List<String> COLUMNS =
      List.of("method", "group", "series", "points", "smape_m4", "smape_m3", "mape", "mase", "owa");

  /** The method name of the Naive2 rows. */
  static final String NAIVE2 = "Naive2";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--forecasts",
      paramLabel = "F.csv",
      description = "Forecasts (repeat for several methods; one row per series id).")
  List<Path> forecasts = new ArrayList<>();

  @Option(
      names = "--actuals",
      required = true,
      paramLabel = "A.csv",
      description = "Held-out actuals (repeat for several groups, e.g. one per frequency).")
  List<Path> actuals;

  @Option(
      names = "--train",
      required = true,
      paramLabel = "T.csv",
      description = "Training values, one file per --actuals (for MASE and Naive2).")
  List<Path> train;

  @Option(
      names = "--seasonality",
      required = true,
      paramLabel = "M",
      description = "Seasonal period m, one per --actuals or one for all (1 yearly, 4, 12).")
  List<Integer> seasonality;

  @Option(names = "--naive2-baseline", description = "Also report Naive2's own scores.")
  boolean naive2Baseline;

  @Option(names = "--out", paramLabel = "REPORT.csv", description = "Also write the report as CSV.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  /** One group: its files, period and series. */
  private record Group(
      String name,
      Path actualFile,
      Path trainFile,
      int m,
      List<NamedSeries> actuals,
      Map<String, double[]> train) {}

  @Override
  public Integer call() throws Exception {
    if (forecasts.isEmpty() && !naive2Baseline) {
      throw new BadInputException("nothing to score: give --forecasts, --naive2-baseline or both");
    }
    if (train.size() != actuals.size()) {
      throw new BadInputException(
          "give one --train per --actuals: found "
              + train.size()
              + " --train and "
              + actuals.size()
              + " --actuals");
    }
    if (seasonality.size() != 1 && seasonality.size() != actuals.size()) {
      throw new BadInputException(
          "give one --seasonality per --actuals, or one for all: found "
              + seasonality.size()
              + " for "
              + actuals.size()
              + " --actuals");
    }
    for (int m : seasonality) {
      if (m < 1) {
        throw new BadInputException("--seasonality must be at least 1, found " + m);
      }
    }
    if (out != null) {
      OutputFile.check(out, overwrite);
    }
    List<Group> groups = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int g = 0; g < actuals.size(); g++) {
      String name = stem(actuals.get(g));
      if (!names.add(name)) {
        throw new BadInputException(
            "two --actuals files are named " + name + ": the groups must have distinct names");
      }
      int m = seasonality.get(seasonality.size() == 1 ? 0 : g);
      groups.add(group(name, actuals.get(g), train.get(g), m));
    }
    Map<String, Map<String, Accuracy>> report = new LinkedHashMap<>();
    Map<String, Accuracy> naive2 = score(groups, null, null);
    if (naive2Baseline) {
      report.put(NAIVE2, naive2);
    }
    PrintWriter err = spec.commandLine().getErr();
    for (Path f : forecasts) {
      String method = stem(f);
      if (report.containsKey(method)) {
        throw new BadInputException(
            "--forecasts " + f + ": a method named " + method + " is already reported");
      }
      List<NamedSeries> read = SeriesFiles.read(f);
      Map<String, double[]> byId = new HashMap<>();
      for (NamedSeries s : read) {
        byId.put(s.id(), s.values());
      }
      report.put(method, score(groups, f, byId));
      int used = groups.stream().mapToInt(g -> g.actuals().size()).sum();
      if (read.size() > used) {
        err.printf(
            Locale.ROOT,
            "firmsim: %s: %d series not among the actuals were ignored%n",
            f,
            read.size() - used);
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Accuracy>> e : report.entrySet()) {
      for (Map.Entry<String, Accuracy> g : e.getValue().entrySet()) {
        Accuracy a = g.getValue();
        rows.add(
            List.of(
                e.getKey(),
                g.getKey(),
                Integer.toString(a.series()),
                Integer.toString(a.points()),
                number(a.smapeM4()),
                number(a.smapeM3()),
                number(a.mape()),
                number(a.mase()),
                number(a.owa(naive2.get(g.getKey())))));
      }
    }
    print(spec.commandLine().getOut(), rows);
    if (out != null) {
      try (OutputFile file = OutputFile.begin(out, overwrite)) {
        try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
          w.write(String.join(",", COLUMNS));
          w.write('\n');
          for (List<String> r : rows) {
            w.write(String.join(",", r));
            w.write('\n');
          }
        }
        file.commit();
      }
    }
    return 0;
  }

  private static Group group(String name, Path actualFile, Path trainFile, int m) {
    List<NamedSeries> act = SeriesFiles.read(actualFile);
    Map<String, double[]> tr = new HashMap<>();
    for (NamedSeries s : SeriesFiles.read(trainFile)) {
      tr.put(s.id(), s.values());
    }
    for (NamedSeries a : act) {
      double[] x = tr.get(a.id());
      if (x == null) {
        throw new BadInputException(
            trainFile + ": no series '" + a.id() + "' (it is in " + actualFile + ")");
      }
      if (x.length <= m) {
        throw new BadInputException(
            trainFile
                + ": series '"
                + a.id()
                + "' has "
                + x.length
                + " values; MASE with --seasonality "
                + m
                + " needs more than "
                + m);
      }
      if (ForecastMetrics.maseScale(x, m) == 0) {
        throw new BadInputException(
            trainFile
                + ": series '"
                + a.id()
                + "' repeats itself exactly with period "
                + m
                + " (the MASE scale is 0), so MASE is undefined");
      }
    }
    return new Group(name, actualFile, trainFile, m, act, tr);
  }

  /** Scores one method (Naive2 where {@code forecasts} is null) per group, plus "all". */
  private static Map<String, Accuracy> score(
      List<Group> groups, Path file, Map<String, double[]> forecasts) {
    Map<String, Accuracy> out = new LinkedHashMap<>();
    Accuracy.Accumulator all = new Accuracy.Accumulator();
    for (Group g : groups) {
      Accuracy.Accumulator acc = new Accuracy.Accumulator();
      for (NamedSeries a : g.actuals()) {
        double[] x = g.train().get(a.id());
        double[] y = a.values();
        double[] f;
        if (forecasts == null) {
          try {
            f = Naive2.forecast(x, g.m(), y.length);
          } catch (IllegalArgumentException e) {
            throw new BadInputException(
                g.trainFile() + ": series '" + a.id() + "': " + e.getMessage());
          }
        } else {
          f = forecasts.get(a.id());
          if (f == null) {
            throw new BadInputException(
                file
                    + ": no forecast for series '"
                    + a.id()
                    + "' (it is in "
                    + g.actualFile()
                    + ")");
          }
          if (f.length != y.length) {
            throw new BadInputException(
                file
                    + ": series '"
                    + a.id()
                    + "' has "
                    + f.length
                    + " forecasts where "
                    + g.actualFile()
                    + " has "
                    + y.length
                    + " actuals");
          }
        }
        acc.add(x, g.m(), y, f);
      }
      Accuracy a = acc.build();
      out.put(g.name(), a);
      all.add(a);
    }
    if (groups.size() > 1) {
      out.put("all", all.build());
    }
    return out;
  }

  private static void print(PrintWriter w, List<List<String>> rows) {
    int[] width = new int[COLUMNS.size()];
    for (int j = 0; j < width.length; j++) {
      width[j] = COLUMNS.get(j).length();
      for (List<String> r : rows) {
        width[j] = Math.max(width[j], display(r.get(j)).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, COLUMNS, width, false);
    for (List<String> r : rows) {
      line(sb, r, width, true);
    }
    w.print(sb);
    w.flush();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean format) {
    for (int j = 0; j < cells.size(); j++) {
      String c = format ? display(cells.get(j)) : cells.get(j);
      if (j > 0) {
        sb.append("  ");
      }
      boolean left = j < 2;
      String pad = " ".repeat(width[j] - c.length());
      sb.append(left ? c + pad : pad + c);
    }
    sb.append('\n');
  }

  /** A cell as shown on the terminal: numbers with 4 decimals (the CSV has them in full). */
  private static String display(String cell) {
    if (!cell.contains(".") && !cell.contains("Infinity") && !cell.contains("NaN")) {
      return cell;
    }
    double v = Double.parseDouble(cell);
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** Full precision in the CSV. */
  private static String number(double v) {
    return Double.toString(v);
  }

  private static String stem(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
  }
}
