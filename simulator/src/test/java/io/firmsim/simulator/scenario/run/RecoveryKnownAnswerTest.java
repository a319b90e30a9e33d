package io.firmsim.simulator.scenario.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.Lever;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.backend.ChunkJob;
import io.firmsim.simulator.backend.ChunkRunner;
import io.firmsim.simulator.backend.ChunkSink;
import io.firmsim.simulator.backend.WindowResult;
import io.firmsim.simulator.backend.YearBackend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
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
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recovery analytics on a constructed population whose answer is known: a stand-in backend gives
 * every firm a baseline path and, when the scenario's demand lever hits it, an equity loss of 400
 * SEK that is made good linearly over {@code T = 1 + id mod 4} years (so its recovery time, at a 1%
 * tolerance of its ~1,500 SEK of assets, is exactly T), an OIBD cut in the shocked year only
 * (recovery time 1), and no current assets in the last year when {@code T = 4} (distress). The
 * shares recovered within 1, 3 and 5 years, the median recovery time and the distress share are
 * computed here from the firms' weights and the runner's own hit draws.
 */
class RecoveryKnownAnswerTest {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int FIRMS = 2048;
  private static final int YEARS = 10;
  private static final int START = 2000;
  private static final int SHOCK = START + 2;

  private static double weight(int i) {
    return 1 + (i % 3) * 0.5;
  }

  private static int recoveryYears(long id) {
    return 1 + (int) (id % 4);
  }

  /** The stand-in: paths from the formula above, driven by the job's levers. */
  private static YearBackend fake() {
    return new YearBackend() {
      @Override
      public ChunkRunner newRunner() {
        return new ChunkRunner() {
          @Override
          public void run(ChunkJob job, ChunkSink sink) {
            int n = job.firms();
            double[] lever = new double[n * Lever.count()];
            int[] hitYear = new int[n];
            java.util.Arrays.fill(hitYear, -1);
            double[][] states = new double[YEARS][n * V];
            double[][] flows = new double[YEARS][n * F];
            for (int k = 0; k < YEARS; k++) {
              job.levers().fill(START + k, lever);
              for (int i = 0; i < n; i++) {
                long id = job.firmIds()[i];
                double cut = lever[i * Lever.count() + Lever.OIBD_CUT.index()];
                if (cut > 0 && hitYear[i] < 0) {
                  hitYear[i] = k;
                }
                double equity = 1000 + 10 * k;
                double oibd = 100;
                boolean lastDistress = false;
                if (hitYear[i] >= 0) {
                  int j = k - hitYear[i];
                  int t = recoveryYears(id);
                  equity -= 400 * Math.max(0, 1 - (double) j / t);
                  oibd -= 100 * cut;
                  lastDistress = t == 4 && k == YEARS - 1;
                }
                int o = i * V;
                states[k][o + StateVariable.URE.index()] = equity;
                states[k][o + StateVariable.CL.index()] = 500;
                states[k][o + StateVariable.CA.index()] = lastDistress ? 0 : equity + 500;
                states[k][o + StateVariable.SC.index()] = 0;
                flows[k][i * F + FlowVariable.OIBD.index()] = oibd;
              }
            }
            sink.window(
                new WindowResult(0, new double[YEARS], new int[YEARS], 0, 1, new double[0]));
            sink.panel(states, flows);
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public String description() {
        return "fake";
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void recoverySharesMedianAndDistressEqualTheConstruction() {
    long[] ids = new long[FIRMS];
    double[] values = new double[FIRMS * V];
    double[] w = new double[FIRMS];
    for (int i = 0; i < FIRMS; i++) {
      ids[i] = 100 + i;
      w[i] = weight(i);
    }
    Population pop = new Population(ids, values);
    Shock demand =
        new Shock(
            ShockKind.DEMAND,
            null,
            SHOCK,
            1,
            new Selection(0.4, Map.of(), List.of()),
            new Magnitude.Fixed(0.3),
            0);
    ScenarioPlan plan =
        new ScenarioPlan(
            null,
            null,
            new PopulationPlan.Generated(1, 0),
            START,
            YEARS,
            3,
            77,
            new Variant("baseline", new MacroPlan.Zero(), List.of()),
            List.of(new Variant("demand", new MacroPlan.Zero(), List.of(demand))),
            List.<AlignmentTarget>of(),
            RecoverySettings.defaults(),
            new ScenarioPlan.RunSettings(
                Backend.DJL, Precision.FLOAT64, ForwardMode.SAMPLE, 512, 2),
            ScenarioPlan.FirmDifferences.NONE);
    List<List<MacroPath>> macros = List.of(List.of(MacroPath.zeros()), List.of(MacroPath.zeros()));
    ScenarioResult result =
        new ScenarioRunner(plan, PaperModel.load(), pop, w, macros, config -> fake())
            .run(FirmDifferencesSink.none(), null);
    ScenarioAnalysis a = new ScenarioAnalysis(result);

    // The expected answer, from the runner's own hit draws and the construction.
    ScenarioSeeds seeds = new ScenarioSeeds(77);
    double hit = 0;
    double[] byT = new double[5];
    for (int i = 0; i < FIRMS; i++) {
      if (seeds.hitDraw(ids[i], 0) < 0.4) {
        hit += w[i];
        byT[recoveryYears(ids[i])] += w[i];
      }
    }
    assertTrue(hit > 500, "hit weight " + hit);
    int all = a.groups(1).indexOf("all");
    int demandGroup = a.groups(1).indexOf("demand");
    for (int g : new int[] {all, demandGroup}) {
      for (int k : new int[] {0, 1, 2, 3, 5}) {
        double expected = 0;
        for (int t = 1; t <= 4; t++) {
          expected += t <= k ? byT[t] : 0;
        }
        expected /= hit;
        for (Measure m : new Measure[] {Measure.EQUITY, Measure.TOTAL_ASSETS}) {
          double[] x = a.within(1, g, m, k);
          for (double v : x) {
            assertEquals(expected, v, 1e-12, m + " within " + k);
          }
        }
        double oibd = k >= 1 ? 1 : 0;
        assertEquals(oibd, a.within(1, g, Measure.OIBD, k)[0], 1e-12, "OIBD within " + k);
      }
      // Weighted median of T.
      double cum = 0;
      int median = -1;
      for (int t = 1; t <= 4 && median < 0; t++) {
        cum += byT[t];
        if (cum >= 0.5 * hit) {
          median = t;
        }
      }
      assertEquals(median, a.medianYears(1, g, Measure.EQUITY)[0], 0.0);
      assertEquals(1.0, a.medianYears(1, g, Measure.OIBD)[0], 0.0);
      assertEquals(hit, a.hitStatistic(1, g, "hit")[0], 1e-9);
      assertEquals(byT[4] / hit, a.hitStatistic(1, g, "distress")[0], 1e-12);
      assertEquals(0.0, a.hitStatistic(1, g, "baselineDistress")[0], 0.0);
    }
    // Horizons beyond what is observed after the shock (7 years here) are undefined.
    assertTrue(Double.isNaN(a.within(1, all, Measure.EQUITY, 8)[0]));
    // The report's table row carries the same figures; identical replicates: CI collapses.
    ReportData data = a.report("test", Map.of());
    ReportData.RecoveryRow row = data.recoveryTable().get(data.recoveryTable().size() - 1);
    assertEquals("all", row.shock());
    double within3 = (byT[1] + byT[2] + byT[3]) / hit;
    ReportData.Estimate e = row.byMeasure().get("equity").within().get(3);
    assertEquals(within3, e.mean(), 1e-12);
    assertEquals(within3, e.low(), 1e-12);
    assertEquals(within3, e.high(), 1e-12);
  }
}
