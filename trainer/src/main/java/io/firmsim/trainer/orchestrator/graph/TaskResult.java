package io.firmsim.trainer.orchestrator.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Task} reports when it returns: whether it succeeded, a message (required for
 * failures) and free-form metrics for the run report (log-likelihood, iterations, observations,
 * ...).
 *
 * <p>Immutable: the metrics are copied into an unmodifiable map that keeps the caller's iteration
 * order. Metric values should themselves be immutable (numbers, strings). Thread-safe.
 *
 * @param status SUCCEEDED or FAILED
 * @param message a short explanation, empty when there is nothing to say; non-blank for FAILED
 * @param metrics named values for the report; keys non-null
 */
public record TaskResult(Status status, String message, Map<String, Object> metrics) {

  /** Whether the task did its work. */
  public enum Status {
    /** The task wrote all its outputs. */
    SUCCEEDED,
    /** The task could not do its work; its dependents will not run. */
    FAILED
  }

  public TaskResult {
    Objects.requireNonNull(status, "status");
    message = message == null ? "" : message;
    if (status == Status.FAILED && message.isBlank()) {
      throw new IllegalArgumentException("a failed result needs a message");
    }
    metrics = copy(metrics);
  }

  /** Success without metrics. */
  public static TaskResult succeeded() {
    return new TaskResult(Status.SUCCEEDED, "", Map.of());
  }

  /** Success with metrics for the report. */
  public static TaskResult succeeded(Map<String, ?> metrics) {
    return new TaskResult(Status.SUCCEEDED, "", copy(metrics));
  }

  /** Failure with a non-blank message. */
  public static TaskResult failed(String message) {
    return new TaskResult(Status.FAILED, message, Map.of());
  }

  /** Failure with a non-blank message and metrics (e.g. the iterations a diverging fit took). */
  public static TaskResult failed(String message, Map<String, ?> metrics) {
    return new TaskResult(Status.FAILED, message, copy(metrics));
  }

  /** Whether the status is SUCCEEDED. */
  public boolean isSuccess() {
    return status == Status.SUCCEEDED;
  }

  static Map<String, Object> copy(Map<String, ?> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : metrics.entrySet()) {
      copy.put(Objects.requireNonNull(e.getKey(), "metric name"), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }
}
