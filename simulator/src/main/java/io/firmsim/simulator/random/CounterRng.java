package io.firmsim.simulator.random;

/**
 * Counter-based random numbers: every draw is a pure function of {@code (seed, firm id, year,
 * stream)}, with no sequential state. A firm's draws are therefore the same whatever chunk it is
 * simulated in, how many threads run, on which device, or on which machine of a partitioned run.
 *
 * <p>The function hashes its key with the SplitMix64 finalizer (Steele, Lea and Flood, 2014; the
 * mixer behind {@link java.util.SplittableRandom}), a bijection on 64-bit words with full
 * avalanche: {@code base = mix(mix(mix(seed) + firm * K1) + year * K2)}, {@code draw = mix(base +
 * (stream + 1) * K3)}. Uniforms use the top 53 (float64) or 24 (float32) bits, so they lie in [0,
 * 1) and a float32 draw is the float64 draw rounded down to 24 bits.
 *
 * <p>Streams: 1..24 are the equations T1..T24 of a simulation year; population generation uses its
 * own streams in {@link #POPULATION_YEAR}. Class is immutable and thread-safe.
 */
public final class CounterRng {
  /** The pseudo-year under which start-up populations draw their characteristics. */
  public static final long POPULATION_YEAR = Long.MIN_VALUE;

  private static final long K1 = 0x9E3779B97F4A7C15L;
  private static final long K2 = 0xC2B2AE3D27D4EB4FL;
  private static final long K3 = 0x165667B19E3779F9L;
  private static final double TO_DOUBLE = 0x1.0p-53;
  private static final float TO_FLOAT = 0x1.0p-24f;

  private final long seed;

  public CounterRng(long seed) {
    this.seed = mix(seed);
  }

  /** SplitMix64 finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The key of one firm-year, from which its streams are drawn. */
  public long base(long firm, long year) {
    return mix(mix(seed + firm * K1) + year * K2);
  }

  /** 64 random bits of stream {@code stream} of a firm-year {@code base}. */
  public static long bits(long base, int stream) {
    return mix(base + (stream + 1L) * K3);
  }

  /** A uniform double in [0, 1). */
  public static double uniform(long base, int stream) {
    return (bits(base, stream) >>> 11) * TO_DOUBLE;
  }

  /** A uniform float in [0, 1): the float64 draw rounded down to 24 bits. */
  public static float uniformFloat(long base, int stream) {
    return (bits(base, stream) >>> 40) * TO_FLOAT;
  }

  /** A uniform double in [0, 1) for (firm, year, stream). */
  public double uniform(long firm, long year, int stream) {
    return uniform(base(firm, year), stream);
  }

  /**
   * Fills {@code out[i * used.length + k]} with the draw of stream {@code k + 1} (equation T(k+1))
   * of firm {@code firmIds[from + i]} in {@code year}, for i in [0, count), where {@code used[k]};
   * other entries are left as they are (deterministic equations read no draw).
   */
  public void fill(long[] firmIds, int from, int count, long year, boolean[] used, double[] out) {
    int streams = used.length;
    // Blocks of firms in parallel: every draw is a pure function of its key, so the split
    // cannot change a value.
    blocks(count)
        .forEach(
            block -> {
              int end = Math.min(count, block + BLOCK);
              for (int i = block; i < end; i++) {
                long b = base(firmIds[from + i], year);
                int o = i * streams;
                for (int k = 0; k < streams; k++) {
                  if (used[k]) {
                    out[o + k] = uniform(b, k + 1);
                  }
                }
              }
            });
  }

  /** As {@link #fill(long[], int, int, long, boolean[], double[])} in float32. */
  public void fill(long[] firmIds, int from, int count, long year, boolean[] used, float[] out) {
    int streams = used.length;
    // Blocks of firms in parallel: every draw is a pure function of its key, so the split
    // cannot change a value.
    blocks(count)
        .forEach(
            block -> {
              int end = Math.min(count, block + BLOCK);
              for (int i = block; i < end; i++) {
                long b = base(firmIds[from + i], year);
                int o = i * streams;
                for (int k = 0; k < streams; k++) {
                  if (used[k]) {
                    out[o + k] = uniformFloat(b, k + 1);
                  }
                }
              }
            });
  }

  private static final int BLOCK = 8192;

  /** Start indices of the blocks of firms, as a parallel stream. */
  private static java.util.stream.IntStream blocks(int count) {
    return java.util.stream.IntStream.range(0, (count + BLOCK - 1) / BLOCK)
        .map(b -> b * BLOCK)
        .parallel();
  }
}
