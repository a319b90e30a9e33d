package io.firmsim.trainer.embed.anomaly;

import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Injects labelled anomalies into a firm panel, to measure how well an anomaly score finds them.
 * For each kind a share of the panel's rows (firm-years) is changed; a row carries at most one
 * kind, and every changed row is labelled (see {@link InjectedPanel}). With {@code K = max(1, CA +
 * MA + BU + OFA)} of the row:
 *
 * <ul>
 *   <li>{@link AnomalyKind#BROKEN_IDENTITY}: one asset (CA, MA, BU or OFA, uniformly) moves by
 *       {@code u K}, {@code u} uniform in [0.05, 0.5], up or down (up when down would make it
 *       negative), and nothing else changes, so assets and liabilities-and-equity differ by {@code
 *       u K};
 *   <li>{@link AnomalyKind#STOCK_JUMP}: one balance-sheet stock other than URE worth at least 1% of
 *       {@code K} is multiplied by the jump factor (default 100); the difference is booked in URE
 *       (added for an asset, subtracted for a liability) so the balance identity still holds and
 *       this kind is not a second broken identity;
 *   <li>{@link AnomalyKind#WRONG_SIGN}: one of the flows the model never makes negative (EDEPMA,
 *       EDEPBU, IBU, TDEPMA, PALLO, DIV, DMPA in the state; FI, FE, TAX, FTAX, ZPF, ROT, MTDM in
 *       the flows) that is above {@code 1e-5 K} is negated;
 *   <li>{@link AnomalyKind#COPIED_HISTORY}: a firm's rows from a year on (not its first year, so
 *       the copy starts after a year of its own) are replaced by another firm's rows of the same
 *       years, every value but the fixed characteristics (FAAB, Public, ...) multiplied by its own
 *       {@code exp(sigma Z)}, {@code Z} standard normal, {@code sigma} the copy noise (default
 *       0.01). The firm keeps its id and characteristics. Firms are drawn until the copied rows
 *       reach the share.
 * </ul>
 *
 * The three row kinds go to rows that have a previous year in the panel, so their change from the
 * firm's own previous year is observable. The injection is deterministic for a seed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class AnomalyInjector {
  /** Default share of rows per kind. */
  public static final double DEFAULT_SHARE = 0.01;

  private static final StateVariable[] ASSETS = {
    StateVariable.CA, StateVariable.MA, StateVariable.BU, StateVariable.OFA
  };

  private final Map<AnomalyKind, Double> shares;
  private final long seed;
  private final double jumpFactor;
  private final double copyNoise;

  private AnomalyInjector(Builder b) {
    this.shares = new EnumMap<>(b.shares);
    this.seed = b.seed;
    this.jumpFactor = b.jumpFactor;
    this.copyNoise = b.copyNoise;
  }

  /** A builder: 1% of rows per kind, jump factor 100, copy noise 0.01, seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** The share of rows given to {@code kind}. */
  public double share(AnomalyKind kind) {
    return shares.getOrDefault(kind, 0.0);
  }

  /**
   * Injects the anomalies into {@code panel} (which is not modified).
   *
   * @throws IllegalArgumentException if the panel has too few suitable rows for the shares
   */
  public InjectedPanel inject(Panel panel) {
    Objects.requireNonNull(panel, "panel");
    int n = panel.rows();
    int s = Panel.S;
    int f = Panel.F;
    double[] st = panel.state();
    double[] fl = panel.flows();
    long[] ids = panel.firmIds();
    int[] years = panel.years();
    AnomalyKind[] labels = new AnomalyKind[n];
    Arrays.fill(labels, AnomalyKind.NONE);
    int[] sources = new int[n];
    Arrays.fill(sources, -1);
    SplittableRandom random = new SplittableRandom(seed);

    // Each firm's rows in year order (a panel need not be sorted).
    Map<Long, List<Integer>> byFirm = new HashMap<>();
    List<Long> firms = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      if (panel.previousRow(r) < 0 && !byFirm.containsKey(ids[r])) {
        firms.add(ids[r]);
        byFirm.put(ids[r], new ArrayList<>());
      }
    }
    int[] next = new int[n];
    Arrays.fill(next, -1);
    for (int r = 0; r < n; r++) {
      int p = panel.previousRow(r);
      if (p >= 0) {
        next[p] = r;
      }
    }
    for (int r = 0; r < n; r++) {
      if (panel.previousRow(r) < 0) {
        List<Integer> chain = byFirm.get(ids[r]);
        if (!chain.isEmpty()) {
          continue; // a firm with a gap in its years: keep its first run only
        }
        for (int q = r; q >= 0; q = next[q]) {
          chain.add(q);
        }
      }
    }

    // Copied histories, firm by firm.
    int copyTarget = (int) Math.round(share(AnomalyKind.COPIED_HISTORY) * n);
    Long[] order = firms.toArray(new Long[0]);
    shuffle(order, random);
    int copied = 0;
    for (int i = 0; i < order.length && copied < copyTarget && order.length > 1; i++) {
      List<Integer> target = byFirm.get(order[i]);
      if (target.size() < 2 || labels[target.get(0)] != AnomalyKind.NONE) {
        continue;
      }
      Long source = order[random.nextInt(order.length)];
      if (source.equals(order[i])) {
        continue;
      }
      Map<Integer, Integer> sourceByYear = new HashMap<>();
      for (int r : byFirm.get(source)) {
        sourceByYear.put(years[r], r);
      }
      int remaining = copyTarget - copied;
      int from = Math.max(1, target.size() - remaining);
      int start = from + random.nextInt(target.size() - from);
      for (int j = start; j < target.size(); j++) {
        int r = target.get(j);
        Integer src = sourceByYear.get(years[r]);
        if (src == null) {
          break;
        }
        for (int c = 0; c < s; c++) {
          if (StateVariable.at(c).kind() != StateVariable.Kind.CHARACTERISTIC) {
            st[r * s + c] = noisy(original(panel, src, c), random);
          }
        }
        for (int c = 0; c < f; c++) {
          fl[r * f + c] = noisy(originalFlow(panel, src, c), random);
        }
        labels[r] = AnomalyKind.COPIED_HISTORY;
        sources[r] = src;
        copied++;
      }
    }
    if (copied < copyTarget) {
      throw new IllegalArgumentException(
          "could copy only " + copied + " of " + copyTarget + " rows: too few firms with 2+ years");
    }

    // The row kinds, on rows with a previous year that are still untouched.
    List<Integer> free = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      if (panel.previousRow(r) >= 0 && labels[r] == AnomalyKind.NONE) {
        free.add(r);
      }
    }
    Integer[] rows = free.toArray(new Integer[0]);
    shuffle(rows, random);
    int cursor = 0;
    for (AnomalyKind kind :
        List.of(AnomalyKind.BROKEN_IDENTITY, AnomalyKind.STOCK_JUMP, AnomalyKind.WRONG_SIGN)) {
      int wanted = (int) Math.round(share(kind) * n);
      int done = 0;
      while (done < wanted && cursor < rows.length) {
        int r = rows[cursor++];
        if (apply(kind, st, fl, r, random)) {
          labels[r] = kind;
          done++;
        }
      }
      if (done < wanted) {
        throw new IllegalArgumentException(
            "found only " + done + " of " + wanted + " suitable rows for " + kind);
      }
    }
    Panel injected = Panel.of(ids, years, st, fl);
    return new InjectedPanel(injected, labels, sources);
  }

  private static double original(Panel panel, int row, int column) {
    return panel.state(row, StateVariable.at(column));
  }

  private static double originalFlow(Panel panel, int row, int column) {
    return panel.flow(row, FlowVariable.all().get(column));
  }

  private double noisy(double value, SplittableRandom random) {
    return value * Math.exp(copyNoise * gaussian(random));
  }

  /** Changes row {@code r} for a row kind; false (and no change) if the row does not suit it. */
  private boolean apply(AnomalyKind kind, double[] st, double[] fl, int r, SplittableRandom rnd) {
    int a = r * Panel.S;
    int b = r * Panel.F;
    double k = FirmYearFeatures.totalAssets(st, a);
    switch (kind) {
      case BROKEN_IDENTITY:
        {
          StateVariable asset = ASSETS[rnd.nextInt(ASSETS.length)];
          double move = (0.05 + 0.45 * rnd.nextDouble()) * k;
          boolean down = rnd.nextBoolean() && st[a + asset.index()] >= move;
          st[a + asset.index()] += down ? -move : move;
          return true;
        }
      case STOCK_JUMP:
        {
          List<StateVariable> candidates = new ArrayList<>();
          for (StateVariable v : StateVariable.all()) {
            if (v.isBalanceSheet() && v != StateVariable.URE && st[a + v.index()] >= 0.01 * k) {
              candidates.add(v);
            }
          }
          if (candidates.isEmpty()) {
            return false;
          }
          StateVariable v = candidates.get(rnd.nextInt(candidates.size()));
          double before = st[a + v.index()];
          double after = before * jumpFactor;
          st[a + v.index()] = after;
          double counterpart =
              v.kind() == StateVariable.Kind.ASSET ? after - before : before - after;
          st[a + StateVariable.URE.index()] += counterpart;
          return true;
        }
      case WRONG_SIGN:
        {
          List<Integer> stateCandidates = new ArrayList<>();
          List<Integer> flowCandidates = new ArrayList<>();
          for (StateVariable v : FirmYearFeatures.nonNegativeStateFlows()) {
            if (st[a + v.index()] > 1e-5 * k) {
              stateCandidates.add(v.index());
            }
          }
          for (FlowVariable v : FirmYearFeatures.nonNegativeFlows()) {
            if (fl[b + v.index()] > 1e-5 * k) {
              flowCandidates.add(v.index());
            }
          }
          int total = stateCandidates.size() + flowCandidates.size();
          if (total == 0) {
            return false;
          }
          int pick = rnd.nextInt(total);
          if (pick < stateCandidates.size()) {
            int c = stateCandidates.get(pick);
            st[a + c] = -st[a + c];
          } else {
            int c = flowCandidates.get(pick - stateCandidates.size());
            fl[b + c] = -fl[b + c];
          }
          return true;
        }
      default:
        throw new IllegalArgumentException("not a row kind: " + kind);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller (SplittableRandom has no nextGaussian before Java 17's RandomGenerator default).
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static <T> void shuffle(T[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  @Override
  public String toString() {
    return String.format(
        "AnomalyInjector[shares=%s, jumpFactor=%s, copyNoise=%s, seed=%d]",
        shares, jumpFactor, copyNoise, seed);
  }

  /** Configures an {@link AnomalyInjector}; every setter is optional and validates its value. */
  public static final class Builder {
    private final Map<AnomalyKind, Double> shares = new EnumMap<>(AnomalyKind.class);
    private long seed;
    private double jumpFactor = 100;
    private double copyNoise = 0.01;

    private Builder() {
      for (AnomalyKind k : AnomalyKind.values()) {
        if (k.isAnomaly()) {
          shares.put(k, DEFAULT_SHARE);
        }
      }
    }

    /** The share of rows (firm-years) given to {@code kind}, in [0, 0.2]. */
    public Builder optShare(AnomalyKind kind, double share) {
      Objects.requireNonNull(kind, "kind");
      if (!kind.isAnomaly()) {
        throw new IllegalArgumentException("NONE has no share");
      }
      if (!(share >= 0 && share <= 0.2)) {
        throw new IllegalArgumentException("share must be in [0, 0.2], found " + share);
      }
      shares.put(kind, share);
      return this;
    }

    /** The same share for every kind. */
    public Builder optShare(double share) {
      for (AnomalyKind k : AnomalyKind.values()) {
        if (k.isAnomaly()) {
          optShare(k, share);
        }
      }
      return this;
    }

    /** The seed of every random choice (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The factor of a {@link AnomalyKind#STOCK_JUMP}, above 1 (default 100). */
    public Builder optJumpFactor(double jumpFactor) {
      if (!(jumpFactor > 1 && Double.isFinite(jumpFactor))) {
        throw new IllegalArgumentException(
            "jumpFactor must be finite and > 1, found " + jumpFactor);
      }
      this.jumpFactor = jumpFactor;
      return this;
    }

    /** The log-scale sd {@code sigma} of a copied value's noise, in [0, 1] (default 0.01). */
    public Builder optCopyNoise(double copyNoise) {
      if (!(copyNoise >= 0 && copyNoise <= 1)) {
        throw new IllegalArgumentException("copyNoise must be in [0, 1], found " + copyNoise);
      }
      this.copyNoise = copyNoise;
      return this;
    }

    /** The injector. */
    public AnomalyInjector build() {
      return new AnomalyInjector(this);
    }
  }
}
