package io.firmsim.serving.metrics;

import io.firmsim.serving.inference.InferenceException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The server's Prometheus metrics, in a registry of its own (not the JVM-wide default registry, so
 * that two servers in one process, as in tests, do not share or clash), written at {@code /metrics}
 * in the Prometheus text format.
 *
 * <ul>
 *   <li>{@code firmsim_infer_success_total{model}} and {@code
 *       firmsim_infer_failure_total{model,reason}} (reason: the {@link InferenceException.Reason}
 *       in lower case);
 *   <li>histograms (seconds): {@code firmsim_request_duration_seconds{model}} (whole infer request:
 *       parse, queue, compute, answer), {@code firmsim_queue_duration_seconds{model}} (time a
 *       request waited in a batcher's queue), {@code firmsim_compute_duration_seconds{model}} (one
 *       session run) and {@code firmsim_batch_rows{model}} (rows of one session run);
 *   <li>{@code firmsim_pending_requests{model}}: infer requests in progress;
 *   <li>{@code firmsim_model_load_duration_seconds{artifact}}: time to verify, open and warm an
 *       artifact version;
 *   <li>{@code firmsim_drift_psi{model,feature}}: the latest population stability index of a
 *       feature, set by drift monitoring.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ServeMetrics {
  private static final double[] SECONDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    30
  };
  private static final double[] ROWS = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536
  };
  private static final double[] LOAD_SECONDS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter success;
  private final Counter failure;
  private final Histogram requestDuration;
  private final Histogram queueDuration;
  private final Histogram computeDuration;
  private final Histogram batchRows;
  private final Gauge pending;
  private final Histogram loadDuration;
  private final Gauge drift;

  /** Registers every metric in a new registry. */
  public ServeMetrics() {
    success =
        Counter.builder()
            .name("firmsim_infer_success_total")
            .help("Infer requests answered with 200, by model.")
            .labelNames("model")
            .register(registry);
    failure =
        Counter.builder()
            .name("firmsim_infer_failure_total")
            .help("Infer requests that failed, by model and reason.")
            .labelNames("model", "reason")
            .register(registry);
    requestDuration = seconds("firmsim_request_duration_seconds", "Infer request duration.");
    queueDuration = seconds("firmsim_queue_duration_seconds", "Time waited in a batch queue.");
    computeDuration = seconds("firmsim_compute_duration_seconds", "Duration of one session run.");
    batchRows =
        Histogram.builder()
            .name("firmsim_batch_rows")
            .help(
                "Rows of one session run (a merged batch), without the padding to whole row blocks.")
            .labelNames("model")
            .classicOnly()
            .classicUpperBounds(ROWS)
            .register(registry);
    pending =
        Gauge.builder()
            .name("firmsim_pending_requests")
            .help("Infer requests in progress, by model.")
            .labelNames("model")
            .register(registry);
    loadDuration =
        Histogram.builder()
            .name("firmsim_model_load_duration_seconds")
            .help("Time to verify, open and warm up an artifact version.")
            .labelNames("artifact")
            .classicOnly()
            .classicUpperBounds(LOAD_SECONDS)
            .register(registry);
    drift =
        Gauge.builder()
            .name("firmsim_drift_psi")
            .help("Population stability index of a feature against its reference.")
            .labelNames("model", "feature")
            .register(registry);
  }

  private Histogram seconds(String name, String help) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
        .labelNames("model")
        .classicOnly()
        .classicUpperBounds(SECONDS)
        .register(registry);
  }

  /** An infer request on {@code model} started: one more pending. */
  public void requestStarted(String model) {
    pending.labelValues(model).inc();
  }

  /**
   * An infer request on {@code model} that {@link #requestStarted} counted finished.
   *
   * @param seconds its duration
   * @param failure why it failed, null when it succeeded
   */
  public void requestFinished(String model, double seconds, InferenceException.Reason failure) {
    pending.labelValues(model).dec();
    requestDuration.labelValues(model).observe(seconds);
    if (failure == null) {
      success.labelValues(model).inc();
    } else {
      this.failure.labelValues(model, reasonLabel(failure)).inc();
    }
  }

  /** An infer request on {@code model} failed before it started (unknown model, not loaded). */
  public void requestRefused(String model, InferenceException.Reason failure) {
    this.failure.labelValues(model, reasonLabel(failure)).inc();
  }

  /** A request waited {@code seconds} in {@code model}'s batch queue. */
  public void observeQueue(String model, double seconds) {
    queueDuration.labelValues(model).observe(seconds);
  }

  /** A session run of {@code model} computed {@code rows} rows in {@code computeSeconds}. */
  public void observeBatch(String model, long rows, double computeSeconds) {
    observeRows(model, rows);
    observeCompute(model, computeSeconds);
  }

  /** A run of {@code model} answered {@code rows} rows (its requests' rows, without padding). */
  public void observeRows(String model, long rows) {
    batchRows.labelValues(model).observe(rows);
  }

  /** A session run of {@code model} took {@code computeSeconds}. */
  public void observeCompute(String model, double computeSeconds) {
    computeDuration.labelValues(model).observe(computeSeconds);
  }

  /** An artifact version took {@code seconds} to load (successfully or not). */
  public void observeLoad(String artifact, double seconds) {
    loadDuration.labelValues(artifact).observe(seconds);
  }

  /** The latest population stability index of {@code feature} of {@code model}. */
  public void setDrift(String model, String feature, double psi) {
    drift.labelValues(model, feature).set(psi);
  }

  /** The registry (to add metrics of other components). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The content type of {@link #write}'s output. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Writes every metric in the Prometheus text format. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  private static String reasonLabel(InferenceException.Reason reason) {
    return reason.name().toLowerCase(java.util.Locale.ROOT);
  }
}
