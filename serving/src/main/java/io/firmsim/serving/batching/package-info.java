/**
 * Dynamic batching: a {@link io.firmsim.serving.batching.DynamicBatcher} in front of a model's
 * {@link io.firmsim.serving.inference.InferenceRunner} merges concurrent requests along the batch
 * dimension under a {@link io.firmsim.serving.batching.BatchPolicy}, reports queue times and batch
 * sizes to a {@link io.firmsim.serving.batching.BatchListener}, and cuts the answers back with
 * {@link io.firmsim.serving.batching.Rows}.
 */
package io.firmsim.serving.batching;
