package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/**
 * {@code marketw} of generated firms does not depend on how many firms are simulated (MODEL.md
 * sections 1 and 5), so a generated population is a sample: the per-firm means of two independent
 * populations of 500 and 5,000 firms agree within sampling error.
 *
 * <p>Mean mode makes each firm's path a deterministic function of its start (uniform current assets
 * and Bernoulli characteristics), so the firms of one population are independent and identically
 * distributed, and the difference of the two means has standard deviation {@code sqrt(sd500^2 / 500
 * + sd5000^2 / 5000)}, with {@code sd} each population's per-firm standard deviation (from its
 * panel). The test allows four of them. With {@code marketw} a share of the simulated population,
 * current assets after 3 years differ by many such deviations.
 */
class MarketWeightTest {
  private static final int YEARS = 3;

  /** A mean-mode run: the per-firm panel and the aggregates. */
  private record Run(PanelCollector panel, SimulationResult result, int firms) {
    /** Per-firm mean of a column in the last year, from the aggregates. */
    double mean(int column, boolean flow) {
      double sum =
          flow
              ? result.flowSum(YEARS - 1, FlowVariable.all().get(column))
              : result.stateSum(YEARS - 1, StateVariable.all().get(column));
      return sum / firms;
    }

    /** Per-firm sample variance of a column in the last year, from the panel. */
    double variance(int column, boolean flow) {
      double sum = 0;
      double sumSq = 0;
      int n = 0;
      for (int r = 0; r < panel.size(); r++) {
        if (panel.years.get(r) != YEARS) {
          continue;
        }
        double x = (flow ? panel.flows : panel.states).get(r)[column];
        sum += x;
        sumSq += x * x;
        n++;
      }
      assertEquals(firms, n);
      double m = sum / n;
      return (sumSq - n * m * m) / (n - 1);
    }
  }

  private static Run run(int firms, long seed) {
    ModelSpec spec = PaperModel.load();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(YEARS)
            .optMode(ForwardMode.MEAN)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optSeed(seed)
            .build();
    PanelCollector panel = new PanelCollector();
    SimulationResult result =
        new Simulator(config)
            .run(new StartupPopulation(seed, firms, spec.constants()), panel, null);
    return new Run(panel, result, firms);
  }

  @Test
  void meanModeAggregatesPerFirmAgreeFor500And5000Firms() {
    Run small = run(500, 21);
    Run large = run(5000, 22);
    StateVariable[] states = {
      StateVariable.CA, StateVariable.MA, StateVariable.BU, StateVariable.URE, StateVariable.LL
    };
    FlowVariable[] flows = {FlowVariable.OIBD, FlowVariable.NBI};
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    for (int k = 0; k < states.length + flows.length; k++) {
      boolean flow = k >= states.length;
      int column = flow ? flows[k - states.length].index() : states[k].index();
      String name = flow ? flows[k - states.length].name() : states[k].name();
      double diff = small.mean(column, flow) - large.mean(column, flow);
      double se =
          Math.sqrt(small.variance(column, flow) / 500 + large.variance(column, flow) / 5000);
      report.append(
          String.format(
              "%s: per firm %.4g (500) vs %.4g (5000), difference %.2f standard errors%n",
              name, small.mean(column, flow), large.mean(column, flow), diff / se));
      assertTrue(se > 0, name + " does not vary across firms: no evidence either way");
      ok &= Math.abs(diff) <= 4 * se;
    }
    System.out.print(report);
    assertTrue(ok, report.toString());
  }

  @Test
  void marketWeightAveragesOneOverMarketFirmsWhateverThePopulationSize() {
    ModelSpec spec = PaperModel.load();
    for (int firms : new int[] {1, 50, 3000}) {
      for (int market : new int[] {1, 4000}) {
        Population p = new StartupPopulation(9, firms, spec.constants(), market).slice(0, firms);
        double sum = 0;
        for (int i = 0; i < firms; i++) {
          sum += p.value(i, StateVariable.marketw);
        }
        assertEquals(1.0 / market, sum / firms, 1e-12 / market, firms + " firms, " + market);
      }
    }
    assertEquals(
        1.0 / StartupPopulation.DEFAULT_MARKET_FIRMS,
        new StartupPopulation(9, 1, spec.constants()).slice(0, 1).value(0, StateVariable.marketw),
        1e-15);
    BadInputException e =
        assertThrows(
            BadInputException.class, () -> new StartupPopulation(9, 10, spec.constants(), 0));
    assertTrue(e.getMessage().contains("--market-firms"), e.getMessage());
  }
}
