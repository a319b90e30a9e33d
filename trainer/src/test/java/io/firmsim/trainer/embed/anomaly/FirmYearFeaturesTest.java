package io.firmsim.trainer.embed.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The features of a hand-made two-year firm whose accounts add up, then with errors planted. */
class FirmYearFeaturesTest {
  private final double[] state = new double[2 * Panel.S];
  private final double[] flows = new double[2 * Panel.F];

  FirmYearFeaturesTest() {
    // Year 2001: K = 100 + 200 + 300 + 400 = 1000 = 150 + 250 + 100 + 50 + 450.
    set(0, StateVariable.CA, 100);
    set(0, StateVariable.MA, 200);
    set(0, StateVariable.BU, 300);
    set(0, StateVariable.OFA, 400);
    set(0, StateVariable.CL, 150);
    set(0, StateVariable.LL, 250);
    set(0, StateVariable.SC, 100);
    set(0, StateVariable.RR, 50);
    set(0, StateVariable.URE, 450);
    set(0, StateVariable.CASHFL, 40);
    flow(0, FlowVariable.OIBD, 80);
    // Year 2002: CA + DCA 10; MA + IMA 50 - SMA 5 - EDEPMA 20; CL + DCL 5; LL + DLL 30;
    // ASD + TDEPMA 20 - EDEPMA 20; URE + NBI 60 - DIV_1 0 - DRR 0 - CASHFL 60. K = 1035.
    set(1, StateVariable.CA, 110);
    set(1, StateVariable.DCA, 10);
    set(1, StateVariable.MA, 225);
    set(1, StateVariable.IMA, 50);
    set(1, StateVariable.SMA, 5);
    set(1, StateVariable.EDEPMA, 20);
    set(1, StateVariable.TDEPMA, 20);
    set(1, StateVariable.BU, 300);
    set(1, StateVariable.OFA, 400);
    set(1, StateVariable.CL, 155);
    set(1, StateVariable.DCL, 5);
    set(1, StateVariable.LL, 280);
    flow(1, FlowVariable.DLL, 30);
    set(1, StateVariable.SC, 100);
    set(1, StateVariable.RR, 50);
    set(1, StateVariable.URE, 450);
    flow(1, FlowVariable.NBI, 60);
    set(1, StateVariable.CASHFL, 60);
    set(1, StateVariable.CASHFL_1, 40);
    flow(1, FlowVariable.OIBD, 100);
    flow(1, FlowVariable.FE, 5);
  }

  private void set(int row, StateVariable v, double value) {
    state[row * Panel.S + v.index()] = value;
  }

  private void flow(int row, FlowVariable v, double value) {
    flows[row * Panel.F + v.index()] = value;
  }

  private FirmYearFeatures features() {
    return FirmYearFeatures.of(new long[] {7, 7}, new int[] {2001, 2002}, state, flows);
  }

  private static double asinh(double x) {
    return Math.log(x + Math.sqrt(x * x + 1));
  }

  @Test
  void ratiosAndChangesMatchAHandComputation() {
    FirmYearFeatures f = features();
    assertEquals(2, f.rows());
    assertEquals(FirmYearFeatures.columnNames().size(), f.columns());
    assertEquals(435.0 / 1035, f.value(1, "debt_ratio"), 1e-15);
    assertEquals(Math.log(111.035 / 156.035), f.value(1, "current_ratio"), 1e-14);
    assertEquals(600.0 / 1035, f.value(1, "equity_ratio"), 1e-15);
    assertEquals(100.0 / 1035, f.value(1, "return_on_assets"), 1e-15);
    assertEquals(Math.log(1035), f.value(1, "log_total_assets"), 1e-14);
    assertEquals(Math.log(1.035), f.value(1, "asset_growth"), 1e-14);
    assertEquals(20.0 / 1000, f.value(1, "oibd_growth"), 1e-15);
    // e Kp = 1e-3 * 1000 = 1 SEK.
    assertEquals(asinh(110) - asinh(100), f.value(1, "dlog_CA"), 1e-12);
    assertEquals(asinh(280) - asinh(250), f.value(1, "dlog_LL"), 1e-12);
    assertEquals(0, f.value(1, "dlog_BU"), 0.0);
    // The accounts add up: every check is 0.
    for (String check :
        List.of("balance_gap", "wrong_sign_flows", "continuity_gap", "lag_copy_gap")) {
      assertEquals(0, f.value(1, check), 0.0, check);
    }
    // The first year has no previous year: its change features are 0.
    assertEquals(400.0 / 1000, f.value(0, "debt_ratio"), 1e-15);
    assertEquals(0, f.value(0, "asset_growth"), 0.0);
    assertEquals(0, f.value(0, "dlog_CA"), 0.0);
    assertTrue(FirmYearFeatures.SCORING_COLUMNS.stream().noneMatch(n -> n.startsWith("dlog_")));
    assertEquals(
        FirmYearFeatures.columnNames().size() - 17, FirmYearFeatures.SCORING_COLUMNS.size());
  }

  @Test
  void plantedErrorsShowInTheirChecks() {
    flow(1, FlowVariable.FE, -5);
    set(1, StateVariable.EDEPBU, -1);
    set(1, StateVariable.CASHFL_1, 45);
    FirmYearFeatures f = features();
    assertEquals(2, f.value(1, "wrong_sign_flows"), 0.0);
    // CASHFL_1 45 against last year's CASHFL 40: 5 / max(1035, 1000) above the 1e-6 floor.
    assertEquals(Math.log10(5.0 / 1035 / 1e-6), f.value(1, "lag_copy_gap"), 1e-12);
    // EDEPBU -1 with BU unchanged breaks BU = BU_1 + IBU - EDEPBU by 1.
    assertEquals(Math.log10(1.0 / 1035 / 1e-6), f.value(1, "continuity_gap"), 1e-12);
    assertEquals(0, f.value(1, "balance_gap"), 0.0);

    // CA moved by 50 without a counterpart: gap 50 / K, K = 1085; CA's continuity broken by 50.
    set(1, StateVariable.CA, 160);
    f = features();
    assertEquals(Math.log10(50.0 / 1085 / 1e-6), f.value(1, "balance_gap"), 1e-12);
    assertEquals(Math.log10(50.0 / 1085 / 1e-6), f.value(1, "continuity_gap"), 1e-12);
  }

  @Test
  void matrixSelectsNamedColumnsAndRefusesUnknownOnes() {
    FirmYearFeatures f = features();
    double[][] m = f.matrix(List.of("return_on_assets", "debt_ratio"));
    assertEquals(f.value(1, "return_on_assets"), m[1][0], 0.0);
    assertEquals(f.value(1, "debt_ratio"), m[1][1], 0.0);
    assertEquals(f.columns(), f.matrix()[0].length);
    assertThrows(IllegalArgumentException.class, () -> f.matrix(List.of("sales")));
  }

  @Test
  void aBrokenPanelCsvIsRefusedNamingFileRowAndColumn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("panel.csv");
    StringBuilder sb =
        new StringBuilder(String.join(",", io.firmsim.trainer.panel.PanelCsvReader.columnNames()));
    sb.append('\n').append("1,2001");
    for (int i = 0; i < Panel.S + Panel.F; i++) {
      sb.append(',').append(i == 3 ? "abc" : "0");
    }
    sb.append('\n');
    Files.writeString(file, sb.toString());
    BadInputException e = assertThrows(BadInputException.class, () -> FirmYearFeatures.ofCsv(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    assertTrue(e.getMessage().contains(StateVariable.at(3).name()), e.getMessage());
  }
}
