package io.firmsim.simulator.scenario;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A whole stress-scenario run as a scenario file describes it: the population, the years, the
 * replicates, the baseline and the named scenarios, alignment targets, recovery settings and how to
 * run. Read from YAML by the trainer's {@code ScenarioFileReader}; run by {@code ScenarioRunner}.
 *
 * <p>Serializable, so that a cluster executor can rebuild the run from it; a plan with a {@code
 * source} travels as a proxy that keeps the path as a string ({@link Path} is not serializable) and
 * is read back as the plan itself.
 *
 * @param source the scenario file (for messages and the run record), or null
 * @param model the model: a zoo name, a model directory or a spec file; null for the embedded paper
 *     model
 * @param population the start population
 * @param startYear the first simulated calendar year
 * @param years the number of simulated years, at least 1
 * @param replicates the number of replicates R, at least 1; replicate {@code r} runs with seed
 *     {@code ScenarioSeeds.replicate(seed, r)}
 * @param seed the run's seed
 * @param baseline the baseline (no shocks)
 * @param scenarios the named scenarios, at least one, names unique and not the baseline's
 * @param alignment alignment targets (empty for none), applied in the baseline and every scenario
 * @param recovery how recovery is measured
 * @param run how to run: backend, precision, mode, chunk size, workers
 * @param firmDifferences which per-firm paired differences to write
 */
public record ScenarioPlan(
    Path source,
    String model,
    PopulationPlan population,
    int startYear,
    int years,
    int replicates,
    long seed,
    Variant baseline,
    List<Variant> scenarios,
    List<AlignmentTarget> alignment,
    RecoverySettings recovery,
    RunSettings run,
    FirmDifferences firmDifferences)
    implements Serializable {

  public ScenarioPlan {
    Objects.requireNonNull(population, "population");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(firmDifferences, "firmDifferences");
    if (years < 1 || replicates < 1) {
      throw new IllegalArgumentException("years and replicates must be at least 1");
    }
    if (!baseline.shocks().isEmpty()) {
      throw new IllegalArgumentException("the baseline has no shocks");
    }
    scenarios = List.copyOf(scenarios);
    alignment = List.copyOf(alignment);
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("at least one scenario is needed");
    }
    Set<String> names = new HashSet<>();
    names.add(baseline.name());
    for (Variant v : scenarios) {
      if (!names.add(v.name())) {
        throw new IllegalArgumentException("scenario name used twice: " + v.name());
      }
    }
  }

  /** The baseline, then the scenarios, in file order. */
  public List<Variant> variants() {
    List<Variant> all = new java.util.ArrayList<>();
    all.add(baseline);
    all.addAll(scenarios);
    return all;
  }

  /** In a stream, a plan with a source is a {@link WithSource}; one without is itself. */
  private Object writeReplace() {
    if (source == null) {
      return this;
    }
    return new WithSource(
        source.toString(),
        new ScenarioPlan(
            null,
            model,
            population,
            startYear,
            years,
            replicates,
            seed,
            baseline,
            scenarios,
            alignment,
            recovery,
            run,
            firmDifferences));
  }

  /** A plan with a source in a stream: the source as a string and the plan without it. */
  private record WithSource(String source, ScenarioPlan plan) implements Serializable {
    private Object readResolve() {
      return new ScenarioPlan(
          Path.of(source),
          plan.model(),
          plan.population(),
          plan.startYear(),
          plan.years(),
          plan.replicates(),
          plan.seed(),
          plan.baseline(),
          plan.scenarios(),
          plan.alignment(),
          plan.recovery(),
          plan.run(),
          plan.firmDifferences());
    }
  }

  /** The last simulated calendar year. */
  /**
   * This plan with {@code workers} chunks run at once (a scale-out task runs its range with one;
   * results do not depend on it).
   */
  public ScenarioPlan withWorkers(int workers) {
    return new ScenarioPlan(
        source,
        model,
        population,
        startYear,
        years,
        replicates,
        seed,
        baseline,
        scenarios,
        alignment,
        recovery,
        new RunSettings(run.backend(), run.precision(), run.mode(), run.chunkSize(), workers),
        firmDifferences);
  }

  public int endYear() {
    return startYear + years - 1;
  }

  /** How the simulations run. Serializable, as the plan that holds it. */
  public record RunSettings(
      Backend backend, Precision precision, ForwardMode mode, Integer chunkSize, int workers)
      implements Serializable {
    public RunSettings {
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(precision, "precision");
      Objects.requireNonNull(mode, "mode");
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1");
      }
      if (chunkSize != null && chunkSize < 1) {
        throw new IllegalArgumentException("chunkSize must be at least 1");
      }
    }

    /** DJL, float64, sample mode, the default chunk size, one worker per core. */
    public static RunSettings defaults() {
      return new RunSettings(
          Backend.DJL,
          Precision.FLOAT64,
          ForwardMode.SAMPLE,
          null,
          Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
  }

  /** Which per-firm paired differences against the baseline are written. */
  public enum FirmDifferences {
    /** None. */
    NONE,
    /** The last year's differences and the recovery times, one row per firm (the default). */
    FINAL,
    /** Every year's differences, one row per firm and year. */
    ALL
  }
}
