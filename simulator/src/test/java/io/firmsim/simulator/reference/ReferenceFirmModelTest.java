package io.firmsim.simulator.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests of the scalar reference model itself: the balance identity and every clamp of MODEL.md
 * section 4 over 20 simulated years from start-up firms (section 5), a hand-computed year with a
 * toy specification, the order in which equations read current-year features, and the sample and
 * expectation rules of the six methods.
 */
class ReferenceFirmModelTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final double TOL = 1e-9;
  private static final int YEARS = 20;

  // ---------------------------------------------------------------------------------------------
  // Simulations from start-up firms.

  @ParameterizedTest
  @ValueSource(doubles = {2e5, 4e5, 6e5})
  void meanModeKeepsIdentityAndClampsFor20Years(double ca) {
    ReferenceFirmModel model = ReferenceFirmModel.paper();
    Map<String, Double> state = startUp(ca, 0, 1, 0, 1e-4, model.minShareCapital());
    double worstGap = 0;
    for (int year = 1; year <= YEARS; year++) {
      Map<String, Double> out = model.stepWithInternals(state, 0, 0, null);
      worstGap = Math.max(worstGap, checkYear(model, state, out, year));
      state = stateOf(out);
    }
    System.out.printf("mean mode CA=%.0f: largest relative identity gap %.3g%n", ca, worstGap);
  }

  @ParameterizedTest
  @CsvSource({
    "4e5, 0, 1, 0, 11",
    "2e5, 0, 0, 1, 12",
    "6e5, 1, 0, 1, 13",
    "4e5, 0, 1, 0, 14",
    "3e5, 0, 0, 0, 15"
  })
  void sampleModeKeepsIdentityAndClampsFor20Years(
      double ca, double pub, double rural, double large, long seed) {
    ReferenceFirmModel model = ReferenceFirmModel.paper();
    Map<String, Double> state = startUp(ca, pub, rural, large, 1e-4, model.minShareCapital());
    SplittableRandom random = new SplittableRandom(seed);
    double worstGap = 0;
    for (int year = 1; year <= YEARS; year++) {
      double[] u = new double[ReferenceFirmModel.EQUATIONS];
      for (int k = 0; k < u.length; k++) {
        u[k] = random.nextDouble();
      }
      Map<String, Double> out = model.stepWithInternals(state, 1e9, 0.02, u);
      worstGap = Math.max(worstGap, checkYear(model, state, out, year));
      state = stateOf(out);
    }
    System.out.printf(
        "sample mode CA=%.0f seed=%d: largest relative identity gap %.3g%n", ca, seed, worstGap);
  }

  @Test
  void stepReturnsExactlyTheStateAndFlowNamesAndIsDeterministicInMeanMode() {
    ReferenceFirmModel model = ReferenceFirmModel.paper();
    Map<String, Double> state = startUp(4e5, 0, 1, 0, 1e-4, model.minShareCapital());
    Map<String, Double> a = model.step(state, 0, 0, null);
    Map<String, Double> b = model.step(state, 0, 0, null);
    Set<String> expected = new HashSet<>(ReferenceFirmModel.STATE_NAMES);
    expected.addAll(ReferenceFirmModel.FLOW_NAMES);
    assertEquals(expected, a.keySet());
    assertEquals(a, b);
    Map<String, Double> internals = model.stepWithInternals(state, 0, 0, null);
    for (String n : expected) {
      assertEquals(internals.get(n), a.get(n), n);
    }
  }

  @Test
  void rejectsIncompleteStateAndWrongUniformLength() {
    ReferenceFirmModel model = ReferenceFirmModel.paper();
    Map<String, Double> state = startUp(4e5, 0, 1, 0, 1e-4, model.minShareCapital());
    assertThrows(IllegalArgumentException.class, () -> model.step(state, 0, 0, new double[23]));
    Map<String, Double> missing = new HashMap<>(state);
    missing.remove("marketw");
    assertThrows(IllegalArgumentException.class, () -> model.step(missing, 0, 0, null));
  }

  /**
   * Checks one simulated year: identity, clamps, finiteness, lag shifts and fixed characteristics.
   * Returns the relative identity gap.
   */
  private static double checkYear(
      ReferenceFirmModel model, Map<String, Double> prev, Map<String, Double> out, int year) {
    for (Map.Entry<String, Double> e : out.entrySet()) {
      assertTrue(Double.isFinite(e.getValue()), "year " + year + ": " + e.getKey() + " not finite");
    }
    double k = Math.max(1, assets(out));
    double gap = Math.abs(assets(out) - liabilities(out)) / k;
    assertTrue(gap <= TOL, "year " + year + ": identity gap " + gap);
    for (String n :
        new String[] {
          "MA", "BU", "OFA", "CA", "CL", "LL", "RR", "OUR", "ASD", "PF0", "PF1", "PF2", "PF3",
          "PF4", "PF5", "CMA", "OL"
        }) {
      assertTrue(out.get(n) >= -TOL * k, "year " + year + ": " + n + " = " + out.get(n));
    }
    assertTrue(out.get("SC") >= model.minShareCapital() - TOL * k, "year " + year + ": SC");
    double pallo = out.get("PALLO");
    double mpa = out.get("MPA");
    assertTrue(pallo >= 0 && pallo <= mpa, "year " + year + ": PALLO " + pallo + " MPA " + mpa);
    assertEquals(mpa - pallo, out.get("DMPA"), 0.0);
    double rot = out.get("ROT");
    assertTrue(rot >= 0 && rot <= out.get("TAX"), "year " + year + ": ROT " + rot);
    assertEquals(out.get("TAX") - rot, out.get("FTAX"), 0.0);
    assertTrue(out.get("EDEPMA") >= 0 && out.get("EDEPBU") >= 0 && out.get("IBU") >= 0);
    assertTrue(out.get("IMA") >= 0 && out.get("FI") >= 0 && out.get("FE") >= 0);
    // TDEPMA = max(min(max(T15, 0), MTDM), EDEPMA - ASD_1)
    double tdepma = out.get("TDEPMA");
    assertTrue(tdepma >= 0, "year " + year + ": TDEPMA");
    assertTrue(tdepma <= out.get("MTDM") || tdepma == out.get("EDEPMA") - prev.get("ASD"));
    assertTrue(out.get("ZPF") >= prev.get("PF5") - TOL * k, "year " + year + ": ZPF");
    assertTrue(out.get("DIV") >= 0);
    assertEquals(prev.get("CASHFL"), out.get("CASHFL_1"), 0.0);
    assertEquals(prev.get("MCASH"), out.get("MCASH_1"), 0.0);
    assertEquals(prev.get("DMTDM"), out.get("DMTDM_1"), 0.0);
    assertEquals(prev.get("DMPA"), out.get("DMPA_1"), 0.0);
    assertEquals(out.get("MTDM") - out.get("TDEPMA"), out.get("DMTDM"), 0.0);
    for (String c : new String[] {"FAAB", "Public", "ruralare", "largcity", "market", "marketw"}) {
      assertEquals(prev.get(c), out.get(c), 0.0, c);
    }
    return gap;
  }

  // ---------------------------------------------------------------------------------------------
  // A hand-computed year with a toy specification (every equation HS, mostly constant).

  /** Toy levels: tables 1..24; features chosen to test the read order of steps 4 and 6. */
  private static ObjectNode handSpec(double oibd) {
    ObjectNode spec = toySpec(100);
    ArrayNode eqs = (ArrayNode) spec.get("equations");
    double[] constants = {
      100, 400, 0, 10, 0, 0, -1500, 25, 0, -150, 10, oibd, -5, 40, 200, 100, -30, 7, 15, 12, 8, 3,
      300, 50
    };
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, constants[t - 1]));
    }
    addTerm(eqs, 2, "level", "EDEPMAt", 1.0); // SMA = EDEPMA (unscaled 100) + 400
    addTerm(eqs, 3, "level", "EDEPMAt", 0.5); // IMA = 0.5 * EDEPMA (unscaled) = 50
    addTerm(eqs, 4, "level", "EDEPMAt", 1.0); // EDEPBU = EDEPMA (scaled 50) + 10
    addTerm(eqs, 5, "level", "EDEPBUt", 0.5); // IBU = 0.5 * EDEPBU (before the cap) = 30
    addTerm(eqs, 6, "level", "EDEPBUt", 1.0); // DOFA = EDEPBU (capped 40)
    addTerm(eqs, 9, "level", "dcat", 0.1); // DCL = 0.1 * DCA (clamped -1000)
    return spec;
  }

  private static Map<String, Double> handState() {
    Map<String, Double> s = zeroState();
    s.put("CA", 1000.0);
    s.put("MA", 250.0);
    s.put("BU", 10.0);
    s.put("OFA", 300.0);
    s.put("CL", 300.0);
    s.put("LL", 400.0);
    s.put("ASD", 50.0);
    s.put("OUR", 20.0);
    s.put("SC", 200.0);
    s.put("RR", 100.0);
    s.put("URE", 280.0);
    for (int v = 0; v < 6; v++) {
      s.put("PF" + v, 10.0 * (v + 1));
    }
    s.put("CMA", 450.0);
    s.put("OL", 5.0);
    s.put("DIV", 30.0);
    s.put("CASHFL", 11.0);
    s.put("MCASH", 12.0);
    s.put("DMTDM", 13.0);
    s.put("DMPA", 14.0);
    s.put("Public", 1.0);
    s.put("marketw", 0.5);
    return s;
  }

  @Test
  void handComputedYear() {
    ReferenceFirmModel model = new ReferenceFirmModel(handSpec(1000));
    Map<String, Double> state = handState();
    assertEquals(assets(state), liabilities(state), 0.0);
    Map<String, Double> o = model.stepWithInternals(state, 0, 0, null);
    Map<String, Double> expected = new LinkedHashMap<>();
    // Step 4 scales SMA 500 and EDEPMA 100 by (250 + 50) / 600.
    expected.put("EDEPMA", 50.0);
    expected.put("SMA", 250.0);
    expected.put("IMA", 50.0);
    expected.put("MTDM", 75.0); // 0.3 * (450 + 50 - 250)
    expected.put("EDEPBU", 40.0); // min(60, 10 + 30)
    expected.put("IBU", 30.0);
    expected.put("DOFA", 40.0);
    expected.put("DCA", -1000.0);
    expected.put("DLL", 25.0);
    expected.put("DCL", -100.0);
    expected.put("DSC", -100.0); // 100 - 200
    expected.put("DRR", 10.0);
    expected.put("OIBD", 1000.0);
    expected.put("FI", 0.0);
    expected.put("FE", 40.0);
    expected.put("TDEPMA", 75.0);
    expected.put("ZPF", 100.0);
    expected.put("DOUR", -20.0);
    expected.put("GC", 7.0);
    expected.put("OA", 15.0);
    expected.put("TL", 12.0);
    expected.put("OTA", 8.0);
    expected.put("TDEPBU", 3.0);
    expected.put("TA", 0.0); // 8 - 3 - 5
    expected.put("PBASE", 948.0);
    expected.put("MPA", 237.0);
    expected.put("PALLO", 237.0);
    expected.put("EBT", 723.0);
    expected.put("TAX", 199.08);
    expected.put("ROT", 50.0);
    expected.put("FTAX", 149.08);
    expected.put("NBI", 573.92);
    expected.put("OL", 0.0);
    expected.put("CASHFL", 1730.92);
    expected.put("MCASH", 843.92);
    expected.put("DIV", 843.92);
    expected.put("CA", 0.0);
    expected.put("MA", 0.0);
    expected.put("BU", 0.0);
    expected.put("OFA", 340.0);
    expected.put("CL", 200.0);
    expected.put("LL", 425.0);
    expected.put("ASD", 75.0);
    expected.put("OUR", 0.0);
    expected.put("SC", 100.0);
    expected.put("RR", 110.0);
    expected.put("URE", -917.0);
    // PF5_1 = 60 reversed, voluntary 40 taken from PF4_1 = 50.
    expected.put("PF0", 237.0);
    expected.put("PF1", 10.0);
    expected.put("PF2", 20.0);
    expected.put("PF3", 30.0);
    expected.put("PF4", 40.0);
    expected.put("PF5", 10.0);
    expected.put("CMA", 175.0);
    expected.put("DMTDM", 0.0);
    expected.put("DMPA", 0.0);
    expected.put("CASHFL_1", 11.0);
    expected.put("MCASH_1", 12.0);
    expected.put("DMTDM_1", 13.0);
    expected.put("DMPA_1", 14.0);
    expected.put("Public", 1.0);
    expected.put("marketw", 0.5);
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      assertEquals(e.getValue(), o.get(e.getKey()), 1e-9, e.getKey());
    }
    assertEquals(0.0, assets(o) - liabilities(o), 1e-9);
    // Sample mode of an all-HS model ignores the uniforms.
    double[] u = new double[ReferenceFirmModel.EQUATIONS];
    java.util.Arrays.fill(u, 0.3);
    assertEquals(o, model.stepWithInternals(state, 0, 0, u));
  }

  @Test
  void handComputedLossYear() {
    ReferenceFirmModel model = new ReferenceFirmModel(handSpec(-2000));
    Map<String, Double> o = model.stepWithInternals(handState(), 0, 0, null);
    assertEquals(-2052.0, o.get("PBASE"), 1e-9);
    assertEquals(0.0, o.get("MPA"), 0.0);
    assertEquals(0.0, o.get("PALLO"), 0.0);
    assertEquals(-2040.0, o.get("EBT"), 1e-9);
    assertEquals(0.0, o.get("TAX"), 0.0);
    assertEquals(0.0, o.get("ROT"), 0.0);
    assertEquals(0.0, o.get("FTAX"), 0.0);
    assertEquals(-2040.0, o.get("NBI"), 1e-9);
    assertEquals(2052.0, o.get("OL"), 1e-9);
    assertEquals(0.0, assets(o) - liabilities(o), 1e-9);
  }

  @Test
  void reserveAgingTakesVoluntaryReversalOldestFirst() {
    double[] pf1 = {10, 20, 30, 40, 50, 60};
    // Mandatory only: everything ages by one year.
    assertArrayEquals(
        new double[] {5, 10, 20, 30, 40, 50}, ReferenceFirmModel.ageReserves(pf1, 60, 5), 0.0);
    // Voluntary 70: PF4_1 (50) in full, then 20 of PF3_1 (40); PF0_1..PF2_1 just age.
    assertArrayEquals(
        new double[] {5, 10, 20, 30, 20, 0}, ReferenceFirmModel.ageReserves(pf1, 130, 5), 0.0);
    // Everything available.
    assertArrayEquals(
        new double[] {5, 0, 0, 0, 0, 0}, ReferenceFirmModel.ageReserves(pf1, 210, 5), 0.0);
    // Everything available with vintages whose takes round: still exactly empty (the plain
    // takes would leave 2.8e-17 in PF1).
    double[] awkward = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    double available = 0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6;
    assertArrayEquals(
        new double[] {5, 0, 0, 0, 0, 0},
        ReferenceFirmModel.ageReserves(awkward, available, 5),
        0.0);
  }

  @Test
  void equationsReadOnlyWhatExistsAtTheirPointOfTheYear() {
    ObjectNode spec = toySpec(100);
    ArrayNode eqs = (ArrayNode) spec.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, 0));
    }
    addTerm(eqs, 1, "level", "OIBDt", 1.0); // EDEPMA cannot read OIBD of the same year
    ReferenceFirmModel model = new ReferenceFirmModel(spec);
    assertThrows(IllegalStateException.class, () -> model.step(handState(), 0, 0, null));
  }

  @Test
  void everyKnownFeatureExistsByTheLastEquation() {
    ObjectNode spec = toySpec(100);
    ArrayNode eqs = (ArrayNode) spec.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, 0));
    }
    for (String feature : ReferenceFirmModel.KNOWN_FEATURES) {
      addTerm(eqs, ReferenceFirmModel.EQUATIONS, "level", feature, 0.0);
    }
    ReferenceFirmModel model = new ReferenceFirmModel(spec);
    Map<String, Double> o = model.step(handState(), 0, 0, null);
    assertEquals(0.0, o.get("ROT"), 0.0);
  }

  @Test
  void rejectsUnknownFeaturesMethodsAndTargets() {
    ObjectNode unknownFeature = toySpec(100);
    ArrayNode eqs = (ArrayNode) unknownFeature.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, 0));
    }
    addTerm(eqs, 7, "level", "NOSUCHt", 1.0);
    assertThrows(IllegalArgumentException.class, () -> new ReferenceFirmModel(unknownFeature));

    ObjectNode badMethod = toySpec(100);
    eqs = (ArrayNode) badMethod.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, 0));
    }
    ((ObjectNode) eqs.get(3)).put("method", "OLS");
    assertThrows(IllegalArgumentException.class, () -> new ReferenceFirmModel(badMethod));

    ObjectNode badTarget = toySpec(100);
    eqs = (ArrayNode) badTarget.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      eqs.add(hsEquation(t, 0));
    }
    ((ObjectNode) eqs.get(3)).put("target", "IMA");
    assertThrows(IllegalArgumentException.class, () -> new ReferenceFirmModel(badTarget));
  }

  // ---------------------------------------------------------------------------------------------
  // The six methods.

  @Test
  void linkFunctions() {
    assertEquals(1 - Math.exp(-1), ReferenceFirmModel.cloglog(0), 1e-15);
    assertEquals(1.0, ReferenceFirmModel.cloglog(800), 0.0);
    assertEquals(0.0, ReferenceFirmModel.cloglog(-800), 0.0);
    assertEquals(0.5, ReferenceFirmModel.logit(0), 0.0);
    assertEquals(1 / (1 + Math.exp(-1.3)), ReferenceFirmModel.logit(1.3), 1e-15);
    assertEquals(0.0, ReferenceFirmModel.logit(-800), 0.0);
  }

  @Test
  void munoSampleRule() {
    double p1 = 0.2;
    double p2 = 0.5;
    assertEquals(-7.0, ReferenceFirmModel.munoSample(0.0, p1, p2, -7, 9), 0.0);
    assertEquals(-7.0, ReferenceFirmModel.munoSample(0.1999, p1, p2, -7, 9), 0.0);
    assertEquals(0.0, ReferenceFirmModel.munoSample(0.2, p1, p2, -7, 9), 0.0);
    assertEquals(0.0, ReferenceFirmModel.munoSample(0.4999, p1, p2, -7, 9), 0.0);
    assertEquals(9.0, ReferenceFirmModel.munoSample(0.5, p1, p2, -7, 9), 0.0);
    assertEquals(9.0, ReferenceFirmModel.munoSample(0.9999, p1, p2, -7, 9), 0.0);
    assertEquals(0.2 * -7 + 0.5 * 9, ReferenceFirmModel.munoMean(p1, p2, -7, 9), 1e-15);
  }

  @Test
  void lsgNormalisationAndSampleRule() {
    assertArrayEquals(new double[] {0.3, 0.4}, ReferenceFirmModel.lsgProbabilities(0.3, 0.4), 0.0);
    double[] p = ReferenceFirmModel.lsgProbabilities(0.8, 0.6);
    assertArrayEquals(new double[] {0.8 / 1.4, 0.6 / 1.4}, p, 1e-15);
    assertEquals(1.0, p[0] + p[1], 1e-15);
    assertEquals(5.0, ReferenceFirmModel.lsgSample(0.29, 0.3, 0.4, -2, 5), 0.0);
    assertEquals(-2.0, ReferenceFirmModel.lsgSample(0.3, 0.3, 0.4, -2, 5), 0.0);
    assertEquals(-2.0, ReferenceFirmModel.lsgSample(0.69, 0.3, 0.4, -2, 5), 0.0);
    assertEquals(0.0, ReferenceFirmModel.lsgSample(0.7, 0.3, 0.4, -2, 5), 0.0);
  }

  @Test
  void binaryAndTobitSampleRules() {
    assertEquals(42.0, ReferenceFirmModel.binarySample(0.59, 0.6, 42), 0.0);
    assertEquals(0.0, ReferenceFirmModel.binarySample(0.6, 0.6, 42), 0.0);
    // U = 1/2 is the logistic median; U = 1 / (1 + e) gives L = -1.
    assertEquals(10.0, ReferenceFirmModel.tobitSample(10, 3, 0.5), 1e-12);
    assertEquals(7.0, ReferenceFirmModel.tobitSample(10, 3, 1 / (1 + Math.E)), 1e-12);
    assertEquals(0.0, ReferenceFirmModel.tobitSample(10, 3, 1e-5), 0.0);
    assertEquals(0.0, ReferenceFirmModel.tobitSample(10, 3, 0.0), 0.0);
  }

  @Test
  void tobitMeanIsTheMeanOfTheCensoredLogistic() {
    for (double[] c : new double[][] {{10, 20}, {-30, 20}, {0, 1}, {5e5, 3e5}}) {
      double latent = c[0];
      double scale = c[1];
      // Midpoint rule over the quantile function.
      int n = 2_000_000;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += ReferenceFirmModel.tobitSample(latent, scale, (i + 0.5) / n);
      }
      assertEquals(sum / n, ReferenceFirmModel.tobitMean(latent, scale), 1e-4 * scale);
    }
    assertEquals(20 * Math.log(1 + Math.exp(0.5)), ReferenceFirmModel.tobitMean(10, 20), 1e-12);
    assertEquals(1e6, ReferenceFirmModel.tobitMean(1e6, 1), 0.0);
    assertEquals(0.0, ReferenceFirmModel.tobitMean(-1e6, 1), 0.0);
    assertTrue(Double.isFinite(ReferenceFirmModel.tobitMean(1e300, 1e-10)));
  }

  /** Averages of sampled years approach the expectation-mode year for the non-HS methods. */
  @Test
  void sampleAveragesApproachExpectationMode() {
    ObjectNode spec = toySpec(100);
    ArrayNode eqs = (ArrayNode) spec.get("equations");
    for (int t = 1; t <= ReferenceFirmModel.EQUATIONS; t++) {
      switch (t) {
        case 1: // LLG: p = 1 - 1/e, level 100
          eqs.add(equation(t, "LLG", "prob", binary(0, "cloglog"), "level", level(100)));
          break;
        case 3: // TOBIT
          ObjectNode latent = level(10);
          latent.put("scale", 20.0);
          eqs.add(equation(t, "TOBIT", "latent", latent));
          break;
        case 6: // LSG with p+ + p- > 1
          eqs.add(
              equation(
                  t,
                  "LSG",
                  "prob_pos",
                  binary(0.2, "cloglog"),
                  "prob_neg",
                  binary(0, "cloglog"),
                  "level_pos",
                  level(50),
                  "level_neg",
                  level(-30)));
          break;
        case 8: // LLN
          eqs.add(equation(t, "LLN", "prob", binary(0.4, "logit"), "level", level(-20)));
          break;
        case 17: // MUNO
          ObjectNode prob = binary(0, "cloglog");
          prob.remove("intercept");
          prob.putArray("intercepts").add(-1.0).add(0.5);
          eqs.add(
              equation(t, "MUNO", "prob", prob, "level_pos", level(40), "level_neg", level(-60)));
          break;
        default:
          eqs.add(hsEquation(t, 0));
      }
    }
    ReferenceFirmModel model = new ReferenceFirmModel(spec);
    Map<String, Double> state = handState();
    state.put("MA", 1e6); // no step-4 scaling
    state.put("OFA", 1e6);
    state.put("LL", 1e6);
    state.put("OUR", 1e6);
    state.put("URE", 0.0);
    state.put("URE", assets(state) - liabilities(state));
    Map<String, Double> mean = model.stepWithInternals(state, 0, 0, null);
    String[] targets = {"EDEPMA", "IMA", "DOFA", "DLL", "DOUR"};
    double[] sums = new double[targets.length];
    SplittableRandom random = new SplittableRandom(7);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      double[] u = new double[ReferenceFirmModel.EQUATIONS];
      for (int k = 0; k < u.length; k++) {
        u[k] = random.nextDouble();
      }
      Map<String, Double> o = model.stepWithInternals(state, 0, 0, u);
      for (int j = 0; j < targets.length; j++) {
        sums[j] += o.get(targets[j]);
      }
    }
    double pPos = 1 - Math.exp(-Math.exp(0.2));
    double pNeg = 1 - Math.exp(-1);
    double p1 = 1 - Math.exp(-Math.exp(-1));
    double p2 = 1 - Math.exp(-Math.exp(0.5));
    double[] exact = {
      100 * (1 - Math.exp(-1)),
      20 * Math.log1p(Math.exp(0.5)),
      (50 * pPos - 30 * pNeg) / (pPos + pNeg),
      -20 / (1 + Math.exp(-0.4)),
      -60 * p1 + 40 * (1 - p2)
    };
    for (int j = 0; j < targets.length; j++) {
      assertEquals(exact[j], mean.get(targets[j]), 1e-9, targets[j] + " (mean mode)");
      assertEquals(exact[j], sums[j] / n, 0.5, targets[j] + " (sample average)");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  /** A start-up firm as in MODEL.md section 5. */
  static Map<String, Double> startUp(
      double ca, double pub, double rural, double large, double marketw, double minSc) {
    Map<String, Double> s = zeroState();
    double ure = ca;
    double sc = Math.max(0.3 * ure, minSc);
    double rr = 0.3 * ure;
    double ma = ure / 1.5;
    double bu = ma;
    double ofa = 6 * ma;
    double cl = ca;
    s.put("CA", ca);
    s.put("URE", ure);
    s.put("SC", sc);
    s.put("RR", rr);
    s.put("MA", ma);
    s.put("BU", bu);
    s.put("OFA", ofa);
    s.put("CL", cl);
    s.put("LL", (ca + ma + bu + ofa) - (ure + sc + rr + cl));
    s.put("CMA", ma);
    s.put("IMA", ma);
    s.put("IBU", bu);
    s.put("DCA", ca);
    s.put("DCL", cl);
    s.put("Public", pub);
    s.put("ruralare", rural);
    s.put("largcity", large);
    s.put("marketw", marketw);
    return s;
  }

  private static Map<String, Double> zeroState() {
    Map<String, Double> s = new LinkedHashMap<>();
    for (String n : ReferenceFirmModel.STATE_NAMES) {
      s.put(n, 0.0);
    }
    return s;
  }

  private static Map<String, Double> stateOf(Map<String, Double> out) {
    Map<String, Double> s = new LinkedHashMap<>();
    for (String n : ReferenceFirmModel.STATE_NAMES) {
      s.put(n, out.get(n));
    }
    return s;
  }

  private static double assets(Map<String, Double> s) {
    return s.get("CA") + s.get("MA") + s.get("BU") + s.get("OFA");
  }

  private static double liabilities(Map<String, Double> s) {
    double sum =
        s.get("CL")
            + s.get("LL")
            + s.get("ASD")
            + s.get("OUR")
            + s.get("SC")
            + s.get("RR")
            + s.get("URE");
    for (int v = 0; v < 6; v++) {
      sum += s.get("PF" + v);
    }
    return sum;
  }

  private static ObjectNode toySpec(double minShareCapital) {
    ObjectNode spec = MAPPER.createObjectNode();
    spec.put("name", "toy");
    ObjectNode c = spec.putObject("constants");
    c.put("tax_rate", 0.28);
    c.put("allocation_rate", 0.25);
    c.put("declining_balance_rate", 0.3);
    c.put("rest_value_rate", 0.25);
    c.put("min_share_capital", minShareCapital);
    spec.putArray("equations");
    return spec;
  }

  private static ObjectNode level(double intercept) {
    ObjectNode n = MAPPER.createObjectNode();
    n.putArray("features");
    n.putArray("coefficients");
    n.put("family", "huber");
    n.put("intercept", intercept);
    return n;
  }

  private static ObjectNode binary(double intercept, String link) {
    ObjectNode n = level(intercept);
    n.put("family", "binary");
    n.put("link", link);
    return n;
  }

  private static ObjectNode equation(int table, String method, Object... submodels) {
    ObjectNode e = MAPPER.createObjectNode();
    e.put("table", table);
    e.put("target", ReferenceFirmModel.TARGETS.get(table - 1));
    e.put("method", method);
    ObjectNode subs = e.putObject("submodels");
    for (int i = 0; i < submodels.length; i += 2) {
      subs.set((String) submodels[i], (ObjectNode) submodels[i + 1]);
    }
    return e;
  }

  private static ObjectNode hsEquation(int table, double intercept) {
    return equation(table, "HS", "level", level(intercept));
  }

  private static void addTerm(
      ArrayNode eqs, int table, String submodel, String feature, double coefficient) {
    ObjectNode sub = (ObjectNode) eqs.get(table - 1).get("submodels").get(submodel);
    ((ArrayNode) sub.get("features")).add(feature);
    ((ArrayNode) sub.get("coefficients")).add(coefficient);
  }
}
