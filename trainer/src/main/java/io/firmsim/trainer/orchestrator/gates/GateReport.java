package io.firmsim.trainer.orchestrator.gates;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of the data-quality gates ({@link QualityGates}): one {@link Finding} per gate and
 * subject (column, submodel, the balance sheet) that failed or has something to report, and one
 * passing finding for each gate with nothing to report. A run may train only when {@link
 * #passed()}.
 *
 * <p>Immutable. {@link #describe()} is the text shown to the user when a run is stopped: every
 * failed or not-run gate with its subject, how many rows, and example row positions, followed by
 * counts of the rest.
 *
 * @param source what was checked (a file name, or a description of an in-memory panel)
 * @param rowUnit how {@link Finding#examples()} number rows: {@code line} (line in the CSV file,
 *     the header being line 1) or {@code row} (1-based row of an in-memory or Parquet panel)
 * @param rows number of data rows checked
 * @param findings the findings in gate order
 */
public record GateReport(String source, String rowUnit, long rows, List<Finding> findings) {
  /** Most example rows a finding keeps. */
  public static final int MAX_EXAMPLES = 5;

  public GateReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(rowUnit, "rowUnit");
    findings = List.copyOf(findings);
  }

  /** The outcome of a gate for one subject. */
  public enum Outcome {
    PASSED,
    FAILED,
    /** Not run because an earlier gate failed and this one needs what it checks. */
    NOT_RUN
  }

  /**
   * One gate's finding for one subject.
   *
   * @param gate the gate's name, e.g. {@code MissingShare}
   * @param subject what it is about: a column, a submodel ({@code DCA.level}), {@code balance
   *     sheet}, or {@code all} for a gate that passed on everything
   * @param outcome passed, failed, or not run
   * @param count rows (or cells, or observations) the finding is about: failing rows for a failed
   *     gate, counted outliers for a passing Outliers finding, observations for MinObservations
   * @param examples up to {@link #MAX_EXAMPLES} example row positions (see {@link
   *     GateReport#rowUnit()}), ascending
   * @param detail one line of explanation with the threshold
   */
  public record Finding(
      String gate,
      String subject,
      Outcome outcome,
      long count,
      List<Long> examples,
      String detail) {
    public Finding {
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(outcome, "outcome");
      examples = List.copyOf(examples);
      Objects.requireNonNull(detail, "detail");
    }

    /** Whether this finding lets the run go on. */
    public boolean passed() {
      return outcome == Outcome.PASSED;
    }
  }

  /** Whether every gate passed: the run may train. */
  public boolean passed() {
    return findings.stream().allMatch(Finding::passed);
  }

  /** The findings that stop the run: failed and not-run ones. */
  public List<Finding> failures() {
    return findings.stream().filter(f -> !f.passed()).toList();
  }

  /** The findings of one gate. */
  public List<Finding> of(String gate) {
    return findings.stream().filter(f -> f.gate().equals(gate)).toList();
  }

  /** The failed finding of a gate for a subject, if any. */
  public Optional<Finding> failure(String gate, String subject) {
    return findings.stream()
        .filter(
            f ->
                f.outcome() == Outcome.FAILED
                    && f.gate().equals(gate)
                    && f.subject().equals(subject))
        .findFirst();
  }

  /** A human-readable account: a summary line, then one line per finding, failures first. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    List<Finding> failures = failures();
    if (passed()) {
      sb.append("Data-quality gates passed on ")
          .append(source)
          .append(" (")
          .append(rows)
          .append(" rows)\n");
    } else {
      sb.append("Data-quality gates FAILED on ")
          .append(source)
          .append(" (")
          .append(rows)
          .append(" rows): ")
          .append(failures.size())
          .append(" problem")
          .append(failures.size() == 1 ? "" : "s")
          .append("; nothing was trained or written\n");
    }
    for (Finding f : failures) {
      line(sb, f);
    }
    for (Finding f : findings) {
      if (f.passed()) {
        line(sb, f);
      }
    }
    return sb.toString();
  }

  private void line(StringBuilder sb, Finding f) {
    sb.append("  [")
        .append(f.outcome() == Outcome.NOT_RUN ? "NOT RUN" : f.outcome())
        .append("] ")
        .append(f.gate())
        .append(", ")
        .append(f.subject())
        .append(": ")
        .append(f.detail());
    if (!f.examples().isEmpty()) {
      sb.append(" (e.g. ").append(rowUnit).append(f.examples().size() > 1 ? "s " : " ");
      for (int i = 0; i < f.examples().size(); i++) {
        sb.append(i > 0 ? ", " : "").append(f.examples().get(i));
      }
      sb.append(')');
    }
    sb.append('\n');
  }

  @Override
  public String toString() {
    return describe();
  }
}
