package io.firmsim.trainer.forecast.artifact;

import io.firmsim.trainer.forecast.model.Forecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An ensemble of forecasters whose forecast is the element-wise median of the members' forecasts
 * (N-BEATS' ensembling, Oreshkin et al. 2020, section 3.4): for each series and step, the middle
 * value of the members' forecasts, or the mean of the two middle values for an even number of
 * members. Each member builds its own window (its lookback, zero padding, scaling), so members with
 * different lookbacks combine.
 *
 * <p>The ensemble owns its members: {@link #close()} closes every one (their models or sessions).
 * Not thread-safe to close while forecasting; forecasting from several threads is as safe as the
 * members are.
 */
public final class EnsembleForecaster implements Forecaster {
  private final List<Forecaster> members;
  private final int horizon;
  private final int lookback;

  private EnsembleForecaster(List<Forecaster> members) {
    this.members = List.copyOf(members);
    if (this.members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one member");
    }
    this.horizon = this.members.get(0).horizon();
    int lb = 0;
    for (Forecaster f : this.members) {
      if (f.horizon() != horizon) {
        throw new IllegalArgumentException(
            "members forecast " + horizon + " and " + f.horizon() + " values: they must agree");
      }
      lb = Math.max(lb, f.lookback());
    }
    this.lookback = lb;
  }

  /**
   * An ensemble of {@code members}, which it then owns.
   *
   * @throws IllegalArgumentException for no members or members of different horizons
   */
  public static EnsembleForecaster of(List<? extends Forecaster> members) {
    Objects.requireNonNull(members, "members");
    return new EnsembleForecaster(new ArrayList<>(members));
  }

  /**
   * The ensemble of trained members computed with DJL (each network rebuilt from its spec and seed
   * with its saved parameters), as {@link ForecasterArtifact#load} loads it from files.
   *
   * @param horizon the horizon the members were trained for
   * @param type FLOAT32, or FLOAT64 (the parameters converted exactly)
   * @throws IllegalArgumentException when a member's parameters do not fit its network
   */
  public static EnsembleForecaster fromParameters(
      int horizon, List<TrainedMember> members, ai.djl.ndarray.types.DataType type) {
    List<Forecaster> loaded = new ArrayList<>();
    try {
      for (int i = 0; i < members.size(); i++) {
        TrainedMember m = members.get(i);
        loaded.add(
            DjlMember.load("member-" + (i + 1), m.spec(), horizon, m.seed(), m.parameters(), type));
      }
      return of(loaded);
    } catch (ai.djl.MalformedModelException e) {
      loaded.forEach(Forecaster::close);
      throw new IllegalArgumentException("parameters do not fit: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      loaded.forEach(Forecaster::close);
      throw e;
    }
  }

  /** The members, in order. */
  public List<Forecaster> members() {
    return members;
  }

  /** The longest lookback of any member. */
  @Override
  public int lookback() {
    return lookback;
  }

  @Override
  public int horizon() {
    return horizon;
  }

  /** Each member's forecasts: {@code [member][series][step]}. */
  public double[][][] memberForecasts(List<double[]> histories) {
    double[][][] f = new double[members.size()][][];
    for (int k = 0; k < f.length; k++) {
      f[k] = members.get(k).forecast(histories);
    }
    return f;
  }

  /** The element-wise median of the members' forecasts. */
  @Override
  public double[][] forecast(List<double[]> histories) {
    for (int i = 0; i < histories.size(); i++) {
      if (histories.get(i).length == 0) {
        throw new IllegalArgumentException("series " + (i + 1) + " has no values");
      }
    }
    double[][][] f = memberForecasts(histories);
    double[][] out = new double[histories.size()][horizon];
    double[] column = new double[f.length];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < horizon; j++) {
        for (int k = 0; k < f.length; k++) {
          column[k] = f[k][i][j];
        }
        out[i][j] = median(column);
      }
    }
    return out;
  }

  /**
   * The median of the values: the middle one of the sorted values, or the mean of the two middle
   * ones for an even count. The array is not changed.
   *
   * @throws IllegalArgumentException for no values
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("the median of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Closes every member; the first failure is thrown after all were tried. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Forecaster f : members) {
      try {
        f.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
