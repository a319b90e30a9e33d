/**
 * What a trained forecaster is to the rest of the product: the {@link
 * io.firmsim.trainer.forecast.model.Forecaster} interface, independent of the network and the
 * engine that compute it.
 */
package io.firmsim.trainer.forecast.model;
