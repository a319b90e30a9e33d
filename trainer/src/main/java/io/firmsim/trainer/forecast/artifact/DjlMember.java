package io.firmsim.trainer.forecast.artifact;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.train.BlockForecaster;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import java.util.List;

/**
 * One member computed with DJL: a {@link BlockForecaster} over a block rebuilt from its spec and
 * seed with its saved parameters, owning the {@link Model} that holds them. In float64 the saved
 * float32 values are converted exactly (every float is a double) into a block initialized in
 * float64.
 */
final class DjlMember implements Forecaster {
  private final Model model;
  private final BlockForecaster forecaster;

  private DjlMember(Model model, BlockForecaster forecaster) {
    this.model = model;
    this.forecaster = forecaster;
  }

  /**
   * Rebuilds a member.
   *
   * @param type FLOAT32 or FLOAT64
   * @throws MalformedModelException when the parameters do not fit the spec's network
   */
  static DjlMember load(
      String name, ForecasterSpec spec, int horizon, long seed, byte[] params, DataType type)
      throws MalformedModelException {
    if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
      throw new IllegalArgumentException("a member computes in float32 or float64, not " + type);
    }
    int lookback = spec.lookback(horizon);
    Model loaded = Model.newInstance(name, Device.cpu(), "PyTorch");
    try {
      Block block = spec.build(horizon, seed);
      loaded.setBlock(block);
      block.initialize(loaded.getNDManager(), DataType.FLOAT32, new Shape(1, lookback));
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
        block.loadParameters(loaded.getNDManager(), in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (type == DataType.FLOAT32) {
        return new DjlMember(loaded, new BlockForecaster(block, lookback, horizon, spec.scaling()));
      }
      Model wide = Model.newInstance(name, Device.cpu(), "PyTorch");
      try {
        Block b64 = spec.build(horizon, seed);
        wide.setBlock(b64);
        b64.initialize(wide.getNDManager(), DataType.FLOAT64, new Shape(1, lookback));
        copy(block.getParameters(), b64.getParameters());
        return new DjlMember(wide, new BlockForecaster(b64, lookback, horizon, spec.scaling()));
      } catch (RuntimeException e) {
        wide.close();
        throw e;
      } finally {
        loaded.close();
      }
    } catch (RuntimeException | MalformedModelException e) {
      loaded.close();
      throw e;
    }
  }

  private static void copy(PairList<String, Parameter> from, PairList<String, Parameter> to) {
    List<String> a = from.keys();
    if (!a.equals(to.keys())) {
      throw new IllegalStateException("parameters " + a + " and " + to.keys() + " differ");
    }
    for (int i = 0; i < from.size(); i++) {
      NDArray src = from.valueAt(i).getArray();
      NDArray dst = to.valueAt(i).getArray();
      try (NDArray d = src.toType(DataType.FLOAT64, true)) {
        dst.set(DoubleBuffer.wrap(d.toDoubleArray()));
      }
    }
  }

  @Override
  public int lookback() {
    return forecaster.lookback();
  }

  @Override
  public int horizon() {
    return forecaster.horizon();
  }

  @Override
  public double[][] forecast(List<double[]> histories) {
    return forecaster.forecast(histories);
  }

  @Override
  public void close() {
    model.close();
  }
}
