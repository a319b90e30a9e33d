package io.firmsim.simulator.scenario.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.simulator.report.ReportData;
import io.firmsim.simulator.scenario.AlignmentTarget;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.Magnitude;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.RecoverySettings;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Selection;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenario runner on the paper model against independent evidence: a zero-magnitude shock
 * equals the baseline bit for bit (common random numbers); replicate 0's baseline equals a plain
 * {@link Simulator} run with the same seed; results do not depend on the chunk size or the worker
 * count; every shock kind keeps the balance identity and the clamps for 20 years (the runner checks
 * both and throws) and moves the firms it hits; the replicate confidence interval narrows as R
 * grows.
 */
class ScenarioRunnerTest {
  static final ModelSpec MODEL = PaperModel.load();
  static final int START = 2000;

  static Population startups(int firms, long seed) {
    return new StartupPopulation(seed, firms, MODEL.constants()).slice(0, firms);
  }

  static ScenarioPlan plan(
      int years,
      int replicates,
      long seed,
      List<Variant> scenarios,
      Backend backend,
      Integer chunkSize,
      int workers,
      ScenarioPlan.FirmDifferences differences) {
    return new ScenarioPlan(
        null,
        null,
        new PopulationPlan.Generated(1, 0),
        START,
        years,
        replicates,
        seed,
        new Variant("baseline", new MacroPlan.Zero(), List.of()),
        scenarios,
        List.<AlignmentTarget>of(),
        RecoverySettings.defaults(),
        new ScenarioPlan.RunSettings(
            backend, Precision.FLOAT64, ForwardMode.SAMPLE, chunkSize, workers),
        differences);
  }

  static ScenarioResult run(ScenarioPlan plan, Population pop, FirmDifferencesSink sink) {
    double[] w = new double[pop.size()];
    Arrays.fill(w, 1);
    List<List<MacroPath>> macros = new ArrayList<>();
    for (int v = 0; v < plan.variants().size(); v++) {
      macros.add(List.of(MacroPath.zeros()));
    }
    return new ScenarioRunner(plan, MODEL, pop, w, macros).run(sink, null);
  }

  static Shock shock(ShockKind kind, Enum<?> target, int start, int duration, double m) {
    return new Shock(
        kind,
        target,
        start,
        duration,
        new Selection(0.5, Map.of(), List.of()),
        new Magnitude.Fixed(m),
        kind == ShockKind.CREDIT_CRUNCH ? 0.3 : 0);
  }

  @Test
  void zeroMagnitudeShocksEqualTheBaselineBitForBitOnBothBackends() {
    Population pop = startups(1200, 3);
    List<Shock> zero =
        List.of(
            shock(ShockKind.DEMAND, null, START + 1, 2, 0),
            shock(ShockKind.COST_OF_DEBT, ShockKind.DebtCostTarget.FE, START, 3, 0),
            shock(ShockKind.IMPAIRMENT, ShockKind.Asset.OFA, START + 1, 1, 0),
            new Shock(
                ShockKind.CREDIT_CRUNCH,
                null,
                START,
                2,
                Selection.all(),
                new Magnitude.Fixed(0),
                0),
            shock(ShockKind.TAX_CHANGE, ShockKind.TaxTarget.TAX_RATE, START + 2, 2, 0));
    for (Backend backend : Backend.values()) {
      ScenarioPlan plan =
          plan(
              5,
              2,
              11,
              List.of(new Variant("zero", new MacroPlan.Zero(), zero)),
              backend,
              null,
              1,
              ScenarioPlan.FirmDifferences.ALL);
      List<double[]> diffs = new ArrayList<>();
      ScenarioResult r =
          run(plan, pop, (v, ids, w, hit, years, d) -> diffs.addAll(Arrays.asList(d)));
      for (int rep = 0; rep < 2; rep++) {
        assertArrayEquals(
            r.totals()[rep][0],
            Arrays.copyOf(r.totals()[rep][1], r.totals()[rep][0].length),
            backend + " replicate " + rep);
      }
      assertEquals(5, diffs.size());
      for (double[] d : diffs) {
        for (double x : d) {
          assertEquals(0.0, x, 0.0, backend + ": a firm differs from its baseline");
        }
      }
      // Not void: the scenario hit firms.
      ScenarioAnalysis a = new ScenarioAnalysis(r);
      assertTrue(a.hitStatistic(1, 0, "hit")[0] > 500, "hit firms");
    }
  }

  @Test
  void replicateZeroBaselineEqualsAPlainSimulation() {
    Population pop = startups(1100, 5);
    ScenarioPlan plan =
        plan(
            4,
            1,
            21,
            List.of(
                new Variant(
                    "demand",
                    new MacroPlan.Zero(),
                    List.of(shock(ShockKind.DEMAND, null, START + 1, 1, 0.3)))),
            Backend.DJL,
            null,
            1,
            ScenarioPlan.FirmDifferences.NONE);
    ScenarioResult r = run(plan, pop, FirmDifferencesSink.none());
    SimulationResult plain =
        new Simulator(
                SimulationConfig.builder()
                    .setModel(MODEL)
                    .setYears(4)
                    .optStartYear(START)
                    .optSeed(21)
                    .build())
            .run(PopulationSource.of(pop), null, null);
    ScenarioAnalysis a = new ScenarioAnalysis(r);
    List<String> columns = ScenarioAnalysis.columns();
    for (int k = 0; k < 4; k++) {
      for (StateVariable v : StateVariable.all()) {
        double ours = a.replicateValues(0, k, columns.indexOf(v.name()))[0];
        double theirs = plain.stateSum(k, v);
        assertEquals(theirs, ours, 1e-12 * Math.max(1, Math.abs(theirs)), "year " + k + " " + v);
      }
      for (FlowVariable f : FlowVariable.all()) {
        double ours = a.replicateValues(0, k, columns.indexOf(f.name()))[0];
        double theirs = plain.flowSum(k, f);
        assertEquals(theirs, ours, 1e-12 * Math.max(1, Math.abs(theirs)), "year " + k + " " + f);
      }
    }
  }

  @Test
  void weightsReachTheAggregates() throws Exception {
    Population pop = startups(1300, 29);
    double[] w = new double[pop.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + (i % 7) * 1.25;
    }
    ScenarioPlan plan =
        plan(
            3,
            1,
            31,
            List.of(
                new Variant(
                    "demand",
                    new MacroPlan.Zero(),
                    List.of(shock(ShockKind.DEMAND, null, START, 1, 0.2)))),
            Backend.DJL,
            null,
            2,
            ScenarioPlan.FirmDifferences.NONE);
    List<List<MacroPath>> macros = List.of(List.of(MacroPath.zeros()), List.of(MacroPath.zeros()));
    ScenarioResult r =
        new ScenarioRunner(plan, MODEL, pop, w, macros).run(FirmDifferencesSink.none(), null);
    // Independent: the plain simulator's panel, weighted here firm by firm.
    int v = StateVariable.count();
    double[][] expected = new double[3][3]; // year -> weight, equity, OIBD
    io.firmsim.simulator.output.PanelWriter panel =
        new io.firmsim.simulator.output.PanelWriter() {
          @Override
          public void write(long[] ids, int[] years, double[] state, double[] flows, int rows) {
            for (int k = 0; k < rows; k++) {
              int i = (int) ids[k]; // start-up firm i has id i
              int y = years[k] - START;
              double equity =
                  state[k * v + StateVariable.SC.index()]
                      + state[k * v + StateVariable.RR.index()]
                      + state[k * v + StateVariable.URE.index()];
              expected[y][0] += w[i];
              expected[y][1] += w[i] * equity;
              expected[y][2] += w[i] * flows[k * FlowVariable.count() + FlowVariable.OIBD.index()];
            }
          }

          @Override
          public void close() {}
        };
    new Simulator(
            SimulationConfig.builder()
                .setModel(MODEL)
                .setYears(3)
                .optStartYear(START)
                .optSeed(31)
                .build())
        .run(PopulationSource.of(pop), panel, null);
    ScenarioAnalysis a = new ScenarioAnalysis(r);
    List<String> columns = ScenarioAnalysis.columns();
    for (int k = 0; k < 3; k++) {
      assertEquals(expected[k][0], a.replicateValues(0, k, columns.indexOf("weight"))[0], 1e-9);
      assertEquals(
          expected[k][1],
          a.replicateValues(0, k, columns.indexOf("equity"))[0],
          1e-12 * Math.abs(expected[k][1]));
      assertEquals(
          expected[k][2],
          a.replicateValues(0, k, columns.indexOf("OIBD"))[0],
          1e-12 * Math.abs(expected[k][2]));
    }
    // Weighted hit firms: the weights of the firms the shock's draws select.
    ScenarioSeeds seeds = new ScenarioSeeds(31);
    double hit = 0;
    for (int i = 0; i < w.length; i++) {
      hit += seeds.hitDraw(pop.firmId(i), 0) < 0.5 ? w[i] : 0;
    }
    assertEquals(hit, a.hitStatistic(1, 0, "hit")[0], 1e-9);
  }

  @Test
  void resultsDoNotDependOnChunkSizeOrWorkers() {
    Population pop = startups(1800, 7);
    List<Variant> scenarios =
        List.of(
            new Variant(
                "mixed",
                new MacroPlan.Zero(),
                List.of(
                    shock(ShockKind.DEMAND, null, START + 1, 2, 0.4),
                    shock(ShockKind.IMPAIRMENT, ShockKind.Asset.MA, START + 2, 1, 0.5))));
    double[][][] reference = null;
    List<double[]> referenceDiffs = null;
    for (int[] cw : new int[][] {{512, 1}, {1024, 2}, {4096, 2}}) {
      ScenarioPlan plan =
          plan(4, 2, 9, scenarios, Backend.DJL, cw[0], cw[1], ScenarioPlan.FirmDifferences.FINAL);
      List<double[]> diffs = new ArrayList<>();
      ScenarioResult r = run(plan, pop, (v, ids, w, hit, years, d) -> diffs.add(d[0]));
      double[] flat = diffs.stream().flatMapToDouble(Arrays::stream).toArray();
      if (reference == null) {
        reference = r.totals();
        referenceDiffs = List.of(flat);
      } else {
        for (int rep = 0; rep < 2; rep++) {
          for (int v = 0; v < 2; v++) {
            assertArrayEquals(reference[rep][v], r.totals()[rep][v], "chunk " + cw[0]);
          }
        }
        assertArrayEquals(referenceDiffs.get(0), flat, "chunk " + cw[0] + " differences");
      }
    }
  }

  @Test
  void everyShockKindKeepsIdentityAndClampsForTwentyYearsAndMovesTheHitFirms() {
    Population pop = startups(1024, 13);
    List<Variant> scenarios = new ArrayList<>();
    scenarios.add(
        new Variant(
            "demand",
            new MacroPlan.Zero(),
            List.of(shock(ShockKind.DEMAND, null, START + 2, 3, 0.6))));
    scenarios.add(
        new Variant(
            "fe",
            new MacroPlan.Zero(),
            List.of(
                new Shock(
                    ShockKind.COST_OF_DEBT,
                    ShockKind.DebtCostTarget.FE,
                    START + 1,
                    5,
                    new Selection(0.7, Map.of(), List.of()),
                    new Magnitude.Uniform(0.5, 3),
                    0))));
    scenarios.add(
        new Variant(
            "realr",
            new MacroPlan.Zero(),
            List.of(
                new Shock(
                    ShockKind.COST_OF_DEBT,
                    ShockKind.DebtCostTarget.REALR,
                    START + 1,
                    4,
                    Selection.all(),
                    new Magnitude.Fixed(0.05),
                    0))));
    for (ShockKind.Asset asset : ShockKind.Asset.values()) {
      scenarios.add(
          new Variant(
              "impair-" + asset,
              new MacroPlan.Zero(),
              List.of(
                  new Shock(
                      ShockKind.IMPAIRMENT,
                      asset,
                      START + 3,
                      2,
                      new Selection(0.6, Map.of(), List.of(1, 2, 9, 10)),
                      new Magnitude.Normal(0.5, 0.4), // clamped to [0, 1]
                      0))));
    }
    scenarios.add(
        new Variant(
            "crunch",
            new MacroPlan.Zero(),
            List.of(shock(ShockKind.CREDIT_CRUNCH, null, START + 2, 6, 1.0))));
    for (ShockKind.TaxTarget t : ShockKind.TaxTarget.values()) {
      scenarios.add(
          new Variant(
              "tax-" + t,
              new MacroPlan.Zero(),
              List.of(shock(ShockKind.TAX_CHANGE, t, START + 1, 10, 0.25))));
    }
    ScenarioPlan plan =
        plan(20, 1, 17, scenarios, Backend.DJL, null, 2, ScenarioPlan.FirmDifferences.NONE);
    // The runner throws on a balance violation or a broken clamp in any firm-year.
    ScenarioResult r = run(plan, pop, FirmDifferencesSink.none());
    ScenarioAnalysis a = new ScenarioAnalysis(r);
    int equity = ScenarioAnalysis.columns().indexOf("equity");
    for (int v = 1; v < plan.variants().size(); v++) {
      double moved = 0;
      for (int k = 0; k < 20; k++) {
        moved = Math.max(moved, Math.abs(a.replicateDifferences(v, k, equity)[0]));
      }
      assertTrue(moved > 0, plan.variants().get(v).name() + " changed nothing");
    }
  }

  @Test
  void replicateConfidenceIntervalsNarrowAsReplicatesGrow() {
    Population pop = startups(512, 19);
    List<Variant> scenarios =
        List.of(
            new Variant(
                "demand",
                new MacroPlan.Zero(),
                List.of(shock(ShockKind.DEMAND, null, START + 1, 2, 0.5))));
    double[] width = new double[2];
    int[] reps = {5, 40};
    for (int i = 0; i < 2; i++) {
      ScenarioPlan plan =
          plan(3, reps[i], 23, scenarios, Backend.DJL, null, 2, ScenarioPlan.FirmDifferences.NONE);
      ScenarioAnalysis a = new ScenarioAnalysis(run(plan, pop, FirmDifferencesSink.none()));
      ReportData.Estimate e =
          ScenarioAnalysis.estimate(
              a.replicateValues(1, 2, ScenarioAnalysis.columns().indexOf("equity")));
      width[i] = e.high() - e.low();
    }
    assertTrue(width[0] > 0, "replicates differ");
    assertTrue(width[1] < 0.6 * width[0], Arrays.toString(width));
  }
}
