package io.firmsim.trainer.orchestrator.graph;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What happened to one task in a run, for the {@link RunReport} and {@link RunListener}s.
 *
 * <p>Immutable (metrics are an unmodifiable copy) and thread-safe.
 *
 * @param taskId the task's id
 * @param kind the task's kind
 * @param stage the task's stage in the graph that ran
 * @param status what happened
 * @param message the task's message, the failure, the reason for blocking; empty if none
 * @param metrics the metrics the task returned; empty unless it ran
 * @param wallTime the time spent on the task, including the up-to-date check
 * @param key the incremental key, or empty when it was not computed (BLOCKED, CANCELLED before the
 *     start)
 * @param error the exception the task threw, or null
 */
public record TaskOutcome(
    String taskId,
    String kind,
    int stage,
    Status status,
    String message,
    Map<String, Object> metrics,
    Duration wallTime,
    String key,
    Throwable error) {

  /** What happened to a task. */
  public enum Status {
    /** The task ran and wrote its outputs. */
    SUCCEEDED,
    /** The task was up to date (same key, outputs present) and did not run. */
    CACHED,
    /** The task ran and failed, threw, or did not write its declared outputs. */
    FAILED,
    /** The task did not run because an upstream task failed or was blocked or cancelled. */
    BLOCKED,
    /** The task was interrupted, or did not start because the run was interrupted. */
    CANCELLED;

    /** Whether the task's outputs are current: SUCCEEDED or CACHED. */
    public boolean isOk() {
      return this == SUCCEEDED || this == CACHED;
    }
  }

  public TaskOutcome {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(status, "status");
    kind = kind == null ? "" : kind;
    message = message == null ? "" : message;
    metrics = TaskResult.copy(metrics);
    wallTime = wallTime == null ? Duration.ZERO : wallTime;
    key = key == null ? "" : key;
  }

  /** A one-line summary, e.g. {@code fit:T7 FAILED 1.2 s: fit did not converge}. */
  public String summary() {
    String line =
        String.format(Locale.ROOT, "%s %s %.1f s", taskId, status, wallTime.toNanos() / 1e9);
    return message.isEmpty() ? line : line + ": " + message;
  }
}
