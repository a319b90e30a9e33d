package io.firmsim.models.forecast.nbeats;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One N-BEATS block (paper, section 3.1): {@code layers} fully connected ReLU layers, then two
 * linear projections without bias to the coefficients {@code theta_b} and {@code theta_f}, then the
 * basis: {@code backcast = theta_b^T B_b}, {@code forecast = theta_f^T B_f} with the fixed bases of
 * {@link Basis} (trend, seasonality), or a learned linear layer with bias (generic).
 *
 * <p>Input {@code NDList(x [batch, lookback])}; output {@code NDList(backcast [batch, lookback],
 * forecast [batch, horizon])}.
 */
final class BasisBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final StackKind kind;
  private final int lookback;
  private final int horizon;
  private final List<Linear> hidden = new ArrayList<>();
  private final Linear thetaBackcast;
  private final Linear thetaForecast;
  private final Linear basisBackcast; // generic only
  private final Linear basisForecast; // generic only
  private final double[][] fixedBackcast; // [theta_b, lookback], trend and seasonality only
  private final double[][] fixedForecast; // [theta_f, horizon]

  BasisBlock(StackConfig stack, int lookback, int horizon) {
    super(VERSION);
    this.kind = stack.kind();
    this.lookback = lookback;
    this.horizon = horizon;
    for (int i = 1; i <= stack.layers(); i++) {
      hidden.add(
          addChildBlock("fc" + i, Linear.builder().setUnits(stack.width()).optBias(true).build()));
    }
    int thetaB;
    int thetaF;
    switch (kind) {
      case TREND:
        fixedBackcast = Basis.trend(stack.degree(), lookback);
        fixedForecast = Basis.trend(stack.degree(), horizon);
        thetaB = thetaF = stack.degree() + 1;
        break;
      case SEASONALITY:
        int p = Basis.harmonics(horizon);
        fixedBackcast = Basis.seasonality(p, lookback);
        fixedForecast = Basis.seasonality(p, horizon);
        thetaB = thetaF = 2 * p + 1;
        break;
      default:
        fixedBackcast = null;
        fixedForecast = null;
        thetaB = lookback;
        thetaF = horizon;
    }
    thetaBackcast =
        addChildBlock("theta_b", Linear.builder().setUnits(thetaB).optBias(false).build());
    thetaForecast =
        addChildBlock("theta_f", Linear.builder().setUnits(thetaF).optBias(false).build());
    if (kind == StackKind.GENERIC) {
      basisBackcast = addChildBlock("basis_b", Linear.builder().setUnits(lookback).build());
      basisForecast = addChildBlock("basis_f", Linear.builder().setUnits(horizon).build());
    } else {
      basisBackcast = null;
      basisForecast = null;
    }
  }

  StackKind kind() {
    return kind;
  }

  /** The fixed backcast basis {@code [theta_b, lookback]}, a copy; null for a generic block. */
  double[][] backcastBasis() {
    return copy(fixedBackcast);
  }

  /** The fixed forecast basis {@code [theta_f, horizon]}, a copy; null for a generic block. */
  double[][] forecastBasis() {
    return copy(fixedForecast);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = inputs.head();
    for (Linear fc : hidden) {
      h = Activation.relu(fc.forward(ps, new NDList(h), training, params).head());
    }
    NDArray thetaB = thetaBackcast.forward(ps, new NDList(h), training, params).head();
    NDArray thetaF = thetaForecast.forward(ps, new NDList(h), training, params).head();
    NDArray backcast;
    NDArray forecast;
    if (kind == StackKind.GENERIC) {
      backcast = basisBackcast.forward(ps, new NDList(thetaB), training, params).head();
      forecast = basisForecast.forward(ps, new NDList(thetaF), training, params).head();
    } else {
      backcast = thetaB.matMul(constant(h.getManager(), fixedBackcast, h.getDataType()));
      forecast = thetaF.matMul(constant(h.getManager(), fixedForecast, h.getDataType()));
    }
    return new NDList(backcast, forecast);
  }

  private static NDArray constant(NDManager manager, double[][] m, DataType dataType) {
    double[] flat = new double[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
    }
    NDArray a = manager.create(flat, new Shape(m.length, m[0].length));
    return dataType == DataType.FLOAT64 ? a : a.toType(dataType, false);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {new Shape(batch, lookback), new Shape(batch, horizon)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long batch = inputShapes[0].get(0);
    Shape in = inputShapes[0];
    for (Linear fc : hidden) {
      fc.initialize(manager, dataType, in);
      in = fc.getOutputShapes(new Shape[] {in})[0];
    }
    thetaBackcast.initialize(manager, dataType, in);
    thetaForecast.initialize(manager, dataType, in);
    if (basisBackcast != null) {
      basisBackcast.initialize(manager, dataType, new Shape(batch, lookback));
      basisForecast.initialize(manager, dataType, new Shape(batch, horizon));
    }
  }

  private static double[][] copy(double[][] m) {
    if (m == null) {
      return null;
    }
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
