/**
 * Data-drift monitoring of served graphs: each {@link io.firmsim.serving.drift.DriftMonitor} keeps
 * a sliding window of the inputs one graph sees and compares it, column by column, with the
 * reference profile of the training data stored in the model ({@code referenceProfile}), by the
 * population stability index (PSI) with the usual credit-scoring thresholds 0.1 and 0.25.
 */
package io.firmsim.serving.drift;
