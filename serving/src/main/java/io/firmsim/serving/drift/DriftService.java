package io.firmsim.serving.drift;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.serving.http.HttpAnswers;
import io.firmsim.serving.http.InputObserver;
import io.firmsim.serving.http.ModelAction;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.metrics.ServeMetrics;
import io.firmsim.serving.protocol.ProtocolJson;
import io.firmsim.serving.repository.LoadedArtifact;
import io.firmsim.serving.repository.ServingRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Drift monitoring in the server: one {@link DriftMonitor} per served model version whose model
 * carries a reference profile, fed by every infer request's inputs ({@link InputObserver}),
 * reported at {@code GET /v2/models/{model}/drift} (or, for an artifact NAME, every monitored model
 * of it) and as the {@code firmsim_drift_psi{model,feature}} gauges.
 *
 * <p>Monitors are made on first use and keyed by model and version, so a new version starts with an
 * empty window. The gauges are refreshed from the observing thread at most every {@value
 * #GAUGE_PERIOD_MILLIS} ms per monitor (a report costs about 25 µs for 43 columns) and show only
 * columns whose window holds enough rows.
 */
public final class DriftService implements InputObserver, ModelAction {
  /** The least time between two gauge refreshes of one monitor. */
  public static final long GAUGE_PERIOD_MILLIS = 250;

  private final int window;
  private final ServeMetrics metrics;
  private volatile ServingRepository repository;
  private final Map<String, Optional<Watched>> monitors = new ConcurrentHashMap<>();

  /** A monitor and when its gauges were last refreshed. */
  private static final class Watched {
    final DriftMonitor monitor;
    volatile long lastGauges;

    Watched(DriftMonitor monitor) {
      this.monitor = monitor;
    }
  }

  /**
   * @param window rows per monitor's window (at least {@link DriftMonitor#MIN_ROWS})
   * @param metrics where the gauges go, or null
   */
  public DriftService(int window, ServeMetrics metrics) {
    if (window < DriftMonitor.MIN_ROWS) {
      throw new IllegalArgumentException(
          "the drift window must hold at least " + DriftMonitor.MIN_ROWS + " rows: " + window);
    }
    this.window = window;
    this.metrics = metrics;
  }

  /** The repository whose artifacts hold the reference profiles; before the server starts. */
  public void attach(ServingRepository repository) {
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  /** The rows each window holds. */
  public int window() {
    return window;
  }

  @Override
  public void observe(String model, String version, List<HostTensor> inputs) {
    Optional<Watched> w = monitor(model, version);
    if (w.isEmpty()) {
      return;
    }
    DriftMonitor m = w.get().monitor;
    for (HostTensor t : inputs) {
      if (t.name().equals(m.inputName())) {
        m.observe(t);
      }
    }
    long now = System.nanoTime();
    if (metrics != null && now - w.get().lastGauges > GAUGE_PERIOD_MILLIS * 1_000_000L) {
      w.get().lastGauges = now;
      gauges(model, m.report());
    }
  }

  /** Sets the model's drift gauges from a report (columns with too few rows are left out). */
  private void gauges(String model, DriftReport report) {
    if (metrics == null) {
      return;
    }
    for (FeatureDrift f : report.features()) {
      if (!f.status().equals(FeatureDrift.INSUFFICIENT) && Double.isFinite(f.psi())) {
        metrics.setDrift(model, f.feature(), f.psi());
      }
    }
  }

  /** The monitor of a served model version: empty when its model has no reference profile. */
  private Optional<Watched> monitor(String model, String version) {
    String key = model + "\u0000" + version;
    Optional<Watched> known = monitors.get(key);
    if (known != null) {
      return known;
    }
    ServingRepository repo = repository;
    if (repo == null) {
      return Optional.empty();
    }
    Optional<String> name = repo.artifactOf(model);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    LoadedArtifact artifact;
    try {
      artifact = repo.acquireArtifact(name.get(), version);
    } catch (InferenceException e) {
      return Optional.empty(); // not serving now: try again on a later request
    }
    try {
      return monitors.computeIfAbsent(
          key,
          k ->
              DriftMonitor.forGraph(artifact.artifact().spec(), graphOf(name.get(), model), window)
                  .map(Watched::new));
    } finally {
      artifact.release();
    }
  }

  /**
   * {@code year} or {@code T07}: the graph a served model {@code NAME-<graph>-<mode>-<dtype>} runs.
   */
  static String graphOf(String artifactName, String model) {
    String stem = model.substring(artifactName.length() + 1);
    int dash = stem.indexOf('-');
    return dash < 0 ? stem : stem.substring(0, dash);
  }

  // ------------------------------------------------------------------ GET .../drift

  @Override
  public void handle(
      LoadedArtifact artifact, Request request, Response response, Callback callback) {
    if (!"GET".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      HttpAnswers.error(response, callback, 405, request.getMethod() + " not allowed; use GET");
      return;
    }
    Object attribute = request.getAttribute(MODEL_ATTRIBUTE);
    List<String> models =
        attribute != null
            ? List.of((String) attribute)
            : artifact.runners().keySet().stream().sorted().toList();
    ArrayNode reports = ProtocolJson.MAPPER.createArrayNode();
    for (String model : models) {
      Optional<Watched> w = monitor(model, artifact.version());
      if (w.isPresent()) {
        DriftReport report = w.get().monitor.report();
        gauges(model, report); // a report is the latest reading: the gauges show it too
        reports.add(json(model, artifact.version(), report));
      }
    }
    if (reports.isEmpty()) {
      HttpAnswers.error(
          response,
          callback,
          404,
          (attribute != null ? "model " + attribute : "artifact " + artifact.name())
              + " version "
              + artifact.version()
              + " has no reference profile to measure drift against (train stores one in the"
              + " model; the paper model has none)");
      return;
    }
    Object body = attribute != null ? reports.get(0) : wrap(artifact, reports);
    HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(body));
  }

  private static ObjectNode wrap(LoadedArtifact artifact, ArrayNode reports) {
    ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
    o.put("artifact", artifact.name());
    o.put("version", artifact.version());
    o.set("models", reports);
    return o;
  }

  /** One model's report as JSON; a PSI that cannot be computed yet is {@code null}. */
  static ObjectNode json(String model, String version, DriftReport r) {
    ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
    o.put("model", model);
    o.put("version", version);
    o.put("graph", r.graph());
    o.put("status", r.status());
    o.put("window", r.window());
    o.put("rows_in_window", r.rowsInWindow());
    o.put("rows_seen", r.rowsSeen());
    o.put("min_rows", DriftMonitor.MIN_ROWS);
    ObjectNode t = o.putObject("thresholds");
    t.put("warning", DriftMonitor.WARNING);
    t.put("critical", DriftMonitor.CRITICAL);
    ArrayNode features = o.putArray("features");
    List<FeatureDrift> list = new ArrayList<>(r.features());
    for (FeatureDrift f : list) {
      ObjectNode n = features.addObject();
      n.put("feature", f.feature());
      if (Double.isFinite(f.psi())) {
        n.put("psi", f.psi());
      } else {
        n.putNull("psi");
      }
      n.put("status", f.status());
    }
    return o;
  }
}
