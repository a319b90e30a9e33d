package io.firmsim.serving.assembly;

import io.firmsim.serving.batching.BatchListener;
import io.firmsim.serving.batching.BatchPolicy;
import io.firmsim.serving.batching.DynamicBatcher;
import io.firmsim.serving.drift.DriftService;
import io.firmsim.serving.http.InferenceServer;
import io.firmsim.serving.metrics.ServeMetrics;
import io.firmsim.serving.simulation.SimulateAction;
import io.firmsim.serving.simulation.SimulationLimits;
import java.util.Optional;

/**
 * The server {@code firmsim serve} runs: the protocol core ({@link InferenceServer}) with dynamic
 * batching in front of every session, drift monitoring on every infer request's inputs ({@code GET
 * .../drift} and gauges), and the simulation endpoint ({@code POST .../simulate}), all sharing one
 * {@link ServeMetrics}.
 *
 * <p>Per served model the runners stack up as: the batcher ({@link DynamicBatcher}, when batching
 * is on), then the row padding and the ONNX Runtime session that the repository makes. The batcher
 * reports each request's queue time; the padding reports each run's rows (the batch size) and the
 * session its compute time.
 */
public final class ServingStack {
  private ServingStack() {}

  /**
   * Builds the server.
   *
   * @param builder the core's settings (repository, host, port, limits, threads)
   * @param batching the batch policy, or empty to run every request on its own
   * @param driftWindow rows per drift monitor's window
   * @param limits the simulation endpoint's limits
   */
  public static InferenceServer build(
      InferenceServer.Builder builder,
      Optional<BatchPolicy> batching,
      int driftWindow,
      SimulationLimits limits) {
    ServeMetrics metrics = new ServeMetrics();
    DriftService drift = new DriftService(driftWindow, metrics);
    builder.optMetrics(metrics).optInputObserver(drift).optAction("drift", drift);
    SimulateAction simulate = new SimulateAction(limits);
    builder.optAction(
        "simulate",
        (artifact, request, response, callback) ->
            simulate.handle(
                artifact.name(),
                artifact.version(),
                artifact.artifact(),
                request,
                response,
                callback));
    if (batching.isPresent()) {
      BatchPolicy policy = batching.get();
      BatchListener listener =
          new BatchListener() {
            @Override
            public void queued(String model, long queueNanos) {
              metrics.observeQueue(model, queueNanos / 1e9);
            }

            @Override
            public void batch(String model, int requests, long rows, long computeNanos) {
              // Rows and compute time are observed below the batcher (padding, session).
            }
          };
      builder.optRunnerWrapper(
          (model, version, session) -> new DynamicBatcher(model, session, policy, listener));
    }
    InferenceServer server = builder.build();
    drift.attach(server.repository());
    return server;
  }
}
