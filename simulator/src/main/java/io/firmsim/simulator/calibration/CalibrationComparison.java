package io.firmsim.simulator.calibration;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.calibration.PaperTable25.Item;
import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Produces the tables of {@code docs/CALIBRATION.md}: a {@link CalibratedPopulation} raked to Table
 * 25's 1999 totals, its targets and weight spread, then a simulation of 2000-2004 with the paper
 * model (zero macro path, sample mode, float64, CPU) and every Table 25 item, simulated (weighted)
 * against the paper's, per year; with several seeds, the mean over seeds and the range.
 *
 * <p>Run (after {@code mvn -B -o -q -pl simulator -am compile dependency:build-classpath
 * -Dmdep.outputFile=target/classpath.txt}):
 *
 * <pre>
 * java -cp simulator/target/classes:$(cat simulator/target/classpath.txt) \
 *   io.firmsim.simulator.calibration.CalibrationComparison [--firms 20000] [--seeds 1,2,3] \
 *   [--mode sample|mean] [--dgnp SEK --realr FRACTION | --macro PATH.csv] [--out FILE.md]
 * </pre>
 *
 * <p>The macro path is zero by default, or constant ({@code --dgnp}, {@code --realr}), or read from
 * a file with the columns {@code year, dgnp, realr} covering 2000-2004 ({@code --macro}, as {@code
 * ./firmsim simulate --macro} reads it).
 *
 * <p>A program, not a test: it simulates tens of thousands of firms.
 */
public final class CalibrationComparison {
  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int FIRST = 2000;
  private static final int YEARS = 5;

  private CalibrationComparison() {}

  /** Keeps the panel in memory, per year, rows in firm-id order (ids are 0..N-1). */
  private static final class YearPanel implements PanelWriter {
    final double[][] states;
    final double[][] flows;

    YearPanel(int firms) {
      states = new double[YEARS][firms * S];
      flows = new double[YEARS][firms * F];
    }

    @Override
    public void write(long[] firmIds, int[] years, double[] state, double[] flow, int rows) {
      for (int r = 0; r < rows; r++) {
        int y = years[r] - FIRST;
        int id = (int) firmIds[r];
        System.arraycopy(state, r * S, states[y], id * S, S);
        System.arraycopy(flow, r * F, flows[y], id * F, F);
      }
    }

    @Override
    public void close() {}
  }

  public static void main(String[] args) throws IOException {
    int firms = 20_000;
    List<Long> seeds = List.of(1L);
    ForwardMode mode = ForwardMode.SAMPLE;
    Path out = null;
    double dgnp = 0;
    double realr = 0;
    Path macroFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dgnp" -> dgnp = Double.parseDouble(args[++i]);
        case "--realr" -> realr = Double.parseDouble(args[++i]);
        case "--macro" -> macroFile = Path.of(args[++i]);
        case "--firms" -> firms = Integer.parseInt(args[++i]);
        case "--seeds" -> {
          List<Long> s = new ArrayList<>();
          for (String x : args[++i].split(",")) {
            s.add(Long.parseLong(x.trim()));
          }
          seeds = s;
        }
        case "--mode" -> mode = ForwardMode.valueOf(args[++i].toUpperCase(Locale.ROOT));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    ModelSpec model = PaperModel.load();
    PaperTable25 table = PaperTable25.load();
    StringBuilder md = new StringBuilder();
    // per seed: the 1999 items and each simulated year's
    List<Table25Items[]> runs = new ArrayList<>();
    StringBuilder sizes = new StringBuilder();
    for (long seed : seeds) {
      long t0 = System.nanoTime();
      CalibratedPopulation cp = CalibratedPopulation.generate(seed, firms, model.constants());
      double rakeSeconds = (System.nanoTime() - t0) / 1e9;
      Population p = cp.population();
      if (runs.isEmpty()) {
        raking(md, cp, firms, seed, rakeSeconds);
      } else {
        CalibratedPopulation.WeightSpread w = cp.weightSpread();
        md.append(
            String.format(
                Locale.ROOT,
                "Seed %d: %d Newton steps, weights %.3g to %.3g (design %.2f), CV %.3f, max"
                    + " relative error %.1e.%n%n",
                seed,
                cp.raking().iterations(),
                w.min(),
                w.max(),
                w.design(),
                w.cv(),
                cp.raking().maxRelativeError()));
      }
      SimulationConfig config =
          SimulationConfig.builder()
              .setModel(model)
              .setYears(YEARS)
              .optStartYear(FIRST)
              .optMode(mode)
              .optPrecision(Precision.FLOAT64)
              .optDevice(DeviceChoice.CPU)
              .optSeed(seed)
              .optMacro(
                  macroFile != null
                      ? io.firmsim.simulator.macro.MacroPathReader.read(macroFile, FIRST, YEARS)
                      : constantMacro(dgnp, realr))
              .build();
      YearPanel panel = new YearPanel(firms);
      long t1 = System.nanoTime();
      new Simulator(config).run(PopulationSource.of(p), panel, null);
      double simSeconds = (System.nanoTime() - t1) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "seed %d: raking %.2f s, simulation %.2f s%n",
          seed,
          rakeSeconds,
          simSeconds);
      double[] w = p.weights();
      Table25Items[] items = new Table25Items[YEARS + 1];
      items[0] = Table25Items.compute(p.values(), null, null, w);
      double[] previous = p.values();
      for (int y = 0; y < YEARS; y++) {
        items[y + 1] = Table25Items.compute(panel.states[y], panel.flows[y], previous, w);
        previous = panel.states[y];
      }
      runs.add(items);
      if (runs.size() == 1) {
        bySize(sizes, table, p, panel);
      }
    }
    String macro =
        macroFile != null
            ? "macro path from " + macroFile.getFileName()
            : dgnp == 0 && realr == 0
                ? "zero macro path"
                : String.format(
                    Locale.ROOT,
                    "macro path dgnp = %.4g SEK and realr = %.4g every year",
                    dgnp,
                    realr);
    comparison(md, table, runs, seeds, firms, mode, macro);
    md.append(sizes);
    String text = md.toString();
    if (out != null) {
      Files.writeString(out, text, StandardCharsets.UTF_8);
    }
    PrintStream o = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    o.print(text);
  }

  private static void raking(
      StringBuilder md, CalibratedPopulation cp, int firms, long seed, double seconds) {
    CalibratedPopulation.WeightSpread w = cp.weightSpread();
    md.append(
        String.format(
            Locale.ROOT,
            "Raking (seed %d, %d firms): %d Newton steps, %.2f s; max relative error %.1e;"
                + " weights %.3g to %.3g (design %.2f = 243,131 / %d), CV %.3f.%n%n",
            seed,
            firms,
            cp.raking().iterations(),
            seconds,
            cp.raking().maxRelativeError(),
            w.min(),
            w.max(),
            w.design(),
            firms,
            w.cv()));
    md.append(
        "| constraint | target (MSEK; firms) | design weights (before raking) | achieved |"
            + " relative error |\n");
    md.append("| --- | ---: | ---: | ---: | ---: |\n");
    for (CalibratedPopulation.Target t : cp.targets()) {
      double unit = t.name().equals("firms") ? 1 : PaperTable25.UNIT_SEK;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.3f | %,.0f | %,.3f | %.1e |%n",
              t.name(),
              t.target() / unit,
              t.design() / unit,
              t.achieved() / unit,
              t.relativeError()));
    }
    md.append('\n');
  }

  private static void comparison(
      StringBuilder md,
      PaperTable25 table,
      List<Table25Items[]> runs,
      List<Long> seeds,
      int firms,
      ForwardMode mode,
      String macro) {
    md.append(
        String.format(
            Locale.ROOT,
            "Simulated with the paper model, %s, %s mode, float64, %d firms, seeds"
                + " %s; simulated = weighted total (MSEK) or ratio of weighted totals%s; gap ="
                + " simulated / paper - 1 (for ratios: simulated - paper).%n%n",
            macro,
            mode.name().toLowerCase(Locale.ROOT),
            firms,
            seeds,
            seeds.size() > 1 ? ", mean over seeds [min, max]" : ""));
    List<Integer> years = table.years();
    for (Section section : Section.values()) {
      md.append("#### ").append(section.title()).append("\n\n| item |");
      for (int y : years) {
        md.append(" ").append(y).append(" paper | sim | gap |");
      }
      md.append("\n| --- |");
      for (int ignored : years) {
        md.append(" ---: | ---: | ---: |");
      }
      md.append('\n');
      for (Item item : table.items(section)) {
        md.append("| ").append(item.name()).append(" |");
        for (int k = 0; k < years.size(); k++) {
          double paper = table.value(years.get(k), item);
          double sum = 0;
          double min = Double.POSITIVE_INFINITY;
          double max = Double.NEGATIVE_INFINITY;
          int n = 0;
          for (Table25Items[] run : runs) {
            OptionalDouble v = run[k].inTableUnits(item);
            if (v.isPresent()) {
              sum += v.getAsDouble();
              min = Math.min(min, v.getAsDouble());
              max = Math.max(max, v.getAsDouble());
              n++;
            }
          }
          md.append(' ').append(number(paper, section)).append(" | ");
          if (n == 0) {
            md.append("- | - |");
            continue;
          }
          double mean = sum / n;
          md.append(number(mean, section));
          if (runs.size() > 1) {
            md.append(" [")
                .append(number(min, section))
                .append(", ")
                .append(number(max, section))
                .append(']');
          }
          md.append(" | ").append(gap(paper, mean, section)).append(" |");
        }
        md.append('\n');
      }
      md.append('\n');
    }
  }

  private static io.firmsim.simulator.macro.MacroPath constantMacro(double dgnp, double realr) {
    double[] g = new double[YEARS];
    double[] r = new double[YEARS];
    java.util.Arrays.fill(g, dgnp);
    java.util.Arrays.fill(r, realr);
    return new io.firmsim.simulator.macro.MacroPath(FIRST, g, r);
  }

  /**
   * Evidence for the gaps: the first simulated year's flows per firm by size quartile (quartiles of
   * 1999 total assets over the generated firms; means weighted), next to the paper's mean per firm
   * (2000 total / 243,131). Flows that do not grow with size come from the equations' intercepts.
   */
  private static void bySize(StringBuilder md, PaperTable25 table, Population p, YearPanel panel) {
    int n = p.size();
    double[] k = new double[n];
    for (int i = 0; i < n; i++) {
      k[i] =
          p.value(i, StateVariable.CA)
              + p.value(i, StateVariable.MA)
              + p.value(i, StateVariable.BU)
              + p.value(i, StateVariable.OFA);
    }
    double[] sorted = k.clone();
    java.util.Arrays.sort(sorted);
    double[] cut = {sorted[n / 4], sorted[n / 2], sorted[3 * n / 4]};
    String[] names = {"K (1999)", "IBU", "IMA", "DOFA", "DCA", "DCL", "DLL", "DSC", "OIBD", "OTA"};
    String[] paper = {null, "I_bu", "I_ma", "dOFA", "dCA", "dCL", "dLL", "dSC", "OIBD", "OTA"};
    double[][] sum = new double[4][names.length];
    double[] wsum = new double[4];
    double[] w = p.weights();
    for (int i = 0; i < n; i++) {
      int q = k[i] < cut[0] ? 0 : k[i] < cut[1] ? 1 : k[i] < cut[2] ? 2 : 3;
      wsum[q] += w[i];
      double[] st = panel.states[0];
      double[] fl = panel.flows[0];
      double[] x = {
        k[i],
        st[i * S + StateVariable.IBU.index()],
        st[i * S + StateVariable.IMA.index()],
        fl[i * F + FlowVariable.DOFA.index()],
        st[i * S + StateVariable.DCA.index()],
        st[i * S + StateVariable.DCL.index()],
        fl[i * F + FlowVariable.DLL.index()],
        fl[i * F + FlowVariable.DSC.index()],
        fl[i * F + FlowVariable.OIBD.index()],
        fl[i * F + FlowVariable.OTA.index()]
      };
      for (int j = 0; j < names.length; j++) {
        sum[q][j] += w[i] * x[j];
      }
    }
    md.append(
        "#### 2000 flows per firm by size quartile (first seed; million SEK per firm)\n\n"
            + "| variable | Q1 (smallest) | Q2 | Q3 | Q4 (largest) | paper 2000, mean per firm |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (int j = 0; j < names.length; j++) {
      md.append("| ").append(names[j]).append(" |");
      for (int q = 0; q < 4; q++) {
        md.append(String.format(Locale.ROOT, " %.3f |", sum[q][j] / wsum[q] / 1e6));
      }
      double ref =
          j == 0
              ? table.value(1999, Section.ASSETS, "Total")
              : table.value(
                  2000,
                  new Item(
                      paper[j].equals("OIBD") || paper[j].equals("OTA")
                          ? Section.INCOME_STATEMENT
                          : Section.FLOWS,
                      paper[j]));
      md.append(String.format(Locale.ROOT, " %.3f |%n", ref / PaperTable25.FIRMS_1999));
    }
    md.append('\n');
  }

  private static String number(double x, Section s) {
    return s.isMoney()
        ? String.format(Locale.ROOT, "%,.0f", x)
        : String.format(Locale.ROOT, "%.3f", x);
  }

  private static String gap(double paper, double sim, Section s) {
    if (!s.isMoney()) {
      return String.format(Locale.ROOT, "%+.3f", sim - paper);
    }
    if (paper == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%+.0f%%", 100 * (sim / paper - 1));
  }
}
