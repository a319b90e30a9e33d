package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.calibration.CalibratedPopulation;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.simulator.macro.MacroPathSet;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationCsvReader;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a scenario plan's run starts from, resolved before it: the start population with its
 * weights, and each variant's macro paths.
 *
 * <p>Generated start-ups run their burn-in once, with the run's seed and the baseline's settings
 * (zero macro), before the scenario run: every replicate and variant then starts from the same
 * population, whose size deciles are known up front. A file population starts as read (with its
 * {@code weight} column when it has one); a calibrated population is generated and raked to the
 * paper's Table 25 (docs/CALIBRATION.md).
 *
 * @param population the firms at the end of the year before the plan's start year
 * @param weights one per firm
 * @param description how the population was made, for the run record
 * @param macros per variant, its macro paths (one, or the paths of a folder)
 */
public record ScenarioInputs(
    Population population, double[] weights, String description, List<List<MacroPath>> macros) {

  /** Resolves the plan's population and macro paths; bad files are refused (exit 2). */
  public static ScenarioInputs prepare(ScenarioPlan plan, ModelSpec model) {
    Population population;
    double[] weights;
    String description;
    PopulationPlan p = plan.population();
    if (p instanceof PopulationPlan.Generated g) {
      population =
          new StartupPopulation(plan.seed(), g.firms(), model.constants()).slice(0, g.firms());
      if (g.burnIn() > 0) {
        population = burnIn(plan, model, population, g.burnIn());
      }
      weights = ones(g.firms());
      description = g.firms() + " generated start-up firms after " + g.burnIn() + " burn-in years";
    } else if (p instanceof PopulationPlan.File f) {
      population = PopulationCsvReader.read(f.path());
      weights = population.weights();
      description = population.size() + " firms from " + f.path();
    } else {
      PopulationPlan.Calibrated c = (PopulationPlan.Calibrated) p;
      CalibratedPopulation calibrated =
          CalibratedPopulation.generate(plan.seed(), c.firms(), model.constants());
      population = calibrated.population();
      weights = population.weights();
      description = c.firms() + " firms calibrated to the paper's Table 25 (1999) by raking";
    }
    List<List<MacroPath>> macros = new ArrayList<>();
    for (Variant v : plan.variants()) {
      macros.add(paths(v.macro(), plan));
    }
    return new ScenarioInputs(population, weights, description, macros);
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1);
    return w;
  }

  static List<MacroPath> paths(MacroPlan m, ScenarioPlan plan) {
    int first = plan.startYear();
    int years = plan.years();
    if (m instanceof MacroPlan.Zero) {
      return List.of(MacroPath.zeros());
    }
    if (m instanceof MacroPlan.Constant c) {
      double[] dgnp = new double[years];
      double[] realr = new double[years];
      Arrays.fill(dgnp, c.dgnp());
      Arrays.fill(realr, c.realr());
      return List.of(new MacroPath(first, dgnp, realr));
    }
    if (m instanceof MacroPlan.File f) {
      return List.of(MacroPathReader.read(f.path(), first, years));
    }
    MacroPlan.Paths ps = (MacroPlan.Paths) m;
    return MacroPathSet.read(ps.folder(), first, years).entries().stream()
        .map(MacroPathSet.Entry::path)
        .toList();
  }

  /** The start-ups' state at the end of their burn-in (the year before the start year). */
  private static Population burnIn(
      ScenarioPlan plan, ModelSpec model, Population startups, int years) {
    SimulationConfig.Builder b =
        SimulationConfig.builder()
            .setModel(model)
            .setYears(years)
            .optStartYear(plan.startYear() - years)
            .optSeed(plan.seed())
            .optMode(plan.run().mode())
            .optPrecision(plan.run().precision())
            .optBackend(plan.run().backend())
            .optWorkers(plan.run().workers());
    if (plan.run().chunkSize() != null) {
      b.optChunkSize(plan.run().chunkSize());
    }
    int n = startups.size();
    int v = StateVariable.count();
    int last = plan.startYear() - 1;
    long[] ids = new long[n];
    double[] values = new double[n * v];
    int[] filled = {0};
    PanelWriter keepLast =
        new PanelWriter() {
          @Override
          public void write(long[] firmIds, int[] yrs, double[] state, double[] flows, int rows) {
            for (int r = 0; r < rows; r++) {
              if (yrs[r] == last) {
                int i = filled[0]++;
                ids[i] = firmIds[r];
                System.arraycopy(state, r * v, values, i * v, v);
              }
            }
          }

          @Override
          public void close() {}
        };
    new Simulator(b.build()).run(PopulationSource.of(startups), keepLast, null);
    if (filled[0] != n) {
      throw new IllegalStateException("burn-in returned " + filled[0] + " of " + n + " firms");
    }
    return new Population(ids, values);
  }
}
