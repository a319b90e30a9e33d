/**
 * Puts the serving components together into the server {@code firmsim serve} runs: the protocol
 * core, dynamic batching, drift monitoring and the simulation endpoint.
 */
package io.firmsim.serving.assembly;
