package io.firmsim.trainer.orchestrator.graph;

import java.util.List;

/**
 * Progress callbacks of a {@link GraphRunner} run, for progress bars and one-line summaries. All
 * methods have empty defaults.
 *
 * <p><b>Thread-safety.</b> {@link #stageStarted} and {@link #runFinished} are called on the thread
 * that called {@link GraphRunner#run}. {@link #taskFinished} is called from worker threads,
 * possibly concurrently for tasks of the same stage, and from the calling thread for tasks that
 * never reach a worker (BLOCKED, CANCELLED); implementations must be thread-safe. All calls for a
 * stage's tasks happen before the next stage's {@code stageStarted}. Callbacks should be quick; an
 * exception thrown by a callback is logged and otherwise ignored.
 */
public interface RunListener {

  /** A listener that does nothing. */
  RunListener NONE = new RunListener() {};

  /**
   * A stage is about to start.
   *
   * @param stage the stage index, from 0
   * @param tasks the stage's tasks, sorted by id
   */
  default void stageStarted(int stage, List<Task> tasks) {}

  /** A task has finished with the given outcome (including CACHED and BLOCKED). */
  default void taskFinished(Task task, TaskOutcome outcome) {}

  /** The run has finished; called once, after every task's {@code taskFinished}. */
  default void runFinished(RunReport report) {}
}
