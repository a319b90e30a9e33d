package io.firmsim.trainer.forecast.scenario;

import ai.djl.Device;
import ai.djl.Model;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.trainer.cli.Main;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.train.BlockForecaster;
import io.firmsim.trainer.forecast.train.ForecastTrainer;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.forecast.train.TrainingResult;
import io.firmsim.trainer.forecast.train.TrainingSettings;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Step (c) of {@code examples/macro/README.md} until forecaster artifacts can be loaded by {@code
 * scenario macro --model}: trains a small N-BEATS (generic, horizon 5, lookback 10, MAE, seed 1) in
 * process on the two annual series of the history and runs {@code scenario macro} with a loader
 * that returns it. Not a test; run by hand:
 *
 * <pre>
 * java -cp trainer/target/test-classes:trainer/target/classes:'trainer/target/lib/*' \
 *   io.firmsim.trainer.forecast.scenario.MacroScenarioDemo HISTORY.csv [scenario macro options]
 * </pre>
 *
 * <p>TODO(issue 10): delete once {@code ./firmsim train examples/macro/forecaster.yaml} writes an
 * artifact that {@code scenario macro --model} loads.
 */
public final class MacroScenarioDemo {
  private MacroScenarioDemo() {}

  public static void main(String[] args) {
    AnnualMacroHistory h = AnnualMacroHistory.read(Path.of(args[0]));
    int horizon = 5;
    NBeatsBlock block =
        NBeatsBlock.builder()
            .setLookback(2 * horizon)
            .setHorizon(horizon)
            .optStacks(
                StackConfig.builder(StackKind.GENERIC).optWidth(64).optBlocks(2).build(),
                StackConfig.builder(StackKind.GENERIC).optWidth(64).optBlocks(2).build())
            .optSeed(1)
            .build();
    int code;
    try (Model model = Model.newInstance("demo", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      TrainingSettings s =
          TrainingSettings.builder()
              .setHorizon(horizon)
              .optLookbackMultiple(2)
              .optBatchSize(32)
              .optSteps(600)
              .optLearningRate(1e-3)
              .optLoss(LossKind.MAE)
              .optScaling(WindowScaling.MAX)
              .optValidationEvery(50)
              .optSeed(1)
              .build();
      long t0 = System.nanoTime();
      TrainingResult r =
          new ForecastTrainer(s)
              .train(
                  model,
                  List.of(
                      new NamedSeries("gdp_growth_pct", h.growthPct()),
                      new NamedSeries("realr_pct", h.realrPct())));
      System.out.printf(
          Locale.ROOT,
          "trained %d steps in %.1f s, best validation MAE %.4f at step %d%n",
          r.stepsRun(),
          (System.nanoTime() - t0) / 1e9,
          r.bestValidationLoss(),
          r.bestStep());
      BlockForecaster f = new BlockForecaster(block, 2 * horizon, horizon, WindowScaling.MAX);
      List<String> a = new ArrayList<>(List.of("scenario", "macro", "--model", "demo-in-process"));
      a.add("--history");
      a.add(args[0]);
      a.addAll(Arrays.asList(args).subList(1, args.length));
      code =
          io.firmsim.simulator.cli.Main.run(
              Main.commandLine((name, dir) -> f),
              new PrintWriter(System.out, true),
              new PrintWriter(System.err, true),
              a.toArray(String[]::new));
    }
    System.exit(code);
  }
}
