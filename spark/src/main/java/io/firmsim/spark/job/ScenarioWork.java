package io.firmsim.spark.job;

import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.ScenarioRunner;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.util.List;

/**
 * A scenario run as its tasks receive it (one broadcast per job): the plan (one worker per task),
 * the model as JSON, the start population with its weights, and every variant's macro paths, all
 * resolved on the driver, so that executors read no file.
 */
record ScenarioWork(
    ScenarioPlan plan,
    byte[] modelJson,
    Population population,
    double[] weights,
    List<List<MacroPath>> macros)
    implements Serializable {

  /** The runner an executor runs its ranges with. */
  ScenarioRunner runner() {
    return new ScenarioRunner(
        plan,
        ModelSpecReader.read(new ByteArrayInputStream(modelJson), "the job's model"),
        population,
        weights,
        macros);
  }
}
