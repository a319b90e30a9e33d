/**
 * Reference profiles of a model's training data: per served graph (the simulation year and each
 * equation) and per input column, quantile bins of the values the model was trained on and the
 * share of training rows in each bin. {@code train} stores one in the model file ({@code
 * referenceProfile}); a server compares the inputs it sees against it to report data drift
 * (population stability index).
 */
package io.firmsim.zoo.profile;
