package io.firmsim.serving.batching;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DynamicBatcher} merges requests for one model: at most {@code maxBatchRows} rows per
 * merged run (a single request with more rows still runs, alone and unsplit), at most {@code
 * maxQueueDelay} of waiting for more requests after the oldest waiting one was submitted, and at
 * most {@code maxQueuedRequests} requests waiting before new ones are refused as overloaded.
 *
 * <p>A delay of zero merges only what is already waiting when the worker is free: no request is
 * held back to wait for company. Class is immutable.
 *
 * @param maxBatchRows the most rows (first dimension, summed over requests) of a merged run; > 0
 * @param maxQueueDelay the longest the oldest waiting request is held back for more to join; >= 0
 * @param maxQueuedRequests the most requests waiting (not counting a running batch); > 0
 */
public record BatchPolicy(int maxBatchRows, Duration maxQueueDelay, int maxQueuedRequests) {
  /**
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public BatchPolicy {
    if (maxBatchRows <= 0) {
      throw new IllegalArgumentException("maxBatchRows must be positive, found " + maxBatchRows);
    }
    Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException(
          "maxQueueDelay must not be negative, found " + maxQueueDelay);
    }
    if (maxQueuedRequests <= 0) {
      throw new IllegalArgumentException(
          "maxQueuedRequests must be positive, found " + maxQueuedRequests);
    }
  }
}
