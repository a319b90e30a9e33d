/** The server's Prometheus metrics, in a registry of its own. */
package io.firmsim.serving.metrics;
