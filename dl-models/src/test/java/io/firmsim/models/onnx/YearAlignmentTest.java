package io.firmsim.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.equations.ProbabilityLink;
import io.firmsim.models.step.AlignedSubmodel;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.models.step.Lever;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Alignment in the simulation year ({@link io.firmsim.models.step.Alignment}) against independent
 * evidence: in mean mode every tile's weighted mean aligned probability equals the target to 1e-9
 * and each probability is the unaligned one moved by the shift a Java bisection finds for its tile;
 * in sample mode the realised share of T8 borrowers over 20,480 firms is within four binomial
 * standard errors of its target; unaligned years are bit-identical to the block without alignment;
 * aligned runs keep the balance identity for 12 years; results do not depend on how the firms are
 * split into whole tiles; the exported graph with alignment equals the block; what cannot be
 * aligned is refused by name.
 */
class YearAlignmentTest {
  private static final int TILE = FirmYearBlock.TILE;
  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int L = Lever.count();
  private static final ModelSpec SPEC = PaperModel.load();

  /** A logit (T8), two cloglog hurdles (T1, T14) and both sides of an LSG (T6, T10). */
  private static final List<AlignedSubmodel> ALIGNED =
      List.of(
          new AlignedSubmodel(8, "prob"),
          new AlignedSubmodel(1, "prob"),
          new AlignedSubmodel(14, "prob"),
          new AlignedSubmodel(6, "prob_pos"),
          new AlignedSubmodel(10, "prob_neg"));

  /** One year's outputs: new state, flows, gap and (with alignment) the aligned probabilities. */
  record Out(double[] state, double[] flows, double[] gap, double[] prob) {}

  private static Out year(
      FirmYearBlock block,
      NDManager m,
      DataType dt,
      int n,
      double[] state,
      double[] macro,
      double[] uniforms,
      double[] levers,
      double[] targets,
      double[] weights) {
    try (NDManager y = m.newSubManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      NDList in =
          new NDList(
              y.create(state, new Shape(n, S)).toType(dt, false),
              y.create(macro).toType(dt, false));
      if (uniforms != null) {
        in.add(y.create(uniforms, new Shape(n, block.uniformColumns())).toType(dt, false));
      }
      if (levers != null) {
        in.add(y.create(levers, new Shape(n, L)).toType(dt, false));
      }
      if (targets != null) {
        in.add(y.create(targets).toType(dt, false));
        in.add(y.create(weights).toType(dt, false));
      }
      NDList out = block.forward(ps, in, false);
      return new Out(
          GraphTensorParityTest.host(out.get(0)),
          GraphTensorParityTest.host(out.get(1)),
          GraphTensorParityTest.host(out.get(2)),
          out.size() > 3 ? GraphTensorParityTest.host(out.get(3)) : null);
    }
  }

  private static FirmYearBlock block(
      ForwardMode mode, List<AlignedSubmodel> aligned, NDManager m, DataType dt) {
    FirmYearBlock b = new FirmYearBlock(SPEC, mode, aligned);
    b.initialize(m, dt, new Shape(-1, S), new Shape(2));
    return b;
  }

  private static double[] uniforms(int n, int columns, SplittableRandom rnd) {
    double[] u = new double[n * columns];
    for (int i = 0; i < u.length; i++) {
      u[i] = (rnd.nextInt() >>> 8) * 0x1p-24; // on the float32 grid: valid in both precisions
    }
    return u;
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1);
    return w;
  }

  private static double[] unequal(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rnd.nextDouble() < 0.1 ? rnd.nextDouble(20, 200) : rnd.nextDouble(0.2, 3);
    }
    return w;
  }

  /** Year k's targets: every submodel aligned, to rates that move from year to year. */
  private static double[] targets(int k) {
    return new double[] {0.25 + 0.05 * k, 0.6 - 0.03 * k, 0.4, 0.15 + 0.02 * k, 0.02 + 0.01 * k};
  }

  private static double[] nanTargets() {
    double[] t = new double[ALIGNED.size()];
    Arrays.fill(t, Double.NaN);
    return t;
  }

  /**
   * Sets of submodels whose predictors read no aligned value of the same year (T10 reads whether T8
   * borrows, which in mean mode does not depend on T8's probability), so that each one's unaligned
   * eta is the one of the run with all targets unset.
   */
  private static final List<List<AlignedSubmodel>> INDEPENDENT =
      List.of(
          List.of(
              new AlignedSubmodel(8, "prob"),
              new AlignedSubmodel(1, "prob"),
              new AlignedSubmodel(10, "prob_neg")),
          List.of(new AlignedSubmodel(6, "prob_pos"), new AlignedSubmodel(6, "prob_neg")));

  /** The links by method: LLN (T8, T20) logit, LLG and LSG cloglog. */
  private static ProbabilityLink link(AlignedSubmodel a) {
    return a.table() == 8 || a.table() == 20 ? ProbabilityLink.LOGIT : ProbabilityLink.CLOGLOG;
  }

  @Test
  void meanModeHitsTheTargetInEveryTileAndMovesEachTileByOneShift() {
    int n = 2 * TILE;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (List<AlignedSubmodel> set : INDEPENDENT) {
        int na = set.size();
        FirmYearBlock block = block(ForwardMode.MEAN, set, m, DataType.FLOAT64);
        double[] unset = new double[na];
        Arrays.fill(unset, Double.NaN);
        for (double[] w : new double[][] {ones(n), unequal(n, 2)}) {
          double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 5);
          for (int k = 0; k < 2; k++) {
            double[] macro = {2e8 * k, 0.01};
            double[] t = Arrays.copyOf(targets(k), na);
            Out free = year(block, m, DataType.FLOAT64, n, state, macro, null, null, unset, w);
            Out out = year(block, m, DataType.FLOAT64, n, state, macro, null, null, t, w);
            for (int a = 0; a < na; a++) {
              ProbabilityLink link = link(set.get(a));
              for (int tile = 0; tile < n / TILE; tile++) {
                double sw = 0;
                double swp = 0;
                double[] eta = new double[TILE];
                double[] wt = new double[TILE];
                for (int j = 0; j < TILE; j++) {
                  int i = tile * TILE + j;
                  sw += w[i];
                  swp += w[i] * out.prob()[i * na + a];
                  eta[j] = inverse(link, free.prob()[i * na + a]);
                  wt[j] = w[i];
                }
                String what = set.get(a).label() + " year " + k + " tile " + tile;
                double err = Math.abs(swp / sw - t[a]);
                assertTrue(err <= 1e-9, what + ": " + err);
                // A second implementation: the unaligned eta moved by a Java bisection's shift.
                double s = bisection(eta, wt, link, t[a]);
                for (int j = 0; j < TILE; j++) {
                  double expected = link.probability(eta[j] + s);
                  assertEquals(expected, out.prob()[(tile * TILE + j) * na + a], 1e-9, what);
                }
              }
            }
            state = out.state();
          }
        }
      }
    }
  }

  /** eta from p (the host check's inverse link), finite for p in (0, 1). */
  private static double inverse(ProbabilityLink link, double p) {
    double q = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
    return link == ProbabilityLink.LOGIT ? Math.log(q) - Math.log1p(-q) : Math.log(-Math.log1p(-q));
  }

  private static double bisection(double[] eta, double[] w, ProbabilityLink link, double target) {
    double lo = -80;
    double hi = 80;
    for (int k = 0; k < 70; k++) { // 160 / 2^70: below the spacing of doubles near the shift
      double mid = 0.5 * (lo + hi);
      double sw = 0;
      double swp = 0;
      for (int i = 0; i < eta.length; i++) {
        sw += w[i];
        swp += w[i] * link.probability(eta[i] + mid);
      }
      if (swp > target * sw) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  @Test
  void sampleModeBorrowerShareIsWithinFourStandardErrorsOfTheTarget() {
    int n = 40 * TILE; // 20,480 firms, every one with long-term debt (so DLL != 0 iff the event)
    double target = 0.3;
    List<AlignedSubmodel> t8 = List.of(new AlignedSubmodel(8, "prob"));
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      FirmYearBlock plain = block(ForwardMode.SAMPLE, List.of(), m, DataType.FLOAT64);
      FirmYearBlock block = block(ForwardMode.SAMPLE, t8, m, DataType.FLOAT64);
      double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 9);
      double[] u = uniforms(n, block.uniformColumns(), new SplittableRandom(4));
      double[] macro = {0, 0};
      Out base = year(plain, m, DataType.FLOAT64, n, state, macro, u, null, null, null);
      Out out =
          year(
              block, m, DataType.FLOAT64, n, state, macro, u, null, new double[] {target}, ones(n));
      int events = 0;
      int baseEvents = 0;
      for (int i = 0; i < n; i++) {
        assertTrue(state[i * S + StateVariable.LL.index()] > 0);
        events += out.flows()[i * F + FlowVariable.DLL.index()] != 0 ? 1 : 0;
        baseEvents += base.flows()[i * F + FlowVariable.DLL.index()] != 0 ? 1 : 0;
      }
      double share = (double) events / n;
      double se = Math.sqrt(target * (1 - target) / n);
      assertTrue(Math.abs(share - target) <= 4 * se, "share " + share + ", se " + se);
      // Not void: without alignment the share is far from the target.
      double baseShare = (double) baseEvents / n;
      assertTrue(Math.abs(baseShare - target) > 20 * se, "unaligned share " + baseShare);
    }
  }

  @Test
  void unalignedYearsAreBitIdenticalToTheBlockWithoutAlignment() {
    int n = 2 * TILE;
    for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        FirmYearBlock plain = block(ForwardMode.SAMPLE, List.of(), m, dt);
        FirmYearBlock block = block(ForwardMode.SAMPLE, ALIGNED, m, dt);
        double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 3);
        double[] w = unequal(n, 8);
        SplittableRandom rnd = new SplittableRandom(12);
        int changed = 0;
        for (int k = 0; k < 6; k++) {
          double[] macro = {1e9 * k, 0.01 * k};
          double[] u = uniforms(n, block.uniformColumns(), rnd);
          double[] t = k % 2 == 1 ? targets(k) : nanTargets();
          if (k == 4) {
            Arrays.fill(t, -1); // negative: not aligned either
          }
          Out a = year(plain, m, dt, n, state, macro, u, null, null, null);
          Out b = year(block, m, dt, n, state, macro, u, null, t, w);
          if (k % 2 == 0) {
            assertArrayEquals(a.state(), b.state(), dt + " year " + k + " state");
            assertArrayEquals(a.flows(), b.flows(), dt + " year " + k + " flows");
            assertArrayEquals(a.gap(), b.gap(), dt + " year " + k + " gap");
          } else {
            changed += Arrays.equals(a.flows(), b.flows()) ? 0 : 1;
          }
          state = b.state(); // both run from the aligned path
        }
        assertEquals(3, changed, dt + ": aligned years differ from the plain year");
      }
    }
  }

  @Test
  void alignedRunsKeepTheBalanceIdentityAndHitTheTargetsForTwelveYears() {
    int n = 2 * TILE;
    for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      boolean f64 = dt == DataType.FLOAT64;
      double tol = f64 ? 1e-9 : 1e-4;
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        FirmYearBlock block = block(ForwardMode.SAMPLE, ALIGNED, m, dt);
        double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 6);
        double[] w = unequal(n, 4);
        SplittableRandom rnd = new SplittableRandom(2);
        double worstMean = 0;
        for (int k = 0; k < (f64 ? 12 : 4); k++) {
          double[] u = uniforms(n, block.uniformColumns(), rnd);
          double[] t = targets(k % 6);
          Out out = year(block, m, dt, n, state, new double[] {0, 0}, u, null, t, w);
          for (int i = 0; i < n; i++) {
            assertTrue(out.gap()[i] <= tol, dt + " year " + k + " firm " + i + " " + out.gap()[i]);
          }
          for (int a = 0; a < ALIGNED.size(); a++) {
            double sw = 0;
            double swp = 0;
            for (int i = 0; i < n; i++) {
              sw += w[i];
              swp += w[i] * out.prob()[i * ALIGNED.size() + a];
            }
            worstMean = Math.max(worstMean, Math.abs(swp / sw - t[a]));
          }
          state = out.state();
        }
        // float32: the rounding of float32 tile sums (measured 4e-8 here; documented as 1e-6).
        double meanTol = f64 ? 1e-9 : 1e-6;
        assertTrue(worstMean <= meanTol, dt + " weighted mean off by " + worstMean);
      }
    }
  }

  @Test
  void resultsDoNotDependOnHowFirmsAreSplitIntoTiles() {
    int n = 3 * TILE;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      FirmYearBlock block = block(ForwardMode.SAMPLE, ALIGNED, m, DataType.FLOAT64);
      double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 1);
      double[] w = unequal(n, 1);
      double[] u = uniforms(n, block.uniformColumns(), new SplittableRandom(1));
      double[] macro = {1e8, 0.02};
      Out whole = year(block, m, DataType.FLOAT64, n, state, macro, u, null, targets(2), w);
      int c = block.uniformColumns();
      int split = TILE;
      Out first =
          year(
              block,
              m,
              DataType.FLOAT64,
              split,
              Arrays.copyOfRange(state, 0, split * S),
              macro,
              Arrays.copyOfRange(u, 0, split * c),
              null,
              targets(2),
              Arrays.copyOfRange(w, 0, split));
      Out rest =
          year(
              block,
              m,
              DataType.FLOAT64,
              n - split,
              Arrays.copyOfRange(state, split * S, n * S),
              macro,
              Arrays.copyOfRange(u, split * c, n * c),
              null,
              targets(2),
              Arrays.copyOfRange(w, split, n));
      assertArrayEquals(whole.state(), concat(first.state(), rest.state()));
      assertArrayEquals(whole.flows(), concat(first.flows(), rest.flows()));
      assertArrayEquals(whole.prob(), concat(first.prob(), rest.prob()));
    }
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void exportedGraphWithAlignmentEqualsTheBlock() throws Exception {
    int n = 2 * TILE;
    // Sample mode with levers: the alignment itself does not depend on the mode.
    for (ForwardMode mode : List.of(ForwardMode.SAMPLE)) {
      byte[] graph =
          YearGraphExporter.export(SPEC, mode, OnnxDType.FLOAT64, Map.of(), true, ALIGNED);
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
          OrtRun run = new OrtRun(graph, OnnxDType.FLOAT64)) {
        FirmYearBlock block = block(mode, ALIGNED, m, DataType.FLOAT64);
        boolean sample = mode == ForwardMode.SAMPLE;
        double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 4);
        double[] w = unequal(n, 3);
        SplittableRandom rnd = new SplittableRandom(13);
        for (int k = 0; k < 2; k++) {
          double[] macro = {3e8 * k, 0.02};
          double[] u = sample ? uniforms(n, block.uniformColumns(), rnd) : null;
          double[] levers = neutralLevers(n);
          double[] t = k == 1 ? nanTargets() : targets(k); // year 1: none set
          Out djl = year(block, m, DataType.FLOAT64, n, state, macro, u, levers, t, w);
          Map<String, OrtRun.Input> feed = new LinkedHashMap<>();
          feed.put("state", new OrtRun.Input(state, n, S));
          if (sample) {
            feed.put("uniforms", new OrtRun.Input(u, n, block.uniformColumns()));
          }
          feed.put("macro", new OrtRun.Input(macro, 2));
          feed.put("levers", new OrtRun.Input(levers, n, L));
          feed.put("align_targets", new OrtRun.Input(t, t.length));
          feed.put("weights", new OrtRun.Input(w, n));
          Map<String, double[]> out = run.run(feed);
          double[] scale = new double[n * S];
          double[] flowScale = new double[n * F];
          for (int i = 0; i < n; i++) {
            double mx = 0;
            for (int c = 0; c < S; c++) {
              mx = Math.max(mx, Math.abs(djl.state()[i * S + c]));
            }
            Arrays.fill(scale, i * S, (i + 1) * S, 1e-12 * mx);
            Arrays.fill(flowScale, i * F, (i + 1) * F, 1e-12 * mx);
          }
          String what = mode + " year " + k;
          Close.assertClose(what + " state", djl.state(), out.get("new_state"), 1e-12, scale);
          Close.assertClose(what + " flows", djl.flows(), out.get("flows"), 1e-12, flowScale);
          Close.assertClose(what + " prob", djl.prob(), out.get("aligned_prob"), 1e-12, 1e-12);
          state = djl.state();
        }
      }
    }
  }

  private static double[] neutralLevers(int n) {
    double[] row = Lever.neutralRow(SPEC.constants());
    double[] all = new double[n * L];
    for (int i = 0; i < n; i++) {
      System.arraycopy(row, 0, all, i * L, L);
    }
    return all;
  }

  @Test
  void refusesWhatCannotBeAlignedByName() {
    IllegalArgumentException muno =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new FirmYearBlock(SPEC, ForwardMode.MEAN, List.of(new AlignedSubmodel(2, "prob"))));
    assertTrue(muno.getMessage().contains("T2 (MUNO)"), muno.getMessage());
    IllegalArgumentException hs =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new FirmYearBlock(
                    SPEC, ForwardMode.MEAN, List.of(new AlignedSubmodel(12, "prob"))));
    assertTrue(hs.getMessage().contains("T12 (HS)"), hs.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new FirmYearBlock(
                    SPEC,
                    ForwardMode.MEAN,
                    List.of(new AlignedSubmodel(8, "prob"), new AlignedSubmodel(8, "prob"))));
    assertTrue(twice.getMessage().contains("T8.prob"), twice.getMessage());
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      FirmYearBlock block = block(ForwardMode.MEAN, ALIGNED, m, DataType.FLOAT64);
      int n = 1000;
      double[] state = TestModels.startState(n, SPEC.constants().minShareCapital(), 1);
      IllegalArgumentException odd =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  year(
                      block,
                      m,
                      DataType.FLOAT64,
                      n,
                      state,
                      new double[2],
                      null,
                      null,
                      targets(0),
                      ones(n)));
      assertTrue(odd.getMessage().contains("multiple of 512"), odd.getMessage());
    }
  }
}
