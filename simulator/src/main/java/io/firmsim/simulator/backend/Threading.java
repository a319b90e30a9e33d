package io.firmsim.simulator.backend;

/**
 * How a run uses the CPU cores: workers (chunks simulated at once, each on its own thread) times
 * intra-op threads per worker. The defaults are what measured fastest on the 2-core machine and
 * held up best when other processes shared it (docs/BENCHMARKS.md); results do not depend on either
 * number.
 *
 * <p>Class is immutable.
 */
public final class Threading {
  private final int workers;
  private final int threads;

  private Threading(int workers, int threads) {
    this.workers = workers;
    this.threads = threads;
  }

  /**
   * The settings on the resolved device, with the ones given (null: the default), on a machine with
   * {@link Runtime#availableProcessors()} cores. Both backends get the same defaults (the backend
   * is named so that they may differ).
   */
  public static Threading choose(Backend backend, Integer workers, Integer threads, boolean gpu) {
    return choose(workers, threads, gpu, Runtime.getRuntime().availableProcessors());
  }

  static Threading choose(Integer workers, Integer threads, boolean gpu, int cores) {
    int c = Math.max(1, cores);
    int w;
    if (workers != null) {
      w = workers;
    } else if (threads != null) {
      w = Math.max(1, c / threads);
    } else {
      // On CPU one chunk per core, each worked by one thread: small chunks stay near their core,
      // no thread waits on another within an operation, and nothing spins while other processes
      // want the cores (docs/BENCHMARKS.md). On a GPU one worker feeds the device.
      w = gpu ? 1 : c;
    }
    int t = threads != null ? threads : Math.max(1, c / w);
    return new Threading(w, t);
  }

  public int workers() {
    return workers;
  }

  /** Intra-op threads per worker. */
  public int threads() {
    return threads;
  }

  @Override
  public String toString() {
    return workers + " worker(s) x " + threads + " thread(s)";
  }
}
