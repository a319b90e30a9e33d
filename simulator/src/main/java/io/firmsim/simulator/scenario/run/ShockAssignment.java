package io.firmsim.simulator.scenario.run;

import io.firmsim.models.step.Lever;
import io.firmsim.simulator.backend.LeverSchedule;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.scenario.Selection;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.modelspec.ModelConstants;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which firms of a population each shock of a variant hits, and how hard: decided once per run on
 * the start population (host arrays), then turned into the {@link Lever} rows of any chunk and
 * year.
 *
 * <p>A firm is eligible for a shock when it passes the shock's filters (characteristics at the
 * start; size decile of total assets at the start, by the firms' weights) and is hit when its draw
 * ({@link ScenarioSeeds#hitDraw}) is below the shock's share. Its magnitude is the shock's
 * distribution at its own draw, clamped to the kind's range: demand at most 1, FE cost at least -1,
 * write-downs, borrowing cuts and call-ins to [0, 1], shocked tax rates to [0, 1].
 *
 * <p>Several shocks on one firm and year combine: cuts and write-downs as surviving shares ({@code
 * 1 - (1 - a)(1 - b)}), FE factors multiply, rate changes add. Shocks on {@code realr} change the
 * variant's macro path, not a lever (see {@link #realrShift}).
 *
 * <p>Class is immutable after construction and thread-safe.
 */
public final class ShockAssignment {
  private final List<Shock> shocks;
  private final double[] neutral;
  private final double taxRate;
  private final double allocationRate;
  private final boolean[][] hit; // [shock][firm]
  private final double[][] magnitude; // [shock][firm]

  /**
   * @param variant the baseline or a scenario
   * @param population the start population
   * @param weights the firms' weights, one per firm
   * @param seeds the run's per-firm draws
   * @param constants the model's constants (the neutral tax and allocation rates)
   */
  public ShockAssignment(
      Variant variant,
      Population population,
      double[] weights,
      ScenarioSeeds seeds,
      ModelConstants constants) {
    this.shocks = variant.shocks();
    this.neutral = Lever.neutralRow(constants);
    this.taxRate = constants.taxRate();
    this.allocationRate = constants.allocationRate();
    int n = population.size();
    int[] decile =
        shocks.stream().anyMatch(s -> !s.who().sizeDeciles().isEmpty())
            ? sizeDeciles(population, weights)
            : null;
    hit = new boolean[shocks.size()][n];
    magnitude = new double[shocks.size()][n];
    for (int j = 0; j < shocks.size(); j++) {
      Shock s = shocks.get(j);
      Selection who = s.who();
      for (int i = 0; i < n; i++) {
        if (!eligible(who, population, i, decile)) {
          continue;
        }
        long id = population.firmId(i);
        if (seeds.hitDraw(id, j) < who.share()) {
          hit[j][i] = true;
          magnitude[j][i] = clamp(s, s.magnitude().value(seeds.magnitudeDraw(id, j)));
        }
      }
    }
  }

  private static boolean eligible(Selection who, Population p, int i, int[] decile) {
    for (var c : who.characteristics().entrySet()) {
      if (p.value(i, StateVariable.valueOf(c.getKey())) != c.getValue()) {
        return false;
      }
    }
    return who.sizeDeciles().isEmpty() || who.sizeDeciles().contains(decile[i]);
  }

  /**
   * Each firm's decile (1 to 10) of total assets at the start, by weight: firms sorted by total
   * assets (ties by id), decile {@code d} holds the firms whose cumulative weight share before them
   * is in {@code [(d - 1) / 10, d / 10)}.
   */
  static int[] sizeDeciles(Population p, double[] weights) {
    int n = p.size();
    double[] assets = new double[n];
    for (int i = 0; i < n; i++) {
      assets[i] =
          p.value(i, StateVariable.CA)
              + p.value(i, StateVariable.MA)
              + p.value(i, StateVariable.BU)
              + p.value(i, StateVariable.OFA);
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(
        order, Comparator.<Integer>comparingDouble(i -> assets[i]).thenComparingLong(p::firmId));
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += weights[i];
    }
    int[] decile = new int[n];
    double before = 0;
    for (int i : order) {
      decile[i] = Math.min(10, 1 + (int) Math.floor(10 * before / total));
      before += weights[i];
    }
    return decile;
  }

  private double clamp(Shock s, double m) {
    switch (s.kind()) {
      case DEMAND:
        return Math.min(m, 1);
      case COST_OF_DEBT:
        return Math.max(m, -1);
      case TAX_CHANGE:
        double rate = s.target() == ShockKind.TaxTarget.TAX_RATE ? taxRate : allocationRate;
        return Math.min(Math.max(m, -rate), 1 - rate);
      default:
        return Math.min(Math.max(m, 0), 1);
    }
  }

  /** The variant's shocks, in file order. */
  public List<Shock> shocks() {
    return shocks;
  }

  /** Whether shock {@code j} hits firm {@code row} of the population. */
  public boolean hit(int j, int row) {
    return hit[j][row];
  }

  /** Firm {@code row}'s magnitude of shock {@code j} (0 when not hit). */
  public double magnitude(int j, int row) {
    return magnitude[j][row];
  }

  /**
   * The rise of {@code realr} in {@code year} from the variant's {@code costOfDebt: realr} shocks
   * (they hit every firm, so every firm has the same magnitude unless drawn; the population's first
   * firm's draw is the economy's).
   */
  public double realrShift(int year) {
    double shift = 0;
    for (int j = 0; j < shocks.size(); j++) {
      Shock s = shocks.get(j);
      if (s.kind() == ShockKind.COST_OF_DEBT
          && s.target() == ShockKind.DebtCostTarget.REALR
          && s.covers(year)) {
        shift += s.magnitude().value(0.5);
      }
    }
    return shift;
  }

  /** The levers of firms {@code [from, to)} of the population, year by year. */
  public LeverSchedule schedule(int from, int to) {
    return (year, out) -> {
      int width = Lever.count();
      List<Integer> active = new ArrayList<>();
      for (int j = 0; j < shocks.size(); j++) {
        if (shocks.get(j).covers(year)) {
          active.add(j);
        }
      }
      for (int i = from; i < to; i++) {
        int o = (i - from) * width;
        System.arraycopy(neutral, 0, out, o, width);
        for (int j : active) {
          if (hit[j][i]) {
            apply(shocks.get(j), magnitude[j][i], year, out, o);
          }
        }
      }
    };
  }

  private void apply(Shock s, double m, int year, double[] out, int o) {
    switch (s.kind()) {
      case DEMAND:
        combineShare(out, o + Lever.OIBD_CUT.index(), m);
        break;
      case COST_OF_DEBT:
        if (s.target() == ShockKind.DebtCostTarget.FE) {
          out[o + Lever.FE_FACTOR.index()] *= 1 + m;
        }
        break;
      case IMPAIRMENT:
        Lever l =
            switch ((ShockKind.Asset) s.target()) {
              case MA -> Lever.MA_WRITE_DOWN;
              case BU -> Lever.BU_WRITE_DOWN;
              case OFA -> Lever.OFA_WRITE_DOWN;
            };
        combineShare(out, o + l.index(), m);
        break;
      case CREDIT_CRUNCH:
        combineShare(out, o + Lever.DLL_CUT.index(), m);
        if (year == s.startYear()) {
          combineShare(out, o + Lever.LL_CALL_IN.index(), s.callIn());
        }
        break;
      case TAX_CHANGE:
        int k =
            s.target() == ShockKind.TaxTarget.TAX_RATE
                ? Lever.TAX_RATE.index()
                : Lever.ALLOCATION_RATE.index();
        out[o + k] = Math.min(Math.max(out[o + k] + m, 0), 1);
        break;
      default:
        throw new IllegalStateException("unknown shock kind " + s.kind());
    }
  }

  private static void combineShare(double[] out, int k, double m) {
    out[k] = out[k] == 0 ? m : 1 - (1 - out[k]) * (1 - m);
  }
}
