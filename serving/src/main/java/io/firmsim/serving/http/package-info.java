/**
 * The HTTP server: the Open Inference Protocol v2 endpoints on Jetty 12 core handlers, the
 * repository endpoints, {@code /metrics}, graceful shutdown, and the integration points ({@link
 * io.firmsim.serving.repository.RunnerWrapper}, {@link io.firmsim.serving.http.ModelAction}, {@link
 * io.firmsim.serving.http.InputObserver}).
 */
package io.firmsim.serving.http;
