/**
 * The serving module's shared vocabulary: host tensors, model signatures, the runner interface that
 * ONNX Runtime sessions and dynamic batchers implement, and the failure reasons the HTTP layer
 * turns into status codes.
 */
package io.firmsim.serving.inference;
