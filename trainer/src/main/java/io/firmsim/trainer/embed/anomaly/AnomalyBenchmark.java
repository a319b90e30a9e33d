package io.firmsim.trainer.embed.anomaly;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the isolation-forest anomaly score on a simulated panel with injected anomalies
 * (docs/EMBEDDINGS.md, "Anomaly scores"): simulates the paper model, injects each kind into a share
 * of the firm-years, computes {@link FirmYearFeatures}, grows an {@link IsolationForest} on them
 * and prints the AUC of each kind per firm-year, the AUC of copied histories per firm (a firm's
 * largest firm-year score), the share of each kind flagged at a quantile threshold, and the times.
 *
 * <p>Arguments: {@code [firms=20000] [years=10] [share=0.01] [trees=100] [seed=1]
 * [copyNoise=0.01]}. With copy noise 0 a copied history is an exact copy of the other firm's rows,
 * which keep every accounting check; only the first copied year breaks from the firm's own past.
 */
public final class AnomalyBenchmark {
  private AnomalyBenchmark() {}

  public static void main(String[] args) {
    int firms = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int years = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    double share = args.length > 2 ? Double.parseDouble(args[2]) : 0.01;
    int trees = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    double copyNoise = args.length > 5 ? Double.parseDouble(args[5]) : 0.01;

    long t0 = System.nanoTime();
    Panel clean = simulate(firms, years, seed);
    long t1 = System.nanoTime();
    InjectedPanel injected =
        AnomalyInjector.builder()
            .optShare(share)
            .optSeed(seed)
            .optCopyNoise(copyNoise)
            .build()
            .inject(clean);
    long t2 = System.nanoTime();
    FirmYearFeatures features = FirmYearFeatures.of(injected.panel());
    double[][] x = features.matrix(FirmYearFeatures.SCORING_COLUMNS);
    long t3 = System.nanoTime();
    IsolationForest forest = IsolationForest.builder().optTrees(trees).optSeed(seed).fit(x);
    long t4 = System.nanoTime();
    double[] scores = forest.scores(x);
    long t5 = System.nanoTime();

    System.out.printf(
        Locale.ROOT,
        "panel: %d firms x %d years = %d firm-years; copy noise %s; %s%n",
        firms,
        years,
        clean.rows(),
        copyNoise,
        injected);
    Map<AnomalyKind, Double> auc = AnomalyEvaluation.aucByKind(scores, injected.labels());
    for (Map.Entry<AnomalyKind, Double> e : auc.entrySet()) {
      System.out.printf(Locale.ROOT, "AUC per firm-year %-16s %.4f%n", e.getKey(), e.getValue());
    }
    System.out.printf(
        Locale.ROOT,
        "AUC per firm (largest firm-year score) COPIED_HISTORY %.4f%n",
        copiedFirmAuc(injected, scores));
    double[][] everything = features.matrix();
    double[] allScores =
        IsolationForest.builder().optTrees(trees).optSeed(seed).fit(everything).scores(everything);
    System.out.printf(
        Locale.ROOT,
        "AUC per firm-year with all %d columns (per-stock changes too): %s%n",
        everything[0].length,
        AnomalyEvaluation.aucByKind(allScores, injected.labels()));
    AnomalyKind[] labels = injected.labels();
    for (double q : new double[] {0.02, 0.05}) {
      boolean[] flagged = AnomalyEvaluation.flag(scores, q);
      StringBuilder sb = new StringBuilder();
      for (AnomalyKind k : AnomalyKind.values()) {
        int hit = 0;
        int all = 0;
        for (int i = 0; i < labels.length; i++) {
          if (labels[i] == k) {
            all++;
            hit += flagged[i] ? 1 : 0;
          }
        }
        sb.append(String.format(Locale.ROOT, " %s %.3f", k, all == 0 ? 0.0 : hit / (double) all));
      }
      System.out.printf(
          Locale.ROOT,
          "flagged share by kind at top q=%.2f (threshold %.4f):%s%n",
          q,
          AnomalyEvaluation.threshold(scores, q),
          sb);
    }
    System.out.printf(
        Locale.ROOT,
        "times: simulate %.2f s, inject %.2f s, features %.2f s, fit (%d trees) %.2f s,"
            + " score %.2f s (%d threads)%n",
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e9,
        trees,
        (t4 - t3) / 1e9,
        (t5 - t4) / 1e9,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * The AUC of copied firms against untouched firms, scoring each firm by its largest firm-year
   * score (firms with rows of other kinds are left out).
   */
  static double copiedFirmAuc(InjectedPanel injected, double[] scores) {
    Panel p = injected.panel();
    java.util.Map<Long, double[]> byFirm = new java.util.HashMap<>();
    java.util.Map<Long, AnomalyKind> kindOfFirm = new java.util.HashMap<>();
    for (int r = 0; r < p.rows(); r++) {
      long id = p.firmId(r);
      byFirm.merge(id, new double[] {scores[r]}, (a, b) -> new double[] {Math.max(a[0], b[0])});
      AnomalyKind k = injected.label(r);
      kindOfFirm.merge(id, k, (a, b) -> a.isAnomaly() ? a : b);
    }
    long[] ids = byFirm.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    double[] s = new double[ids.length];
    AnomalyKind[] l = new AnomalyKind[ids.length];
    for (int i = 0; i < ids.length; i++) {
      s[i] = byFirm.get(ids[i])[0];
      l[i] = kindOfFirm.get(ids[i]);
    }
    boolean[] keep = new boolean[ids.length];
    int m = 0;
    for (int i = 0; i < ids.length; i++) {
      keep[i] = l[i] == AnomalyKind.NONE || l[i] == AnomalyKind.COPIED_HISTORY;
      m += keep[i] ? 1 : 0;
    }
    double[] ks = new double[m];
    boolean[] kp = new boolean[m];
    int j = 0;
    for (int i = 0; i < ids.length; i++) {
      if (keep[i]) {
        ks[j] = s[i];
        kp[j++] = l[i] == AnomalyKind.COPIED_HISTORY;
      }
    }
    return AnomalyEvaluation.auc(ks, kp);
  }

  /**
   * A panel of the paper model: {@code firms} start-up firms, 5 burn-in years, {@code years}
   * recorded years from 2001, sampled (not mean) equations, float64 on the CPU, zero macro path.
   */
  static Panel simulate(int firms, int years, long seed) {
    ModelSpec spec = PaperModel.load();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(years)
            .optBurnIn(5)
            .optStartYear(2001)
            .optMode(ForwardMode.SAMPLE)
            .optSeed(seed)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .build();
    Collector collector = new Collector(firms * years);
    new Simulator(config)
        .run(new StartupPopulation(seed, firms, spec.constants()), collector, null);
    return collector.toPanel();
  }

  /** Keeps the simulator's panel rows in memory. */
  private static final class Collector implements PanelWriter {
    private long[] ids;
    private int[] yrs;
    private double[] state;
    private double[] flows;
    private int rows;

    Collector(int expected) {
      ids = new long[Math.max(1, expected)];
      yrs = new int[ids.length];
      state = new double[ids.length * Panel.S];
      flows = new double[ids.length * Panel.F];
    }

    @Override
    public void write(long[] firmIds, int[] years, double[] st, double[] fl, int n) {
      PanelWriter.checkBatch(firmIds, years, st, fl, n);
      if (rows + n > ids.length) {
        int cap = Math.max(rows + n, ids.length * 2);
        ids = Arrays.copyOf(ids, cap);
        yrs = Arrays.copyOf(yrs, cap);
        state = Arrays.copyOf(state, cap * Panel.S);
        flows = Arrays.copyOf(flows, cap * Panel.F);
      }
      System.arraycopy(firmIds, 0, ids, rows, n);
      System.arraycopy(years, 0, yrs, rows, n);
      System.arraycopy(st, 0, state, rows * Panel.S, n * Panel.S);
      System.arraycopy(fl, 0, flows, rows * Panel.F, n * Panel.F);
      rows += n;
    }

    @Override
    public void close() {}

    Panel toPanel() {
      return Panel.of(
          Arrays.copyOf(ids, rows),
          Arrays.copyOf(yrs, rows),
          Arrays.copyOf(state, rows * Panel.S),
          Arrays.copyOf(flows, rows * Panel.F));
    }
  }
}
