package io.firmsim.models.forecast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A deterministic parameter initializer: Xavier-uniform weights (bound {@code sqrt(6 / (fanIn +
 * fanOut))}) drawn from a {@link SplittableRandom} seeded by the block seed and the parameter's
 * path in the block tree, and zero biases.
 *
 * <p>Why not the engine's random generator: its state is global to the process (tests running in
 * parallel, other blocks initialized in between change it) and its streams differ between engines.
 * Here the values of one parameter depend only on {@code (seed, path, shape)}, and they are drawn
 * in float64 and then cast, so float32 and float64 blocks start from the same values up to
 * rounding.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class SeededInitializer implements Initializer {
  private final long seed;
  private final boolean zeros;

  private SeededInitializer(long seed, boolean zeros) {
    this.seed = seed;
    this.zeros = zeros;
  }

  /**
   * Gives every parameter of {@code block} (children included) a seeded initializer: weights
   * Xavier-uniform from a stream keyed by {@code seed} and the parameter's path, biases zero.
   * Parameters already holding values keep them (DJL initializes only empty parameters).
   *
   * @param block the block whose parameters to set
   * @param seed the seed
   */
  public static void applyTo(Block block, long seed) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      boolean bias = parameter.getType() == Parameter.Type.BIAS;
      parameter.setInitializer(new SeededInitializer(streamSeed(seed, p.getKey()), bias));
    }
  }

  /** The seed of one parameter's stream: the block seed mixed with the parameter's path. */
  static long streamSeed(long seed, String path) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64 over the path, then mixed with the seed
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return new SplittableRandom(seed ^ h).nextLong();
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    int n = Math.toIntExact(shape.size());
    double[] values = new double[n];
    if (!zeros) {
      long fanOut = shape.dimension() > 0 ? shape.get(0) : 1;
      long fanIn = shape.dimension() > 1 ? shape.size() / fanOut : 1;
      double bound = Math.sqrt(6.0 / (fanIn + fanOut));
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < n; i++) {
        values[i] = (2 * random.nextDouble() - 1) * bound;
      }
    }
    NDArray array = manager.create(values, shape);
    if (dataType == DataType.FLOAT64) {
      return array;
    }
    NDArray cast = array.toType(dataType, false);
    array.close();
    return cast;
  }
}
