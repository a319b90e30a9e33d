package io.firmsim.models.zoo;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;

/**
 * One year's result for a batch of firms, in plain Java arrays: next year's state {@code [firms,
 * StateVariable.count()]} and the year's flows {@code [firms, FlowVariable.count()]}, both
 * row-major in registry order, and each firm's balance-identity gap {@code [firms]} (relative to
 * {@code max(1, total assets, sum of |liability and equity items|)}). A float32 model's values are
 * widened to double exactly.
 *
 * <p>Class is immutable: arrays are copied in and out.
 *
 * @param firms number of firms
 * @param newState next year's states, row-major
 * @param flows the year's flows, row-major
 * @param balanceGap each firm's relative balance gap
 */
public record YearOutcome(int firms, double[] newState, double[] flows, double[] balanceGap) {

  /** Copies the arrays. */
  public YearOutcome {
    newState = newState.clone();
    flows = flows.clone();
    balanceGap = balanceGap.clone();
  }

  @Override
  public double[] newState() {
    return newState.clone();
  }

  @Override
  public double[] flows() {
    return flows.clone();
  }

  @Override
  public double[] balanceGap() {
    return balanceGap.clone();
  }

  /** Next year's value of one state variable of one firm. */
  public double newState(int firm, StateVariable v) {
    return newState[firm * StateVariable.count() + v.ordinal()];
  }

  /** The year's value of one flow of one firm. */
  public double flow(int firm, FlowVariable f) {
    return flows[firm * FlowVariable.count() + f.ordinal()];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof YearOutcome y
        && firms == y.firms
        && Arrays.equals(newState, y.newState)
        && Arrays.equals(flows, y.flows)
        && Arrays.equals(balanceGap, y.balanceGap);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(newState);
  }

  @Override
  public String toString() {
    return "YearOutcome[firms=" + firms + "]";
  }
}
