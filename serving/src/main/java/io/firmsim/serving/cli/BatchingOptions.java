package io.firmsim.serving.cli;

/**
 * The dynamic batching settings of {@code firmsim serve}, parsed by {@link ServeCommand} and kept
 * for the batcher that a {@link io.firmsim.serving.repository.RunnerWrapper} puts in front of each
 * session.
 *
 * @param enabled whether requests are merged ({@code --batching}, the default, or {@code
 *     --no-batching})
 * @param maxBatchRows the most rows of one merged run ({@code --max-batch})
 * @param maxQueueDelayMicros how long the first request of a batch waits for others ({@code
 *     --max-queue-delay-us})
 * @param maxQueue the most requests waiting per model before 503 ({@code --max-queue})
 */
public record BatchingOptions(
    boolean enabled, int maxBatchRows, long maxQueueDelayMicros, int maxQueue) {
  /**
   * The defaults: on, 1024 rows, no waiting for more requests (a run merges what queued while the
   * previous one ran: the fastest at concurrency 1 and 64 on the 2-core machine,
   * docs/BENCHMARKS.md), 1024 requests.
   */
  public static final BatchingOptions DEFAULT = new BatchingOptions(true, 1024, 0, 1024);

  /** Checks the bounds. */
  public BatchingOptions {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be at least 1, found " + maxBatchRows);
    }
    if (maxQueueDelayMicros < 0) {
      throw new IllegalArgumentException(
          "maxQueueDelayMicros must be at least 0, found " + maxQueueDelayMicros);
    }
    if (maxQueue < 1) {
      throw new IllegalArgumentException("maxQueue must be at least 1, found " + maxQueue);
    }
  }
}
