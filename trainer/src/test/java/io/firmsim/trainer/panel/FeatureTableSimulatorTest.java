package io.firmsim.trainer.panel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks {@link FeatureTable} against the simulator: a small population simulated in mean
 * mode (deterministic, no level noise) under a non-zero macro path, its panel collected in memory.
 * Every feature is recomputed by hand from the panel rows, and the Huber (HS) equations, whose
 * value is their linear predictor where their clamp does not bind, and T1 (LLG, all features
 * lagged, mean mode value {@code cloglog(eta_prob) * eta_level}) are re-evaluated from the table
 * and compared with the simulated values.
 */
class FeatureTableSimulatorTest {
  private static final int FIRMS = 300;
  private static final int YEARS = 6;
  private static final int START_YEAR = 2001;

  /** Relative agreement of a recomputed equation value with the simulated one. */
  private static final double RELATIVE = 1e-9;

  private static final MacroPath MACRO =
      new MacroPath(
          START_YEAR,
          new double[] {2.0e9, -1.5e9, 3.0e9, 5.0e8, 1.0e9, -2.0e8},
          new double[] {0.02, 0.035, -0.01, 0.015, 0.04, 0.0});

  private static ModelSpec spec;
  private static Panel panel;
  private static FeatureTable table;

  /** A panel writer that keeps the rows in memory. */
  private static final class Collector implements PanelWriter {
    final List<Long> firms = new ArrayList<>();
    final List<Integer> years = new ArrayList<>();
    final List<double[]> states = new ArrayList<>();
    final List<double[]> flows = new ArrayList<>();

    @Override
    public void write(long[] firmIds, int[] yrs, double[] state, double[] flow, int rows) {
      for (int r = 0; r < rows; r++) {
        firms.add(firmIds[r]);
        years.add(yrs[r]);
        states.add(Arrays.copyOfRange(state, r * Panel.S, (r + 1) * Panel.S));
        flows.add(Arrays.copyOfRange(flow, r * Panel.F, (r + 1) * Panel.F));
      }
    }

    @Override
    public void close() {}

    Panel toPanel() {
      int n = firms.size();
      long[] ids = new long[n];
      int[] yrs = new int[n];
      double[] st = new double[n * Panel.S];
      double[] fl = new double[n * Panel.F];
      for (int r = 0; r < n; r++) {
        ids[r] = firms.get(r);
        yrs[r] = years.get(r);
        System.arraycopy(states.get(r), 0, st, r * Panel.S, Panel.S);
        System.arraycopy(flows.get(r), 0, fl, r * Panel.F, Panel.F);
      }
      return Panel.of(ids, yrs, st, fl);
    }
  }

  @BeforeAll
  static void simulate() {
    spec = PaperModel.load();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(YEARS)
            .optBurnIn(3)
            .optStartYear(START_YEAR)
            .optMode(ForwardMode.MEAN)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optMacro(MACRO)
            .build();
    Collector collector = new Collector();
    new Simulator(config).run(new StartupPopulation(11, FIRMS, spec.constants()), collector, null);
    panel = collector.toPanel();
    table = FeatureTable.of(panel, MACRO);
  }

  @Test
  void everyFirmYearWithAPreviousYearIsARow() {
    assertEquals(FIRMS * YEARS, panel.rows());
    assertEquals(FIRMS * (YEARS - 1), table.rows());
    for (int i = 0; i < table.rows(); i++) {
      int r = table.panelRow(i);
      assertEquals(panel.firmId(r), table.firmId(i));
      assertEquals(panel.year(r), table.year(i));
      assertTrue(table.year(i) > START_YEAR);
      assertEquals(r - 1, panel.previousRow(r));
    }
  }

  /** Every feature of the vocabulary, recomputed by hand from the panel rows (exactly). */
  @Test
  void everyFeatureMatchesItsDefinitionOnThePanelRows() {
    for (int i = 0; i < table.rows(); i++) {
      int r = table.panelRow(i);
      int p = panel.previousRow(r);
      for (Feature f : Feature.values()) {
        double expected = byHand(f, p, r);
        assertEquals(
            expected,
            table.value(i, f),
            0.0,
            () -> f + " of firm " + panel.firmId(r) + ", year " + panel.year(r));
      }
      for (String target : ModelSpec.TARGETS) {
        double expected =
            StateVariable.byName(target).isPresent()
                ? panel.state(r, StateVariable.valueOf(target))
                : panel.flow(r, FlowVariable.valueOf(target));
        assertEquals(expected, table.target(i, target), 0.0, target);
      }
    }
  }

  /**
   * HS equations: the simulated value is {@code intercept + sum(b_j x_j)} of the features as the
   * simulator saw them, wherever the equation's clamp did not bind. OIBD (T12) has no clamp.
   */
  @Test
  void hsEquationsReproduceTheSimulatedValues() {
    double worst = 0;
    // T12 OIBD: no clamp, every row.
    worst = Math.max(worst, checkHs("OIBD", i -> true, table.rows()));
    // T7 DCA = max(T7, -CA_1): where CA did not fall to 0 (then DCA = -CA_1 exactly).
    worst = Math.max(worst, checkHs("DCA", i -> now(i, StateVariable.CA) > 0, 50));
    // T9 DCL = max(T9, -CL_1): likewise with CL.
    worst = Math.max(worst, checkHs("DCL", i -> now(i, StateVariable.CL) > 0, 50));
    // T23 PALLO = min(max(T23, 0), MPA): where 0 < PALLO < MPA, i.e. DMPA = MPA - PALLO > 0.
    worst =
        Math.max(
            worst,
            checkHs(
                "PALLO",
                i -> now(i, StateVariable.PALLO) > 0 && now(i, StateVariable.DMPA) > 0,
                50));
    System.out.printf("HS cross-check: largest relative difference %.3e%n", worst);
  }

  /**
   * T1 EDEPMA (LLG, every feature lagged): mean mode gives {@code max(0, cloglog(eta_prob) *
   * eta_level)}, then step 4 may scale it down; compared where it is positive and machinery was not
   * exhausted (so the scaling did not bind).
   */
  @Test
  void laggedOnlyEquationReproducesTheSimulatedValue() {
    SubmodelSpec prob = spec.equation("EDEPMA").submodel("prob");
    SubmodelSpec level = spec.equation("EDEPMA").submodel("level");
    assertTrue(prob.features().stream().allMatch(Feature::lagged));
    assertTrue(level.features().stream().allMatch(Feature::lagged));
    int checked = 0;
    double worst = 0;
    for (int i = 0; i < table.rows(); i++) {
      int r = table.panelRow(i);
      int p = panel.previousRow(r);
      double available = panel.state(p, StateVariable.MA) + table.target(i, "IMA");
      double simulated = table.target(i, "EDEPMA");
      if (!(simulated > 0 && now(i, StateVariable.MA) > 1e-6 * Math.max(1, available))) {
        continue;
      }
      double pr = 1 - Math.exp(-Math.exp(eta(prob, i)));
      double expected = pr * eta(level, i);
      double rel = Math.abs(expected - simulated) / Math.max(1, Math.abs(simulated));
      worst = Math.max(worst, rel);
      assertTrue(rel <= RELATIVE, "EDEPMA row " + i + ": " + expected + " vs " + simulated);
      checked++;
    }
    assertTrue(checked > table.rows() / 10, "only " + checked + " rows checked");
    System.out.printf(
        "T1 EDEPMA cross-check: %d rows, largest relative difference %.3e%n", checked, worst);
  }

  /** Checks an HS equation on the rows where its clamp is free; at least {@code least} rows. */
  private double checkHs(String target, IntPredicate clampFree, int least) {
    SubmodelSpec level = spec.equation(target).submodel("level");
    int checked = 0;
    double worst = 0;
    for (int i = 0; i < table.rows(); i++) {
      if (!clampFree.test(i)) {
        continue;
      }
      double expected = eta(level, i);
      double simulated = table.target(i, target);
      double rel = Math.abs(expected - simulated) / Math.max(1, Math.abs(simulated));
      worst = Math.max(worst, rel);
      int row = i;
      assertTrue(
          rel <= RELATIVE,
          () ->
              target
                  + " of firm "
                  + table.firmId(row)
                  + ", year "
                  + table.year(row)
                  + ": recomputed "
                  + expected
                  + ", simulated "
                  + simulated);
      checked++;
    }
    assertTrue(checked >= least, target + ": only " + checked + " rows checked");
    System.out.printf(
        "T%d %s: %d of %d rows checked, largest relative difference %.3e%n",
        spec.equation(target).table(), target, checked, table.rows(), worst);
    return worst;
  }

  private static double eta(SubmodelSpec s, int row) {
    double[] b = s.coefficients();
    double eta = s.intercept();
    for (int j = 0; j < b.length; j++) {
      eta += b[j] * table.value(row, s.features().get(j));
    }
    return eta;
  }

  private static double now(int row, StateVariable v) {
    return panel.state(table.panelRow(row), v);
  }

  /** A feature's definition (MODEL.md section 2), written out independently of the class. */
  private static double byHand(Feature f, int p, int r) {
    double cashfl = panel.state(p, StateVariable.CASHFL);
    double cashfl1 = panel.state(p, StateVariable.CASHFL_1);
    double mcash = panel.state(p, StateVariable.MCASH);
    double mcash1 = panel.state(p, StateVariable.MCASH_1);
    double dcash = cashfl - cashfl1;
    double ddmcash = (mcash - cashfl) - (mcash1 - cashfl1);
    double ddmtdm = panel.state(p, StateVariable.DMTDM) - panel.state(p, StateVariable.DMTDM_1);
    double ddmpa = panel.state(p, StateVariable.DMPA) - panel.state(p, StateVariable.DMPA_1);
    double ima = panel.state(r, StateVariable.IMA);
    double ibu = panel.state(r, StateVariable.IBU);
    double dca = panel.state(r, StateVariable.DCA);
    double dcl = panel.state(r, StateVariable.DCL);
    double dofa = panel.flow(r, FlowVariable.DOFA);
    double dll = panel.flow(r, FlowVariable.DLL);
    double pallo = panel.state(r, StateVariable.PALLO);
    double zpf = panel.flow(r, FlowVariable.ZPF);
    switch (f) {
      case dcasht_1:
        return dcash;
      case dcasht_12:
        return dcash * dcash;
      case ddmcasht_1:
        return ddmcash;
      case ddmcasht_12:
        return ddmcash * ddmcash;
      case sumcasht_1:
        return ddmcash + dcash;
      case diffcasht_1:
        return ddmcash - dcash;
      case ddmtdmt_1:
        return ddmtdm;
      case ddmtdmt_12:
        return ddmtdm * ddmtdm;
      case ddmpat_1:
        return ddmpa;
      case ddmpat_12:
        return ddmpa * ddmpa;
      case ddmpat_13:
        return ddmpa * ddmpa * ddmpa;
      case dmpat_1:
        return panel.state(p, StateVariable.DMPA);
      case TDEPMAt_1:
        return panel.state(p, StateVariable.TDEPMA);
      case TDEPMAt_12:
        return square(panel.state(p, StateVariable.TDEPMA));
      case MAt_1:
        return panel.state(p, StateVariable.MA);
      case I_MAt_1:
        return panel.state(p, StateVariable.IMA);
      case I_MAt_12:
        return square(panel.state(p, StateVariable.IMA));
      case EDEPBUt_1:
        return panel.state(p, StateVariable.EDEPBU);
      case EDEPBUt_12:
        return square(panel.state(p, StateVariable.EDEPBU));
      case I_BUt_1:
        return panel.state(p, StateVariable.IBU);
      case I_BUt_12:
        return square(panel.state(p, StateVariable.IBU));
      case BUt_1:
        return panel.state(p, StateVariable.BU);
      case BUt_12:
        return square(panel.state(p, StateVariable.BU));
      case OFAt_1:
        return panel.state(p, StateVariable.OFA);
      case CAt_1:
        return panel.state(p, StateVariable.CA);
      case LLt_1:
        return panel.state(p, StateVariable.LL);
      case PALLOt_1:
        return panel.state(p, StateVariable.PALLO);
      case dcat_1:
        return panel.state(p, StateVariable.DCA);
      case dclt_1:
        return panel.state(p, StateVariable.DCL);
      case dclt_12:
        return square(panel.state(p, StateVariable.DCL));
      case sumcaclt_1:
        return panel.state(p, StateVariable.CA) + panel.state(p, StateVariable.CL);
      case diffcaclt_1:
        return panel.state(p, StateVariable.CA) - panel.state(p, StateVariable.CL);
      case dgnp:
        return MACRO.dgnp(panel.year(r));
      case realr:
        return MACRO.realr(panel.year(r));
      case FAAB:
        return panel.state(p, StateVariable.FAAB);
      case Public:
        return panel.state(p, StateVariable.Public);
      case ruralare:
        return panel.state(p, StateVariable.ruralare);
      case largcity:
        return panel.state(p, StateVariable.largcity);
      case market:
        return panel.state(p, StateVariable.market);
      case marketw:
        return panel.state(p, StateVariable.marketw);
      case EDEPMAt:
        return panel.state(r, StateVariable.EDEPMA);
      case EDEPMAt2:
        return square(panel.state(r, StateVariable.EDEPMA));
      case SMAt:
      case smat:
        return panel.state(r, StateVariable.SMA);
      case SMAt2:
        return square(panel.state(r, StateVariable.SMA));
      case IMAt:
      case I_MAt:
        return ima;
      case I_MAt2:
        return ima * ima;
      case DIMA:
        return ima > 0 ? 1 : 0;
      case EDEPBUt:
        return panel.state(r, StateVariable.EDEPBU);
      case EDEPBUt2:
        return square(panel.state(r, StateVariable.EDEPBU));
      case IBUt:
      case I_BUt:
        return ibu;
      case IBUt2:
        return ibu * ibu;
      case IBUt3:
        return ibu * ibu * ibu;
      case DIBU:
        return ibu != 0 ? 1 : 0;
      case OIBDt:
        return panel.flow(r, FlowVariable.OIBD);
      case OIBDt2:
        return square(panel.flow(r, FlowVariable.OIBD));
      case OIBDt3:
        return cube(panel.flow(r, FlowVariable.OIBD));
      case FIt:
        return panel.flow(r, FlowVariable.FI);
      case FIt2:
        return square(panel.flow(r, FlowVariable.FI));
      case FEt:
        return panel.flow(r, FlowVariable.FE);
      case FEt2:
        return square(panel.flow(r, FlowVariable.FE));
      case TDEPMAt:
        return panel.state(r, StateVariable.TDEPMA);
      case TDEPMAt2:
        return square(panel.state(r, StateVariable.TDEPMA));
      case DTDEPMA:
        return panel.state(r, StateVariable.TDEPMA) > 0 ? 1 : 0;
      case ZPFt:
        return zpf;
      case DZPF:
        return zpf > 0 ? 1 : 0;
      case GCt:
        return panel.flow(r, FlowVariable.GC);
      case TLt:
        return panel.flow(r, FlowVariable.TL);
      case OTAt:
        return panel.flow(r, FlowVariable.OTA);
      case OTAt2:
        return square(panel.flow(r, FlowVariable.OTA));
      case TDEPBUt:
        return panel.flow(r, FlowVariable.TDEPBU);
      case TDEPBUt2:
        return square(panel.flow(r, FlowVariable.TDEPBU));
      case MPAt:
        return panel.state(r, StateVariable.DMPA) + pallo;
      case dcat:
        return dca;
      case dcat2:
        return dca * dca;
      case dclt:
        return dcl;
      case dofat:
        return dofa;
      case Ddofa:
        return dofa != 0 ? 1 : 0;
      case dourt:
        return panel.flow(r, FlowVariable.DOUR);
      case dourt2:
        return square(panel.flow(r, FlowVariable.DOUR));
      case Ddll:
        return dll != 0 ? 1 : 0;
      case Ddsc:
        return panel.flow(r, FlowVariable.DSC) != 0 ? 1 : 0;
      case sumdcadclt:
        return dca + dcl;
      case diffdcadclt:
        return dca - dcl;
      case sumdofadllt:
        return dofa + dll;
      case diffdofadllt:
        return dofa - dll;
      case sumallozpft:
        return pallo + zpf;
      case diffallozpft:
        return pallo - zpf;
      default:
        throw new AssertionError("no definition for " + f);
    }
  }

  private static double square(double v) {
    return v * v;
  }

  private static double cube(double v) {
    return v * v * v;
  }
}
