/**
 * N-BEATS (Oreshkin, Carpov, Chapados and Bengio, ICLR 2020, arXiv:1905.10437) as a DJL block.
 *
 * <p>{@link io.firmsim.models.forecast.nbeats.NBeatsBlock} is the whole network: stacks ({@link
 * io.firmsim.models.forecast.nbeats.StackConfig}) of blocks, each a stack of fully connected ReLU
 * layers that emits expansion coefficients for a backcast and a forecast through a basis ({@link
 * io.firmsim.models.forecast.nbeats.StackKind}: generic, polynomial trend or Fourier seasonality,
 * the fixed bases in {@link io.firmsim.models.forecast.nbeats.Basis}), joined by doubly residual
 * stacking.
 */
package io.firmsim.models.forecast.nbeats;
