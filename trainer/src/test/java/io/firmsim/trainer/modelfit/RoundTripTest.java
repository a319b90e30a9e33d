package io.firmsim.trainer.modelfit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.trainer.cli.Main;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: simulate a panel with the paper model carrying stated level noise (sample mode),
 * refit every submodel on it with {@code fit-model}, simulate again from the same initial
 * population with the refitted model, and compare the aggregate stocks after 10 years: total assets
 * and total fixed assets (MA + BU + OFA) within 5% of the original model's (docs/ROUND_TRIP.md has
 * every stock).
 */
class RoundTripTest {
  private static final int FIRMS = 20_000;

  private static SimulationResult simulate(ModelSpec spec) {
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(10)
            .optBurnIn(5)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optSeed(5)
            .build();
    return new Simulator(config).run(new StartupPopulation(5, FIRMS, spec.constants()), null, null);
  }

  @Test
  void refittedModelReproducesAssetsWithinFivePercentAfterTenYears(@TempDir Path tmp)
      throws Exception {
    ModelSpec original =
        ModelSpecReader.parse(StatedLevelNoise.paperWithNoise(0.1, 2.0), "stated noise");
    Panel panel = StatedLevelNoise.simulatePanel(original, FIRMS, 11, 5, 5);
    Path csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    Path base = tmp.resolve("original.json");
    Files.write(base, ModelSpecWriter.bytes(original));
    Path out = tmp.resolve("refit.json");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "fit-model",
            "--panel",
            csv.toString(),
            "--model",
            base.toString(),
            "--no-gates",
            "--device",
            "cpu",
            "--out",
            out.toString());
    assertTrue(code == 0 || code == 3, "exit " + code + ": " + err);
    ModelSpec refit = ModelSpecReader.read(out);

    SimulationResult a = simulate(original);
    SimulationResult b = simulate(refit);
    int last = a.years() - 1;
    double taA = 0;
    double taB = 0;
    double faA = 0;
    double faB = 0;
    for (StateVariable v :
        new StateVariable[] {StateVariable.MA, StateVariable.BU, StateVariable.OFA}) {
      faA += a.stateSum(last, v);
      faB += b.stateSum(last, v);
    }
    taA = faA + a.stateSum(last, StateVariable.CA);
    taB = faB + b.stateSum(last, StateVariable.CA);
    double taGap = Math.abs(taB - taA) / taA;
    double faGap = Math.abs(faB - faA) / faA;
    System.out.printf(
        "round trip after 10 years: total assets %+.2f%%, fixed assets %+.2f%%%n",
        100 * (taB - taA) / taA, 100 * (faB - faA) / faA);
    assertTrue(taGap <= 0.05, "total assets differ by " + taGap);
    assertTrue(faGap <= 0.05, "total fixed assets differ by " + faGap);
  }
}
