package io.firmsim.simulator.scenario.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.backend.ChunkJob;
import io.firmsim.simulator.backend.ChunkRunner;
import io.firmsim.simulator.backend.ChunkSink;
import io.firmsim.simulator.backend.WindowResult;
import io.firmsim.simulator.backend.YearBackend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.scenario.AlignmentTarget;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.RecoverySettings;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Alignment through the scenario runner: with a target for T8's borrowing probability in the first
 * year, the share of borrowing firms (DLL != 0 in the panel the backend hands the runner, every
 * start-up firm having long-term debt) is within four binomial standard errors of the target in the
 * baseline and in a shocked scenario; aligned totals do not depend on the chunk size; the ONNX
 * backend gives the DJL backend's totals; a submodel that cannot be aligned is refused by name.
 */
class ScenarioAlignmentTest {
  private static final int START = ScenarioRunnerTest.START;
  private static final int F = FlowVariable.count();
  private static final int S = StateVariable.count();

  private static ScenarioPlan plan(
      int years, List<AlignmentTarget> alignment, Backend backend, Integer chunkSize) {
    return new ScenarioPlan(
        null,
        null,
        new PopulationPlan.Generated(1, 0),
        START,
        years,
        1,
        17,
        new Variant("baseline", new MacroPlan.Zero(), List.of()),
        List.of(
            new Variant(
                "demand",
                new MacroPlan.Zero(),
                List.of(ScenarioRunnerTest.shock(ShockKind.DEMAND, null, START, 1, 0.3)))),
        alignment,
        RecoverySettings.defaults(),
        new ScenarioPlan.RunSettings(backend, Precision.FLOAT64, ForwardMode.SAMPLE, chunkSize, 1),
        ScenarioPlan.FirmDifferences.NONE);
  }

  private static List<AlignmentTarget> t8(double rate) {
    return List.of(new AlignmentTarget(8, "prob", new TreeMap<>(java.util.Map.of(START, rate))));
  }

  /** Runs the plan on the real backend, keeping every panel's flows in run order. */
  private static ScenarioResult run(ScenarioPlan plan, Population pop, List<double[][]> flows) {
    double[] w = new double[pop.size()];
    Arrays.fill(w, 1);
    List<List<MacroPath>> macros = new ArrayList<>();
    for (int v = 0; v < plan.variants().size(); v++) {
      macros.add(List.of(MacroPath.zeros()));
    }
    Function<SimulationConfig, YearBackend> backends =
        config -> recording(YearBackend.open(config, config.years()), flows);
    return new ScenarioRunner(plan, ScenarioRunnerTest.MODEL, pop, w, macros, backends)
        .run((v, ids, wt, hit, years, d) -> {}, null);
  }

  private static YearBackend recording(YearBackend real, List<double[][]> flows) {
    return new YearBackend() {
      @Override
      public ChunkRunner newRunner() {
        ChunkRunner runner = real.newRunner();
        return new ChunkRunner() {
          @Override
          public void run(ChunkJob job, ChunkSink sink) {
            runner.run(
                job,
                new ChunkSink() {
                  @Override
                  public void window(WindowResult window) {
                    sink.window(window);
                  }

                  @Override
                  public void panel(double[][] states, double[][] f) {
                    flows.add(f);
                    sink.panel(states, f);
                  }

                  @Override
                  public void yearDone(int firms) {
                    sink.yearDone(firms);
                  }
                });
          }

          @Override
          public void close() {
            runner.close();
          }
        };
      }

      @Override
      public String description() {
        return real.description();
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  @Test
  void borrowerShareHitsTheTargetInTheBaselineAndTheScenario() {
    int n = 8 * 512;
    double target = 0.3;
    Population pop = ScenarioRunnerTest.startups(n, 5);
    for (int i = 0; i < n; i++) {
      assertTrue(pop.values()[i * S + StateVariable.LL.index()] > 0, "firm " + i + " has no LL");
    }
    List<double[][]> flows = Collections.synchronizedList(new ArrayList<>());
    run(plan(1, t8(target), Backend.DJL, n), pop, flows);
    assertEquals(2, flows.size(), "one panel per variant");
    double se = Math.sqrt(target * (1 - target) / n);
    for (double[][] f : flows) {
      int events = 0;
      for (int i = 0; i < n; i++) {
        events += f[0][i * F + FlowVariable.DLL.index()] != 0 ? 1 : 0;
      }
      double share = (double) events / n;
      assertTrue(Math.abs(share - target) <= 4 * se, "share " + share + ", se " + se);
    }
    // Not void: without alignment the first year's share is far from the target.
    List<double[][]> plain = Collections.synchronizedList(new ArrayList<>());
    run(plan(1, List.of(), Backend.DJL, n), pop, plain);
    int events = 0;
    for (int i = 0; i < n; i++) {
      events += plain.get(0)[0][i * F + FlowVariable.DLL.index()] != 0 ? 1 : 0;
    }
    assertTrue(Math.abs((double) events / n - target) > 8 * se, "unaligned " + events);
  }

  @Test
  void alignedTotalsDoNotDependOnTheChunkSizeAndOnnxGivesDjlsTotals() {
    Population pop = ScenarioRunnerTest.startups(1536, 7);
    List<AlignmentTarget> two =
        List.of(
            new AlignmentTarget(8, "prob", new TreeMap<>(java.util.Map.of(START, 0.2))),
            new AlignmentTarget(
                6, "prob_pos", new TreeMap<>(java.util.Map.of(START, 0.4, START + 1, 0.5))));
    List<double[][]> ignore = Collections.synchronizedList(new ArrayList<>());
    ScenarioResult small = run(plan(2, two, Backend.DJL, 512), pop, ignore);
    ScenarioResult large = run(plan(2, two, Backend.DJL, 1536), pop, ignore);
    ScenarioResult onnx = run(plan(2, two, Backend.ONNX, 1536), pop, ignore);
    for (int v = 0; v < 2; v++) {
      assertArrayEquals(small.totals()[0][v], large.totals()[0][v], "variant " + v);
      double[] a = large.totals()[0][v];
      double[] b = onnx.totals()[0][v];
      for (int j = 0; j < a.length; j++) {
        assertEquals(a[j], b[j], 1e-9 * Math.max(1, Math.abs(a[j])), "variant " + v + " slot " + j);
      }
    }
  }

  @Test
  void refusesAnOrdinalSubmodelByName() {
    Population pop = ScenarioRunnerTest.startups(512, 1);
    List<AlignmentTarget> muno =
        List.of(new AlignmentTarget(2, "prob", new TreeMap<>(java.util.Map.of(START, 0.2))));
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> run(plan(1, muno, Backend.DJL, null), pop, new ArrayList<>()));
    assertTrue(e.getMessage().contains("T2 (MUNO)"), e.getMessage());
  }
}
