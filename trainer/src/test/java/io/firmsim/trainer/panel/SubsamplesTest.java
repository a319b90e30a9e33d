package io.firmsim.trainer.panel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row selection, targets and dropped constant features of {@link Subsamples} (MODEL.md section 6)
 * on a hand-built panel: firm 1 in years 1-5, firm 2 in years 3-5, firm 3 in year 1 only and firm 2
 * again in year 7 (after a gap), so the table has the six rows of firm 1 years 2-5 and firm 2 years
 * 4-5. Each target takes chosen values on those rows, of every sign pattern.
 */
class SubsamplesTest {
  // one value per table row: firm 1 years 2..5, then firm 2 years 4..5
  private static final double[] SMA = {3, 0, -2, 5, 0, -1}; // MUNO
  private static final double[] DOFA = {-4, 6, 0, 0, 2, -8}; // LSG
  private static final double[] EDEPMA = {0, 4, 3, 7, 1, 0}; // LLG
  private static final double[] DLL = {9, 0, 0, -3, 0, 0}; // LLN
  private static final double[] IMA = {0, 0, 12, 0, 30, 5}; // TOBIT
  private static final double[] DCA = {-7, 1, 2, -3, 4, 0}; // HS
  private static final double[] OTA = {1, 2, 3, 4, 5, 6}; // MUNO, never negative

  private static final ModelSpec SPEC = PaperModel.load();
  private static final MacroPath MACRO =
      new MacroPath(1, new double[] {1e9, 2e9, 3e9, 4e9, 5e9}, new double[] {0, 0, 0, 0, 0});
  private static FeatureTable table;

  @BeforeAll
  static void build() {
    PanelFixtures p = new PanelFixtures(5);
    List<Integer> tableRows = new ArrayList<>();
    for (int year = 1; year <= 5; year++) {
      int r = p.row(1, year);
      p.set(r, "Public", 0);
      if (year > 1) {
        tableRows.add(r);
      }
    }
    p.row(3, 1); // no previous year: not in the table
    for (int year = 3; year <= 5; year++) {
      int r = p.row(2, year);
      p.set(r, "Public", 1);
      if (year > 3) {
        tableRows.add(r);
      }
    }
    p.row(2, 7); // year 6 missing: not in the table
    p.setAll("FAAB", 0).setAll("market", 0.25).setAll("ruralare", 1);
    for (int i = 0; i < tableRows.size(); i++) {
      int r = tableRows.get(i);
      p.set(r, "SMA", SMA[i]).set(r, "DOFA", DOFA[i]).set(r, "EDEPMA", EDEPMA[i]);
      p.set(r, "DLL", DLL[i]).set(r, "IMA", IMA[i]).set(r, "DCA", DCA[i]);
      p.set(r, "OTA", OTA[i]);
    }
    table = FeatureTable.of(p.panel(), MACRO);
    assertEquals(6, table.rows());
  }

  @Test
  void munoProbabilityTakesTheSignOnAllRows() {
    SubmodelData d = data("SMA", "prob");
    assertEquals(Family.ORDINAL3, d.family());
    assertEquals(Link.CLOGLOG, d.link());
    assertArrayEquals(new double[] {1, 0, -1, 1, 0, -1}, d.y());
    assertRows(d, "SMA", "prob", v -> true);
  }

  @Test
  void levelsBySignTakeTheirRows() {
    SubmodelData pos = data("SMA", "level_pos");
    assertEquals(Family.HUBER, pos.family());
    assertNull(pos.link());
    assertArrayEquals(new double[] {3, 5}, pos.y());
    assertRows(pos, "SMA", "level_pos", v -> v > 0);
    SubmodelData neg = data("SMA", "level_neg");
    assertArrayEquals(new double[] {-2, -1}, neg.y());
    assertRows(neg, "SMA", "level_neg", v -> v < 0);

    assertArrayEquals(new double[] {6, 2}, data("DOFA", "level_pos").y());
    assertRows(data("DOFA", "level_pos"), "DOFA", "level_pos", v -> v > 0);
    assertArrayEquals(new double[] {-4, -8}, data("DOFA", "level_neg").y());
    assertRows(data("DOFA", "level_neg"), "DOFA", "level_neg", v -> v < 0);
  }

  @Test
  void lsgProbabilitiesAreIndicatorsOfEachSignOnAllRows() {
    SubmodelData pos = data("DOFA", "prob_pos");
    SubmodelData neg = data("DOFA", "prob_neg");
    assertEquals(Family.BINARY, pos.family());
    assertEquals(Link.CLOGLOG, pos.link());
    assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0}, pos.y());
    assertArrayEquals(new double[] {1, 0, 0, 0, 0, 1}, neg.y());
    assertRows(pos, "DOFA", "prob_pos", v -> true);
    assertRows(neg, "DOFA", "prob_neg", v -> true);
  }

  @Test
  void hurdleProbabilityIsNonZeroAndLevelTakesNonZeroRows() {
    SubmodelData prob = data("EDEPMA", "prob");
    assertEquals(Family.BINARY, prob.family());
    assertEquals(Link.CLOGLOG, prob.link());
    assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0}, prob.y());
    assertRows(prob, "EDEPMA", "prob", v -> true);
    SubmodelData level = data("EDEPMA", "level");
    assertArrayEquals(new double[] {4, 3, 7, 1}, level.y());
    assertRows(level, "EDEPMA", "level", v -> v != 0);

    SubmodelData logit = data("DLL", "prob");
    assertEquals(Link.LOGIT, logit.link());
    assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0}, logit.y());
    assertArrayEquals(new double[] {9, -3}, data("DLL", "level").y());
    assertRows(data("DLL", "level"), "DLL", "level", v -> v != 0);
  }

  @Test
  void tobitAndHuberLevelsTakeAllRowsAndTheValue() {
    SubmodelData tobit = data("IMA", "latent");
    assertEquals(Family.TOBIT, tobit.family());
    assertNull(tobit.link());
    assertArrayEquals(IMA, tobit.y());
    assertRows(tobit, "IMA", "latent", v -> true);
    SubmodelData hs = data("DCA", "level");
    assertEquals(Family.HUBER, hs.family());
    assertArrayEquals(DCA, hs.y());
    assertRows(hs, "DCA", "level", v -> true);
  }

  @Test
  void constantFeaturesAreDroppedAndListedInSpecOrder() {
    // FAAB (0), market (0.25) and ruralare (1) are constant everywhere; Public is 0 for firm 1
    // and 1 for firm 2, so constant only on a subsample of one firm's rows; dgnp varies by year.
    SubmodelData prob = data("EDEPMA", "prob");
    assertEquals(List.of("FAAB", "ruralare", "market"), prob.droppedConstant());
    assertTrue(prob.features().containsAll(List.of("Public", "dgnp", "largcity", "marketw")));

    SubmodelData level = data("SMA", "level_pos"); // firm 1 rows only (3 and 5)
    assertEquals(List.of("FAAB", "Public", "ruralare", "market"), level.droppedConstant());

    SubmodelData neg = data("SMA", "level_neg"); // one row of each firm
    assertEquals(List.of("FAAB", "ruralare", "market"), neg.droppedConstant());

    // kept + dropped is the spec's list, both in its order
    for (SubmodelData d : List.of(prob, level, neg)) {
      List<String> all = names(SPEC.equation(d.equationTarget()).submodel(d.submodel()));
      assertEquals(all.stream().filter(d.features()::contains).toList(), d.features());
      assertEquals(
          all.stream().filter(d.droppedConstant()::contains).toList(), d.droppedConstant());
      assertEquals(all.size(), d.features().size() + d.droppedConstant().size());
    }
  }

  @Test
  void anEmptySubsampleHasNoRowsAndDropsEveryFeature() {
    SubmodelData d = data("OTA", "level_neg");
    assertEquals(0, d.n());
    assertEquals(0, d.x().length);
    assertEquals(0, d.y().length);
    assertEquals(List.of(), d.features());
    assertEquals(names(SPEC.equation("OTA").submodel("level_neg")), d.droppedConstant());
  }

  @Test
  void allGivesEverySubmodelInSpecOrder() {
    List<SubmodelData> all = Subsamples.all(table, SPEC);
    assertEquals(51, all.size());
    int k = 0;
    for (EquationSpec e : SPEC.equations()) {
      for (String s : e.method().submodels()) {
        SubmodelData d = all.get(k++);
        assertEquals(e.target(), d.equationTarget());
        assertEquals(s, d.submodel());
        assertEquals(e.submodel(s).family(), d.family());
        assertEquals(e.submodel(s).link(), d.link());
      }
    }
    assertEquals("EDEPMA", all.get(0).equationTarget());
    assertEquals("ROT", all.get(50).equationTarget());
  }

  @Test
  void anUnknownSubmodelIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> Subsamples.of(table, SPEC.equation("DCA"), "prob"));
  }

  /** The rows of {@code d} are the table rows passing {@code test}; x holds their features. */
  private static void assertRows(
      SubmodelData d, String target, String submodel, DoublePredicate test) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < table.rows(); i++) {
      if (test.test(table.target(i, target))) {
        rows.add(i);
      }
    }
    assertEquals(rows.size(), d.n());
    assertEquals(d.n() * d.p(), d.x().length);
    for (int i = 0; i < d.n(); i++) {
      for (int j = 0; j < d.p(); j++) {
        Feature f = Feature.byName(d.features().get(j)).orElseThrow();
        assertEquals(table.value(rows.get(i), f), d.x(i, j), 0.0, f.name());
      }
    }
    assertEquals(target, d.equationTarget());
    assertEquals(submodel, d.submodel());
  }

  private static SubmodelData data(String target, String submodel) {
    return Subsamples.of(table, SPEC.equation(target), submodel);
  }

  private static List<String> names(SubmodelSpec s) {
    return s.features().stream().map(Feature::name).collect(Collectors.toList());
  }
}
