package io.firmsim.trainer.orchestrator.graph;

import java.util.Objects;

/**
 * Options of a {@link GraphRunner} run. Immutable; use the {@code with...} methods to derive
 * variants.
 *
 * @param parallelism the number of worker threads, at least 1: tasks of a stage run at most this
 *     many at a time
 * @param force whether to run every task even when it is up to date ({@code --force})
 * @param listener progress callbacks, non-null ({@link RunListener#NONE} for none)
 */
public record RunOptions(int parallelism, boolean force, RunListener listener) {

  public RunOptions {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    Objects.requireNonNull(listener, "listener");
  }

  /** One worker per available processor, incremental, no listener. */
  public static RunOptions defaults() {
    return new RunOptions(Runtime.getRuntime().availableProcessors(), false, RunListener.NONE);
  }

  /** These options with another parallelism. */
  public RunOptions withParallelism(int parallelism) {
    return new RunOptions(parallelism, force, listener);
  }

  /** These options with another force flag. */
  public RunOptions withForce(boolean force) {
    return new RunOptions(parallelism, force, listener);
  }

  /** These options with another listener. */
  public RunOptions withListener(RunListener listener) {
    return new RunOptions(parallelism, force, listener);
  }
}
