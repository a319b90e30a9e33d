package io.firmsim.serving.batching;

/**
 * Hooks through which a {@link DynamicBatcher} reports what it does, for metrics (queue-time and
 * batch-size histograms, run-time summaries). Called on the batcher's worker thread, outside its
 * locks; implementations must be thread-safe (several batchers may share one) and cheap, since the
 * next batch waits for them. An exception a hook throws is logged and otherwise ignored.
 */
public interface BatchListener {
  /**
   * One request started running.
   *
   * @param model the batcher's model name
   * @param queueNanos nanoseconds from the request's submission to its batch's start; a request
   *     that is answered without running (timed out in the queue, refused, closed) is not reported
   */
  void queued(String model, long queueNanos);

  /**
   * One merged run finished, successfully or not.
   *
   * @param model the batcher's model name
   * @param requests the requests merged into the run (at least 1)
   * @param rows the rows of the merged batched inputs (the sum of the requests' rows)
   * @param computeNanos nanoseconds the run took, merging inputs and splitting outputs included
   */
  void batch(String model, int requests, long rows, long computeNanos);

  /** A listener that does nothing. */
  BatchListener NONE =
      new BatchListener() {
        @Override
        public void queued(String model, long queueNanos) {}

        @Override
        public void batch(String model, int requests, long rows, long computeNanos) {}

        @Override
        public String toString() {
          return "BatchListener.NONE";
        }
      };
}
