package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.scenario.ScenarioPlan;
import java.util.List;

/**
 * The weighted sums of a scenario run, per replicate and variant, as {@link ScenarioRunner} leaves
 * them; {@link ScenarioAnalysis} turns them into bands, paired differences and recovery statistics.
 *
 * @param plan the plan that was run
 * @param firms the number of firms
 * @param totals {@code [replicate][variant][slot]} (layout: {@link SlotLayout})
 * @param ratios the last year's firm ratios of replicate 0: {@code [variant][ratio][firm]} (NaN
 *     where undefined), ratios {@link ScenarioAnalysis#RATIOS}
 * @param weights the firms' weights
 * @param backend the backend's description
 * @param loopSeconds the wall time of the simulations
 * @param firmYears firm-years simulated, all variants and replicates
 */
public record ScenarioResult(
    ScenarioPlan plan,
    int firms,
    double[][][] totals,
    double[][][] ratios,
    double[] weights,
    String backend,
    double loopSeconds,
    long firmYears) {

  List<SlotLayout> layouts() {
    return plan.variants().stream().map(v -> new SlotLayout(v, plan.years())).toList();
  }
}
