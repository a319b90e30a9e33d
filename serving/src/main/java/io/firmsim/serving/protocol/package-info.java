/**
 * The Open Inference Protocol v2 in JSON: parsing and checking infer requests against a model's
 * signature, writing infer answers, model and server metadata, and the {@code {"error": ...}} body.
 */
package io.firmsim.serving.protocol;
