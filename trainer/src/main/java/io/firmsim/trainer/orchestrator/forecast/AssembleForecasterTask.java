package io.firmsim.trainer.orchestrator.forecast;

import ai.djl.ndarray.types.DataType;
import io.firmsim.trainer.forecast.artifact.EnsembleForecaster;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.orchestrator.config.ForecastConfig;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code assemble-forecaster}: gathers the trained members in configuration order and
 * measures the ensemble (the median, computed with DJL in float32 as the artifact's default) and
 * each member on the held-out last H points of every series, forecast from the points before them:
 * sMAPE (M4 form, mean over series) and MASE (mean over series, scale from the points before the
 * held-out ones). These are the points the members' early stopping watched, so the figures are
 * optimistic for new data. Writes {@value #ENSEMBLE} (in memory): an {@link Assembled}.
 */
final class AssembleForecasterTask implements Task {
  static final String ENSEMBLE = "forecaster:ensemble";
  static final String ID = "assemble:forecaster";

  /**
   * The assembled ensemble: the members in order and the validation figures.
   *
   * @param members the members' results, in configuration order
   * @param smape the ensemble's sMAPE on the held-out points
   * @param mase the ensemble's MASE on the held-out points
   * @param memberSmape each member's sMAPE there
   * @param memberMase each member's MASE there
   */
  record Assembled(
      List<MemberResult> members,
      double smape,
      double mase,
      List<Double> memberSmape,
      List<Double> memberMase) {}

  private final ForecastConfig config;
  private final List<ForecastConfig.Member> members;
  private final String codeVersion;

  AssembleForecasterTask(ForecastConfig config, String codeVersion) {
    this.config = config;
    this.members = config.members();
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String kind() {
    return "assemble-forecaster";
  }

  @Override
  public Set<String> inputs() {
    Set<String> in = new LinkedHashSet<>();
    in.add(SeriesTask.SERIES);
    members.forEach(m -> in.add(MemberTask.artifact(m.id())));
    return in;
  }

  @Override
  public Set<String> outputs() {
    return Set.of(ENSEMBLE);
  }

  @Override
  public String fingerprint() {
    return "assemble-forecaster H="
        + config.horizon()
        + " m="
        + config.seasonalPeriod()
        + " code="
        + codeVersion;
  }

  @Override
  @SuppressWarnings("unchecked")
  public TaskResult run(TaskContext context) {
    List<NamedSeries> series = (List<NamedSeries>) context.input(SeriesTask.SERIES, List.class);
    List<MemberResult> results = new ArrayList<>();
    for (ForecastConfig.Member m : members) {
      results.add(context.input(MemberTask.artifact(m.id()), MemberResult.class));
    }
    int h = config.horizon();
    int period = config.seasonalPeriod();
    // scored on the series long enough to give up H points (2H + 1 values), as the validation
    List<NamedSeries> scored = new ArrayList<>();
    List<double[]> train = new ArrayList<>();
    for (NamedSeries s : series) {
      if (s.length() >= 2 * h + 1) {
        scored.add(s);
        train.add(Arrays.copyOf(s.values(), s.length() - h));
      }
    }
    double[][] ensemble;
    double[][][] each;
    try (EnsembleForecaster f =
        EnsembleForecaster.fromParameters(
            h, results.stream().map(MemberResult::member).toList(), DataType.FLOAT32)) {
      ensemble = f.forecast(train);
      each = f.memberForecasts(train);
    }
    double[] e = score(scored, train, ensemble, h, period);
    List<Double> ms = new ArrayList<>();
    List<Double> mm = new ArrayList<>();
    for (double[][] f : each) {
      double[] s = score(scored, train, f, h, period);
      ms.add(s[0]);
      mm.add(s[1]);
    }
    context.output(ENSEMBLE, new Assembled(results, e[0], e[1], ms, mm), "ensemble");
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("members", results.size());
    metrics.put("validationSmape", e[0]);
    metrics.put("validationMase", e[1]);
    return new TaskResult(
        TaskResult.Status.SUCCEEDED,
        String.format(
            java.util.Locale.ROOT,
            "ensemble of %d: validation sMAPE %.4f, MASE %.4f",
            results.size(),
            e[0],
            e[1]),
        metrics);
  }

  /** {sMAPE, MASE}, each the mean over series; MASE NaN when a series' scale is 0. */
  private static double[] score(
      List<NamedSeries> series, List<double[]> train, double[][] f, int h, int period) {
    double smape = 0;
    double mase = 0;
    for (int i = 0; i < series.size(); i++) {
      double[] v = series.get(i).values();
      double[] actual = Arrays.copyOfRange(v, v.length - h, v.length);
      smape += ForecastMetrics.smapeM4(actual, f[i]);
      double[] t = train.get(i);
      mase +=
          t.length > period && ForecastMetrics.maseScale(t, period) > 0
              ? ForecastMetrics.mase(t, period, actual, f[i])
              : Double.NaN;
    }
    return new double[] {smape / series.size(), mase / series.size()};
  }
}
