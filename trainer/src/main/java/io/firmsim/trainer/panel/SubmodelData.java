package io.firmsim.trainer.panel;

import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;
import java.util.Objects;

/**
 * The estimation data of one submodel (MODEL.md section 6): the rows of its subsample, the values
 * of its identified features on them and its target. Built by {@link Subsamples}; handed to the
 * estimator of {@code family}.
 *
 * <p>Targets by family: {@link Family#BINARY} 0.0 / 1.0, {@link Family#ORDINAL3} -1.0 / 0.0 / 1.0
 * (the sign of the equation's value), {@link Family#HUBER} and {@link Family#TOBIT} the value
 * itself.
 *
 * <p>Features are the submodel's features in spec order minus those constant on the subsample
 * (equal in all its rows, {@code -0.0} and {@code 0.0} counting as equal; with no rows every
 * feature is), which are listed, also in spec order, in {@code droppedConstant}: they are not
 * identified, and a fit reports them so.
 *
 * <p>The lists are immutable. The arrays are not copied (they are large and made for this record):
 * whoever builds one hands them over, and nobody may modify them afterwards.
 *
 * @param equationTarget the equation's target, e.g. {@code EDEPMA}
 * @param submodel the submodel's name within the equation, e.g. {@code prob} or {@code level_pos}
 * @param family the submodel's family
 * @param link the link of binary and ordinal submodels, null for Huber and Tobit ones
 * @param features names of the columns of {@code x}, in spec order
 * @param x row-major {@code [n, features.size()]} feature values
 * @param y {@code [n]} targets
 * @param n number of rows of the subsample
 * @param droppedConstant the submodel's features left out as constant, in spec order
 */
public record SubmodelData(
    String equationTarget,
    String submodel,
    Family family,
    Link link,
    List<String> features,
    double[] x,
    double[] y,
    int n,
    List<String> droppedConstant) {

  /**
   * @throws IllegalArgumentException if the sizes of {@code x}, {@code y} and {@code n} disagree
   */
  public SubmodelData {
    Objects.requireNonNull(equationTarget, "equationTarget");
    Objects.requireNonNull(submodel, "submodel");
    Objects.requireNonNull(family, "family");
    features = List.copyOf(features);
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    droppedConstant = List.copyOf(droppedConstant);
    if (n < 0 || y.length != n || x.length != (long) n * features.size()) {
      throw new IllegalArgumentException(
          String.format(
              "%d rows of %d features need x[%d] and y[%d]; got x[%d], y[%d]",
              n, features.size(), (long) n * features.size(), n, x.length, y.length));
    }
  }

  /** Number of feature columns of {@code x}. */
  public int p() {
    return features.size();
  }

  /** A feature value: row {@code row}, column {@code column} of {@code x}. */
  public double x(int row, int column) {
    Objects.checkIndex(row, n);
    Objects.checkIndex(column, features.size());
    return x[row * features.size() + column];
  }

  @Override
  public String toString() {
    return "SubmodelData["
        + equationTarget
        + "."
        + submodel
        + ", "
        + family.jsonName()
        + ", n="
        + n
        + ", p="
        + features.size()
        + ", dropped "
        + droppedConstant
        + "]";
  }
}
