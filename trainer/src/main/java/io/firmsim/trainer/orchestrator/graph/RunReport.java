package io.firmsim.trainer.orchestrator.graph;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link GraphRunner#run}: one {@link TaskOutcome} per task of the graph, ordered by
 * stage, then task id (the same order as {@link TaskGraph#tasks()}), whatever order the tasks
 * finished in.
 *
 * <p>Immutable and thread-safe.
 *
 * @param outcomes one per task, by stage then id
 * @param wallTime the duration of the whole run
 * @param interrupted whether the run was cut short by an interrupt of the calling thread
 */
public record RunReport(List<TaskOutcome> outcomes, Duration wallTime, boolean interrupted) {

  public RunReport {
    outcomes = List.copyOf(outcomes);
    Objects.requireNonNull(wallTime, "wallTime");
  }

  /**
   * Whether any task is not up to date after the run: FAILED, BLOCKED or CANCELLED (BLOCKED and
   * CANCELLED only occur after a failure or an interrupt). A command should exit non-zero then.
   */
  public boolean anyFailed() {
    return interrupted || outcomes.stream().anyMatch(outcome -> !outcome.status().isOk());
  }

  /** The outcome of the task with this id, if it was part of the run. */
  public Optional<TaskOutcome> outcome(String taskId) {
    return outcomes.stream().filter(outcome -> outcome.taskId().equals(taskId)).findFirst();
  }

  /** The outcomes with this status, in report order. */
  public List<TaskOutcome> withStatus(TaskOutcome.Status status) {
    return outcomes.stream().filter(outcome -> outcome.status() == status).toList();
  }

  /** How many tasks ended with each status (all statuses present, zero included). */
  public Map<TaskOutcome.Status, Integer> counts() {
    Map<TaskOutcome.Status, Integer> counts = new EnumMap<>(TaskOutcome.Status.class);
    for (TaskOutcome.Status status : TaskOutcome.Status.values()) {
      counts.put(status, 0);
    }
    outcomes.forEach(outcome -> counts.merge(outcome.status(), 1, Integer::sum));
    return counts;
  }

  /** One line, e.g. {@code 53 tasks in 12.3 s: 2 succeeded, 50 cached, 1 failed, 0 blocked}. */
  public String summary() {
    Map<TaskOutcome.Status, Integer> counts = counts();
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%d tasks in %.1f s: ", outcomes.size(), wallTime.toNanos() / 1e9));
    line.append(counts.get(TaskOutcome.Status.SUCCEEDED))
        .append(" succeeded, ")
        .append(counts.get(TaskOutcome.Status.CACHED))
        .append(" cached, ")
        .append(counts.get(TaskOutcome.Status.FAILED))
        .append(" failed, ")
        .append(counts.get(TaskOutcome.Status.BLOCKED))
        .append(" blocked");
    if (counts.get(TaskOutcome.Status.CANCELLED) > 0 || interrupted) {
      line.append(", ").append(counts.get(TaskOutcome.Status.CANCELLED)).append(" cancelled");
    }
    return line.toString();
  }
}
