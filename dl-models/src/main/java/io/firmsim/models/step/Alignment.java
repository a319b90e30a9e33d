package io.firmsim.models.step;

import io.firmsim.models.equations.ProbabilityLink;
import io.firmsim.models.tensor.Mask;
import io.firmsim.models.tensor.Tensor;

/**
 * Alignment of a binary probability submodel by logit scaling: in an aligned year, the submodel's
 * linear predictor {@code eta_i} is shifted by one number {@code s}, {@code p_i = link(eta_i + s)},
 * solved so that the weighted mean probability equals the year's target rate {@code t}: {@code
 * sum_i w_i p_i = t sum_i w_i}. This is the logit scaling of Stephensen (2016), "Logit scaling: A
 * general method for alignment in microsimulation models", International Journal of Microsimulation
 * 9(3), as JAS-mine implements it (Richiardi and Richardson, "JAS-mine: A new platform for
 * microsimulation and agent-based modelling", IJM 10(1), 2017); with a cloglog link the same shift
 * is applied on the cloglog scale. Individual differences in eta are kept, and a firm's ranking
 * among the others does not change.
 *
 * <p>Chunked, without sorting: the shift is one number per year, submodel and tile of {@link
 * FirmYearBlock#TILE} firms, solved within each tile. Each tile hits the target, so any union of
 * tiles (a chunk, the population) does too, and the result does not depend on the chunk size, the
 * worker count or any partition on tile boundaries. Padding rows take weight 0; a tile whose
 * weights are all 0 gets some finite shift and no constraint.
 *
 * <p>Solved on the tensor side, with no value brought to the host: {@link #ITERATIONS} safeguarded
 * Newton steps on the per-tile bracket {@code [L(t) - max eta, L(t) - min eta]} ({@code L} the
 * inverse link; at its ends every {@code p_i} is at most, respectively at least, {@code t}), a step
 * leaving the bracket replaced by bisection; the bracket shrinks by the sign of {@code sum w_i p_i
 * - t sum w_i} at each iterate. The per-tile quantities are {@code [N / TILE, 1]} tensors and the
 * tile sums {@link Tensor#rowSums} of {@code [N / TILE, TILE]} views. In float64 the weighted mean
 * reaches the target to about 1e-15 (measured 2e-15); in float32 to the rounding of float32 tile
 * sums, within 1e-6 (measured 4e-8 over 1,024 firms).
 *
 * <p>A year is aligned where its target is a number {@code >= 0}; a NaN or negative target leaves
 * {@code eta} as it is (a select, not a zero shift), so unaligned years equal the unaligned
 * computation bit for bit.
 */
public final class Alignment {
  /**
   * Safeguarded Newton steps per aligned submodel and year. Newton converges quadratically once
   * near the root; the bisection fallback halves a bracket of at most the tile's eta range.
   * Measured (AlignmentTest, predictors spread with standard deviation 4 around 4, targets 1e-4 to
   * 0.9999, both links): 1e-9 within 10 steps in the worst case.
   */
  public static final int ITERATIONS = 16;

  private Alignment() {}

  /**
   * The aligned linear predictor.
   *
   * @param eta the submodel's predictor, {@code [N]}, N a multiple of {@link FirmYearBlock#TILE}
   * @param link the submodel's link
   * @param weights the firm weights by tile, {@code [N / TILE, TILE]} ({@code
   *     weights.tiles(TILE)}), 0 for padding rows
   * @param target the year's target rate in (0, 1), a 0-d tensor; NaN or negative for none
   * @return {@code eta + s} per tile where the target is set, else {@code eta} itself
   */
  public static Tensor align(Tensor eta, ProbabilityLink link, Tensor weights, Tensor target) {
    return align(eta, link, weights, target, ITERATIONS);
  }

  /** As {@link #align(Tensor, ProbabilityLink, Tensor, Tensor)} with a given step count. */
  public static Tensor align(
      Tensor eta, ProbabilityLink link, Tensor weights, Tensor target, int iterations) {
    // Per-tile quantities are [T, 1]; firm quantities [T, TILE]; they meet by broadcasting.
    Tensor e = eta.tiles(FirmYearBlock.TILE);
    // A firm whose eta is NaN takes no part (weight 0), so that it cannot spoil its tile's shift;
    // the solver sees eta within +-700, where every link has saturated, so the bracket is finite.
    Mask valid = e.gte(Double.NEGATIVE_INFINITY);
    Tensor zeros = e.zerosLike();
    Tensor solverEta = valid.select(e.clip(-700, 700), zeros);
    weights = valid.select(weights, zeros);
    Tensor weightSums = weights.rowSums();
    // The target per tile: exactly the target (0 + t), NaN or negative where unset.
    Tensor tileTarget = weightSums.zerosLike().add(target);
    Mask set = tileTarget.gte(0);
    // Unset years solve for 0.5, which is well defined; their result is not selected.
    Tensor t = set.select(tileTarget, tileTarget.zerosLike().add(0.5));
    Tensor goal = weightSums.mul(t);
    Tensor center = inverseLink(link, t);
    Tensor lo = center.sub(solverEta.rowMax());
    Tensor hi = center.add(solverEta.neg().rowMax());
    // Start at L(t) minus the weighted mean eta (0 for an all-padding tile), inside the bracket.
    Tensor meanEta = weights.mul(solverEta).rowSums().div(weightSums.maximum(1e-30));
    Tensor s = center.sub(meanEta).maximum(lo).minimum(hi);
    for (int k = 0; k < iterations; k++) {
      Tensor x = solverEta.add(s);
      Tensor g = weights.mul(link.probability(x)).rowSums().sub(goal);
      Tensor d = weights.mul(link.derivative(x)).rowSums();
      hi = g.gt(0).select(s, hi);
      lo = g.lt(0).select(s, lo);
      Tensor newton = s.sub(g.div(d));
      Mask inside = newton.gte(lo).and(hi.gte(newton));
      s = inside.select(newton, lo.add(hi).mul(0.5));
    }
    // The select on [N] (a select does not broadcast on DJL): eta itself where unset.
    Mask setForFirm = eta.zerosLike().add(target).gte(0);
    return setForFirm.select(e.add(s).flatten(), eta);
  }

  /** {@code L(t)}: {@code log(t / (1 - t))} or {@code log(-log(1 - t))}, on the tensor. */
  static Tensor inverseLink(ProbabilityLink link, Tensor t) {
    Tensor q = t.neg().add(1);
    return link == ProbabilityLink.LOGIT ? t.log().sub(q.log()) : q.log().neg().log();
  }
}
