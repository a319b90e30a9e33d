package io.firmsim.trainer.forecast.artifact;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import io.firmsim.trainer.forecast.model.ForecasterKind;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.train.BlockForecaster;
import io.firmsim.trainer.forecast.train.ForecastTrainer;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.forecast.train.TrainingResult;
import io.firmsim.trainer.forecast.train.TrainingSettings;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Three tiny members (N-BEATS generic, N-BEATS interpretable, LSTM) trained for a few steps on
 * generated seasonal series; the trained models stay open for an in-memory ensemble.
 */
public final class TinyEnsemble implements AutoCloseable {
  public static final int H = 4;
  public static final int PERIOD = 4;

  public final List<NamedSeries> series = sines(8, 3);
  final List<Model> models = new ArrayList<>();
  public final List<TrainedMember> members = new ArrayList<>();
  public final List<BlockForecaster> forecasters = new ArrayList<>();

  public TinyEnsemble() {
    List<ForecasterSpec> specs =
        List.of(
            ForecasterSpec.builder(ForecasterKind.NBEATS_GENERIC)
                .optStacks(2)
                .optWidth(8)
                .optLayers(2)
                .optScaling(WindowScaling.MAX)
                .build(),
            ForecasterSpec.builder(ForecasterKind.NBEATS_INTERPRETABLE)
                .optBlocksPerStack(1)
                .optTrendWidth(8)
                .optSeasonalityWidth(8)
                .optLayers(2)
                .optDegree(2)
                .optLookbackMultiple(3)
                .optScaling(WindowScaling.LAST)
                .build(),
            ForecasterSpec.builder(ForecasterKind.LSTM)
                .optHiddenSize(6)
                .optScaling(WindowScaling.MAX)
                .build());
    LossKind[] losses = {LossKind.SMAPE, LossKind.MASE, LossKind.MAE};
    for (int i = 0; i < specs.size(); i++) {
      ForecasterSpec spec = specs.get(i);
      long seed = 11 + i;
      Model model = Model.newInstance("m" + i, Device.cpu(), "PyTorch");
      models.add(model);
      Block block = spec.build(H, seed);
      model.setBlock(block);
      TrainingSettings s =
          TrainingSettings.builder()
              .setHorizon(H)
              .optLookbackMultiple(spec.lookbackMultiple())
              .optScaling(spec.scaling())
              .optLoss(losses[i])
              .optSeasonalPeriod(PERIOD)
              .optSteps(6)
              .optBatchSize(8)
              .optValidationEvery(3)
              .optLearningRate(1e-2)
              .optSeed(seed)
              .build();
      TrainingResult r = new ForecastTrainer(s).train(model, series);
      members.add(new TrainedMember(spec, seed, losses[i], r.bestValidationLoss(), save(block)));
      forecasters.add(new BlockForecaster(block, spec.lookback(H), H, spec.scaling()));
    }
  }

  static byte[] save(Block block) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Seasonal series with a level and a trend, lengths 20 to 29. */
  public static List<NamedSeries> sines(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<NamedSeries> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = 20 + r.nextInt(10);
      double level = r.nextDouble(20, 40);
      double slope = r.nextDouble(-0.2, 0.4);
      double amp = r.nextDouble(1, 4);
      double[] v = new double[n];
      for (int t = 0; t < n; t++) {
        v[t] = level + slope * t + amp * Math.sin(2 * Math.PI * t / PERIOD + i) + r.nextDouble();
      }
      out.add(new NamedSeries("S" + i, v));
    }
    return out;
  }

  public List<double[]> histories() {
    return series.stream().map(NamedSeries::values).toList();
  }

  @Override
  public void close() {
    models.forEach(Model::close);
  }
}
