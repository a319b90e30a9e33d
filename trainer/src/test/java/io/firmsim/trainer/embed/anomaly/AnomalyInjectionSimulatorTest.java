package io.firmsim.trainer.embed.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injection and detection on a panel of the paper model: 500 start-up firms, 8 recorded years
 * (4,000 firm-years), 1% of the firm-years per kind. The clean panel is the independent evidence:
 * every row the injector labels is compared with it value by value.
 */
class AnomalyInjectionSimulatorTest {
  private static final int FIRMS = 500;
  private static final int YEARS = 8;
  private static Panel clean;
  private static InjectedPanel injected;

  @BeforeAll
  static void simulateAndInject() {
    clean = AnomalyBenchmark.simulate(FIRMS, YEARS, 3);
    injected = AnomalyInjector.builder().optSeed(4).build().inject(clean);
  }

  /** Indices of the state columns where row r differs, then F offset + flow columns. */
  private static List<Integer> changedColumns(int r) {
    List<Integer> out = new ArrayList<>();
    Panel p = injected.panel();
    for (StateVariable v : StateVariable.all()) {
      if (Double.compare(clean.state(r, v), p.state(r, v)) != 0) {
        out.add(v.index());
      }
    }
    for (FlowVariable v : FlowVariable.all()) {
      if (Double.compare(clean.flow(r, v), p.flow(r, v)) != 0) {
        out.add(Panel.S + v.index());
      }
    }
    return out;
  }

  @Test
  void theSimulatedPanelPassesEveryAccountingCheck() {
    FirmYearFeatures f = FirmYearFeatures.of(clean);
    for (int r = 0; r < f.rows(); r++) {
      for (String check :
          List.of("balance_gap", "wrong_sign_flows", "continuity_gap", "lag_copy_gap")) {
        assertEquals(0, f.value(r, check), 0.0, check + " of row " + r);
      }
    }
  }

  @Test
  void labelsExactlyTheRowsItChanged() {
    assertEquals(FIRMS * YEARS, injected.panel().rows());
    assertArrayEquals(clean.firmIds(), injected.panel().firmIds());
    assertArrayEquals(clean.years(), injected.panel().years());
    for (AnomalyKind k : AnomalyKind.values()) {
      if (k.isAnomaly()) {
        assertEquals(40, injected.count(k), k.toString());
      }
    }
    for (int r = 0; r < clean.rows(); r++) {
      boolean changed = !changedColumns(r).isEmpty();
      assertEquals(injected.label(r).isAnomaly(), changed, "row " + r + " " + injected.label(r));
    }
  }

  @Test
  void eachKindChangesWhatItSays() {
    Panel p = injected.panel();
    for (int r = 0; r < clean.rows(); r++) {
      List<Integer> cols = changedColumns(r);
      double k =
          Math.max(
              1,
              clean.state(r, StateVariable.CA)
                  + clean.state(r, StateVariable.MA)
                  + clean.state(r, StateVariable.BU)
                  + clean.state(r, StateVariable.OFA));
      switch (injected.label(r)) {
        case BROKEN_IDENTITY:
          {
            assertEquals(1, cols.size());
            StateVariable v = StateVariable.at(cols.get(0));
            assertEquals(StateVariable.Kind.ASSET, v.kind());
            double move = Math.abs(p.state(r, v) - clean.state(r, v));
            assertTrue(move >= 0.05 * k * (1 - 1e-12) && move <= 0.5 * k * (1 + 1e-12));
            assertTrue(clean.previousRow(r) >= 0);
            break;
          }
        case STOCK_JUMP:
          {
            assertEquals(2, cols.size(), cols.toString());
            assertTrue(cols.contains(StateVariable.URE.index()));
            StateVariable v =
                StateVariable.at(
                    cols.get(0) == StateVariable.URE.index() ? cols.get(1) : cols.get(0));
            assertTrue(v.isBalanceSheet());
            assertEquals(100 * clean.state(r, v), p.state(r, v), 1e-9 * Math.abs(p.state(r, v)));
            assertEquals(0, identityGap(p, r), 1e-9 * Math.abs(p.state(r, v)));
            break;
          }
        case WRONG_SIGN:
          {
            assertEquals(1, cols.size());
            int c = cols.get(0);
            double before;
            double after;
            if (c < Panel.S) {
              assertTrue(FirmYearFeatures.nonNegativeStateFlows().contains(StateVariable.at(c)));
              before = clean.state(r, StateVariable.at(c));
              after = p.state(r, StateVariable.at(c));
            } else {
              FlowVariable v = FlowVariable.all().get(c - Panel.S);
              assertTrue(FirmYearFeatures.nonNegativeFlows().contains(v));
              before = clean.flow(r, v);
              after = p.flow(r, v);
            }
            assertTrue(before > 0);
            assertEquals(-before, after, 0.0);
            break;
          }
        case COPIED_HISTORY:
          {
            int src = injected.sourceRow(r);
            assertNotEquals(clean.firmId(src), clean.firmId(r));
            assertEquals(clean.year(src), clean.year(r));
            // The copy runs from a year on to the firm's last year, after one year of its own.
            int prev = clean.previousRow(r);
            assertTrue(prev >= 0);
            assertTrue(nextRowIsCopiedOrAbsent(r));
            for (StateVariable v : StateVariable.all()) {
              double now = p.state(r, v);
              if (v.kind() == StateVariable.Kind.CHARACTERISTIC) {
                assertEquals(clean.state(r, v), now, 0.0, v.name());
              } else {
                assertNoisyCopy(clean.state(src, v), now, v.name());
              }
            }
            for (FlowVariable v : FlowVariable.all()) {
              assertNoisyCopy(clean.flow(src, v), p.flow(r, v), v.name());
            }
            break;
          }
        default:
          assertEquals(-1, injected.sourceRow(r));
      }
    }
  }

  private static boolean nextRowIsCopiedOrAbsent(int r) {
    for (int q = 0; q < clean.rows(); q++) {
      if (clean.previousRow(q) == r) {
        return injected.label(q) == AnomalyKind.COPIED_HISTORY;
      }
    }
    return true;
  }

  /** A copied value: the source times exp(0.01 Z), |Z| < 6. */
  private static void assertNoisyCopy(double source, double copy, String name) {
    if (source == 0) {
      assertEquals(0, copy, 0.0, name);
    } else {
      double logRatio = Math.log(copy / source);
      assertTrue(Math.abs(logRatio) < 0.06, name + ": " + source + " -> " + copy);
    }
  }

  private static double identityGap(Panel p, int r) {
    double gap = 0;
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() == StateVariable.Kind.ASSET) {
        gap += p.state(r, v);
      } else if (v.kind() == StateVariable.Kind.LIABILITY) {
        gap -= p.state(r, v);
      }
    }
    return gap;
  }

  @Test
  void injectionIsDeterministicForASeed() {
    InjectedPanel again = AnomalyInjector.builder().optSeed(4).build().inject(clean);
    assertArrayEquals(injected.labels(), again.labels());
    assertArrayEquals(injected.panel().state(), again.panel().state(), 0.0);
    assertArrayEquals(injected.panel().flows(), again.panel().flows(), 0.0);
    InjectedPanel other = AnomalyInjector.builder().optSeed(5).build().inject(clean);
    assertFalse(Arrays.equals(injected.labels(), other.labels()));
  }

  @Test
  void isolationForestFindsEveryKindWithAucAbove095() {
    FirmYearFeatures f = FirmYearFeatures.of(injected.panel());
    double[][] x = f.matrix(FirmYearFeatures.SCORING_COLUMNS);
    double[] scores = IsolationForest.builder().optSeed(6).fit(x).scores(x);
    Map<AnomalyKind, Double> auc = AnomalyEvaluation.aucByKind(scores, injected.labels());
    System.out.println("AUC per kind on " + clean.rows() + " firm-years: " + auc);
    assertEquals(4, auc.size());
    for (Map.Entry<AnomalyKind, Double> e : auc.entrySet()) {
      assertTrue(e.getValue() >= 0.95, e.getKey() + " AUC " + e.getValue());
    }
  }

  @Test
  void featuresOfThePanelCsvEqualThoseOfTheArrays(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("panel.csv");
    Panel p = injected.panel();
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      w.write(p.firmIds(), p.years(), p.state(), p.flows(), p.rows());
    }
    double[][] fromCsv = FirmYearFeatures.ofCsv(file).matrix();
    double[][] fromArrays = FirmYearFeatures.of(p).matrix();
    for (int r = 0; r < fromArrays.length; r++) {
      assertArrayEquals(fromArrays[r], fromCsv[r], 0.0, "row " + r);
    }
  }

  /**
   * The limit of a per firm-year score for copied histories: an exact copy (noise 0) passes every
   * accounting check except in its first copied year, where it breaks from the firm's own past.
   */
  @Test
  void anExactCopyIsVisibleOnlyInItsFirstYear() {
    InjectedPanel exact =
        AnomalyInjector.builder().optSeed(4).optCopyNoise(0).build().inject(clean);
    FirmYearFeatures f = FirmYearFeatures.of(exact.panel());
    int first = 0;
    int later = 0;
    for (int r = 0; r < clean.rows(); r++) {
      if (exact.label(r) != AnomalyKind.COPIED_HISTORY) {
        continue;
      }
      boolean boundary = exact.label(clean.previousRow(r)) != AnomalyKind.COPIED_HISTORY;
      if (boundary) {
        first++;
        assertTrue(f.value(r, "continuity_gap") > 0, "first copied year, row " + r);
      } else {
        later++;
        for (String check :
            List.of("balance_gap", "wrong_sign_flows", "continuity_gap", "lag_copy_gap")) {
          assertEquals(0, f.value(r, check), 0.0, check + " of later copied row " + r);
        }
      }
    }
    assertTrue(first > 0 && later > 0, first + " first years, " + later + " later ones");
  }
}
