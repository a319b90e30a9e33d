package io.firmsim.simulator.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plain-Java, one-firm-at-a-time reference implementation of the Shahnazarian (2004) firm model
 * as specified in {@code MODEL.md} (sections 1-4).
 *
 * <p>Why: the production simulator evaluates the 24 behavioural equations and the accounting of one
 * simulation year as batched tensor computations. This class is a second, deliberately naive
 * implementation written from the specification text alone (scalar doubles, equations evaluated one
 * after the other in table order, every feature looked up by name), so that tests can compare the
 * two. It does not use any project main class: coefficients are parsed from the JSON tree and all
 * state, flow and feature names are plain strings.
 *
 * <p>What: {@link #step} maps the year t-1 state of one firm plus the macro inputs of year t to the
 * year t state and flows, either in expectation ("mean") mode or in sample mode driven by one
 * uniform draw per equation. The paper model carries no level noise, so none is added here.
 *
 * <p>Conventions where MODEL.md leaves a choice: an LLG/LLN sample is the level when {@code U < p}
 * (the non-zero outcome takes the lower part of [0, 1), as the first outcome does for MUNO and
 * LSG); in expectation mode the clamps of section 4 apply to the expected value (e.g. {@code EDEPMA
 * = max(0, p * level)}); and in the reserve ageing of step 16 the youngest vintage takes whatever
 * voluntary reversal is left, so the sum taken is exactly {@code ZPF - PF5_1} when the clamp {@code
 * ZPF = available} does not bind (when it binds, MODEL.md empties every vintage).
 */
public final class ReferenceFirmModel {

  /** Classpath location of the paper model's coefficients. */
  public static final String PAPER_RESOURCE = "/io/firmsim/zoo/shahnazarian-2004.json";

  /** Number of behavioural equations (paper tables 1..24). */
  public static final int EQUATIONS = 24;

  /** State columns, spelled as {@code StateVariable} spells them, in its order. */
  static final List<String> STATE_NAMES =
      words(
          "CA MA BU OFA",
          "CL LL ASD OUR SC RR URE PF0 PF1 PF2 PF3 PF4 PF5",
          "CMA OL",
          "EDEPMA SMA IMA EDEPBU IBU TDEPMA PALLO DCA DCL DIV CASHFL MCASH DMTDM DMPA",
          "CASHFL_1 MCASH_1 DMTDM_1 DMPA_1",
          "FAAB Public ruralare largcity market marketw");

  /** Flow columns, spelled as {@code FlowVariable} spells them, in its order. */
  static final List<String> FLOW_NAMES =
      words(
          "OIBD FI FE EBT TAX FTAX NBI ZPF OA TL OTA TDEPBU", "DOFA DLL DSC DRR DOUR GC ROT MTDM");

  /** Target of each equation, index = table - 1 (MODEL.md section 4 order). */
  static final List<String> TARGETS =
      words(
          "EDEPMA SMA IMA EDEPBU IBU DOFA DCA DLL DCL DSC DRR OIBD",
          "FI FE TDEPMA ZPF DOUR GC OA TL OTA TDEPBU PALLO ROT");

  private static final List<String> CHARACTERISTICS =
      words("FAAB Public ruralare largcity market marketw");

  /** Every feature name of MODEL.md section 2. */
  static final Set<String> KNOWN_FEATURES =
      Set.copyOf(
          words(
              // lagged features
              "dcasht_1 dcasht_12 ddmcasht_1 ddmcasht_12 sumcasht_1 diffcasht_1",
              "ddmtdmt_1 ddmtdmt_12 ddmpat_1 ddmpat_12 ddmpat_13 dmpat_1",
              "TDEPMAt_1 MAt_1 I_MAt_1 EDEPBUt_1 I_BUt_1 BUt_1 OFAt_1 CAt_1 LLt_1 PALLOt_1",
              "dcat_1 dclt_1 TDEPMAt_12 I_MAt_12 EDEPBUt_12 I_BUt_12 BUt_12 dclt_12",
              "sumcaclt_1 diffcaclt_1",
              // macro inputs and characteristics
              "dgnp realr FAAB Public ruralare largcity market marketw",
              // current-year values and aliases
              "EDEPMAt SMAt smat IMAt I_MAt EDEPBUt IBUt I_BUt OIBDt FIt FEt TDEPMAt ZPFt GCt",
              "TLt OTAt TDEPBUt MPAt",
              // current-year powers
              "EDEPMAt2 SMAt2 I_MAt2 EDEPBUt2 IBUt2 IBUt3 OIBDt2 OIBDt3 FIt2 FEt2 TDEPMAt2",
              "OTAt2 TDEPBUt2",
              // current-year flows, indicators, sums and differences
              "dcat dclt dofat dourt dcat2 dourt2",
              "DIMA DIBU Ddofa Ddll Ddsc DTDEPMA DZPF",
              "sumdcadclt diffdcadclt sumdofadllt diffdofadllt sumallozpft diffallozpft"));

  private final Equation[] equations = new Equation[EQUATIONS];
  private final double taxRate;
  private final double allocationRate;
  private final double decliningBalanceRate;
  private final double restValueRate;
  private final double minShareCapital;

  /**
   * Parses a model specification (the {@code shahnazarian-2004.json} layout).
   *
   * @throws IllegalArgumentException if the tree is malformed, names an unknown method or feature,
   *     or its tables 1..24 do not have the targets of MODEL.md section 4
   */
  public ReferenceFirmModel(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw new IllegalArgumentException("spec must be a JSON object");
    }
    JsonNode constants = spec.path("constants");
    taxRate = requireNumber(constants, "tax_rate");
    allocationRate = requireNumber(constants, "allocation_rate");
    decliningBalanceRate = requireNumber(constants, "declining_balance_rate");
    restValueRate = requireNumber(constants, "rest_value_rate");
    minShareCapital = requireNumber(constants, "min_share_capital");

    JsonNode eqs = spec.path("equations");
    if (!eqs.isArray()) {
      throw new IllegalArgumentException("spec has no 'equations' array");
    }
    for (JsonNode eq : eqs) {
      Equation e = Equation.parse(eq);
      if (e.table < 1 || e.table > EQUATIONS) {
        throw new IllegalArgumentException("table out of range 1.." + EQUATIONS + ": " + e.table);
      }
      if (equations[e.table - 1] != null) {
        throw new IllegalArgumentException("duplicate table " + e.table);
      }
      if (!TARGETS.get(e.table - 1).equals(e.target)) {
        throw new IllegalArgumentException(
            "table "
                + e.table
                + " must have target "
                + TARGETS.get(e.table - 1)
                + ", not "
                + e.target);
      }
      equations[e.table - 1] = e;
    }
    for (int k = 0; k < EQUATIONS; k++) {
      if (equations[k] == null) {
        throw new IllegalArgumentException("missing table " + (k + 1));
      }
    }
  }

  /** The paper model, read from the classpath resource {@link #PAPER_RESOURCE}. */
  public static ReferenceFirmModel paper() {
    try (InputStream in = ReferenceFirmModel.class.getResourceAsStream(PAPER_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource not found: " + PAPER_RESOURCE);
      }
      return new ReferenceFirmModel(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Minimum share capital of the loaded model. */
  double minShareCapital() {
    return minShareCapital;
  }

  /**
   * One simulation year for one firm.
   *
   * @param state every StateVariable name -> value: the year t-1 state including the firm's
   *     characteristics FAAB, Public, ruralare, largcity, market, marketw
   * @param dgnp change of nominal GNP in year t (SEK)
   * @param realr real interest rate in year t (fraction)
   * @param uniforms null for expectation ("mean") mode (MODEL.md section 3); otherwise sample mode
   *     with {@code uniforms[k]} the uniform draw U for equation table k+1 (length 24; unused for
   *     HS equations)
   * @return a new map with every StateVariable name (the year t state, characteristics copied
   *     through) and every FlowVariable name
   */
  public Map<String, Double> step(
      Map<String, Double> state, double dgnp, double realr, double[] uniforms) {
    Map<String, Double> all = stepWithInternals(state, dgnp, realr, uniforms);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String n : STATE_NAMES) {
      out.put(n, all.get(n));
    }
    for (String n : FLOW_NAMES) {
      out.put(n, all.get(n));
    }
    return out;
  }

  /**
   * As {@link #step}, plus the intermediate values {@code MPA} (maximum periodical allocation),
   * {@code TA} and {@code PBASE} of step 12, for tests.
   */
  Map<String, Double> stepWithInternals(
      Map<String, Double> state, double dgnp, double realr, double[] uniforms) {
    if (state == null) {
      throw new IllegalArgumentException("state is null");
    }
    if (uniforms != null && uniforms.length != EQUATIONS) {
      throw new IllegalArgumentException(
          "uniforms must have length " + EQUATIONS + ", not " + uniforms.length);
    }
    // Year t-1 state.
    final double ca1 = in(state, "CA");
    final double ma1 = in(state, "MA");
    final double bu1 = in(state, "BU");
    final double ofa1 = in(state, "OFA");
    final double cl1 = in(state, "CL");
    final double ll1 = in(state, "LL");
    final double asd1 = in(state, "ASD");
    final double our1 = in(state, "OUR");
    final double sc1 = in(state, "SC");
    final double rr1 = in(state, "RR");
    final double ure1 = in(state, "URE");
    final double[] pf1 = new double[6];
    for (int v = 0; v < 6; v++) {
      pf1[v] = in(state, "PF" + v);
    }
    final double cma1 = in(state, "CMA");
    final double ol1 = in(state, "OL");
    final double ima1 = in(state, "IMA");
    final double edepbu1 = in(state, "EDEPBU");
    final double ibu1 = in(state, "IBU");
    final double tdepma1 = in(state, "TDEPMA");
    final double pallo1 = in(state, "PALLO");
    final double dca1 = in(state, "DCA");
    final double dcl1 = in(state, "DCL");
    final double div1 = in(state, "DIV");
    final double cashfl1 = in(state, "CASHFL");
    final double mcash1 = in(state, "MCASH");
    final double dmtdm1 = in(state, "DMTDM");
    final double dmpa1 = in(state, "DMPA");
    final double cashfl2 = in(state, "CASHFL_1");
    final double mcash2 = in(state, "MCASH_1");
    final double dmtdm2 = in(state, "DMTDM_1");
    final double dmpa2 = in(state, "DMPA_1");
    for (String n : STATE_NAMES) {
      in(state, n); // every column must be present
    }

    // Lagged features (MODEL.md section 2), computed once from the year t-1 state.
    Map<String, Double> f = new HashMap<>();
    double dcasht = cashfl1 - cashfl2;
    double ddmcasht = (mcash1 - cashfl1) - (mcash2 - cashfl2);
    f.put("dcasht_1", dcasht);
    f.put("dcasht_12", dcasht * dcasht);
    f.put("ddmcasht_1", ddmcasht);
    f.put("ddmcasht_12", ddmcasht * ddmcasht);
    f.put("sumcasht_1", ddmcasht + dcasht);
    f.put("diffcasht_1", ddmcasht - dcasht);
    double ddmtdmt = dmtdm1 - dmtdm2;
    f.put("ddmtdmt_1", ddmtdmt);
    f.put("ddmtdmt_12", ddmtdmt * ddmtdmt);
    double ddmpat = dmpa1 - dmpa2;
    f.put("ddmpat_1", ddmpat);
    f.put("ddmpat_12", ddmpat * ddmpat);
    f.put("ddmpat_13", ddmpat * ddmpat * ddmpat);
    f.put("dmpat_1", dmpa1);
    f.put("TDEPMAt_1", tdepma1);
    f.put("TDEPMAt_12", tdepma1 * tdepma1);
    f.put("MAt_1", ma1);
    f.put("I_MAt_1", ima1);
    f.put("I_MAt_12", ima1 * ima1);
    f.put("EDEPBUt_1", edepbu1);
    f.put("EDEPBUt_12", edepbu1 * edepbu1);
    f.put("I_BUt_1", ibu1);
    f.put("I_BUt_12", ibu1 * ibu1);
    f.put("BUt_1", bu1);
    f.put("BUt_12", bu1 * bu1);
    f.put("OFAt_1", ofa1);
    f.put("CAt_1", ca1);
    f.put("LLt_1", ll1);
    f.put("PALLOt_1", pallo1);
    f.put("dcat_1", dca1);
    f.put("dclt_1", dcl1);
    f.put("dclt_12", dcl1 * dcl1);
    f.put("sumcaclt_1", ca1 + cl1);
    f.put("diffcaclt_1", ca1 - cl1);
    f.put("dgnp", dgnp);
    f.put("realr", realr);
    for (String c : CHARACTERISTICS) {
      f.put(c, in(state, c));
    }

    // Steps 1-3: machinery.
    double edepma = Math.max(0, eval(1, f, uniforms));
    putEdepma(f, edepma);
    double sma = eval(2, f, uniforms);
    putSma(f, sma);
    final double ima = eval(3, f, uniforms);
    f.put("IMAt", ima);
    f.put("I_MAt", ima);
    f.put("I_MAt2", ima * ima);
    f.put("DIMA", indicator(ima > 0));
    // Step 4: machinery cannot lose more than it has (T2, T3 have read the unscaled values).
    // MA_1 + IMA is taken as at least 0: rounding can leave MA_1 at -1e-11, and a negative
    // factor (or 0/0 when nothing goes out) would be meaningless.
    double machinery = Math.max(0, ma1 + ima);
    if (sma + edepma > machinery) {
      double factor = machinery / (sma + edepma);
      sma *= factor;
      edepma *= factor;
      putEdepma(f, edepma);
      putSma(f, sma);
    }
    // Step 5: maximum tax depreciation of machinery.
    final double mtdm =
        Math.max(decliningBalanceRate, restValueRate) * Math.max(0, cma1 + ima - sma);

    // Step 6: buildings (T5 reads EDEPBU before the cap).
    double edepbu = Math.max(0, eval(4, f, uniforms));
    putEdepbu(f, edepbu);
    final double ibu = Math.max(0, eval(5, f, uniforms));
    f.put("IBUt", ibu);
    f.put("I_BUt", ibu);
    f.put("IBUt2", ibu * ibu);
    f.put("IBUt3", ibu * ibu * ibu);
    f.put("DIBU", indicator(ibu != 0));
    edepbu = Math.min(edepbu, bu1 + ibu);
    putEdepbu(f, edepbu);

    // Step 7: balance-sheet flows, each clamped so its stock stays non-negative.
    final double dofa = Math.max(eval(6, f, uniforms), -ofa1);
    f.put("dofat", dofa);
    f.put("Ddofa", indicator(dofa != 0));
    final double dca = Math.max(eval(7, f, uniforms), -ca1);
    f.put("dcat", dca);
    f.put("dcat2", dca * dca);
    final double dll = Math.max(eval(8, f, uniforms), -ll1);
    f.put("Ddll", indicator(dll != 0));
    f.put("sumdofadllt", dofa + dll);
    f.put("diffdofadllt", dofa - dll);
    final double dcl = Math.max(eval(9, f, uniforms), -cl1);
    f.put("dclt", dcl);
    f.put("sumdcadclt", dca + dcl);
    f.put("diffdcadclt", dca - dcl);
    final double dsc = Math.max(eval(10, f, uniforms), minShareCapital - sc1);
    f.put("Ddsc", indicator(dsc != 0));
    final double drr = Math.max(eval(11, f, uniforms), -rr1);

    // Step 8: operating income and financial items.
    final double oibd = eval(12, f, uniforms);
    f.put("OIBDt", oibd);
    f.put("OIBDt2", oibd * oibd);
    f.put("OIBDt3", oibd * oibd * oibd);
    final double fi = Math.max(0, eval(13, f, uniforms));
    f.put("FIt", fi);
    f.put("FIt2", fi * fi);
    final double fe = Math.max(0, eval(14, f, uniforms));
    f.put("FEt", fe);
    f.put("FEt2", fe * fe);

    // Step 9: tax depreciation of machinery, capped by tax law, ASD never negative.
    final double tdepma =
        Math.max(Math.min(Math.max(eval(15, f, uniforms), 0), mtdm), edepma - asd1);
    f.put("TDEPMAt", tdepma);
    f.put("TDEPMAt2", tdepma * tdepma);
    f.put("DTDEPMA", indicator(tdepma > 0));

    // Step 10: reversal of periodical reserves.
    final double mandatory = pf1[5];
    double available = 0;
    for (int v = 0; v < 6; v++) {
      available += pf1[v];
    }
    final double zpf = Math.min(Math.max(eval(16, f, uniforms), mandatory), available);
    f.put("ZPFt", zpf);
    f.put("DZPF", indicator(zpf > 0));

    // Step 11.
    final double dour = Math.max(eval(17, f, uniforms), -our1);
    f.put("dourt", dour);
    f.put("dourt2", dour * dour);
    final double gc = eval(18, f, uniforms);
    f.put("GCt", gc);
    final double oa = eval(19, f, uniforms);
    final double tl = eval(20, f, uniforms);
    f.put("TLt", tl);
    final double ota = eval(21, f, uniforms);
    f.put("OTAt", ota);
    f.put("OTAt2", ota * ota);
    final double tdepbu = eval(22, f, uniforms);
    f.put("TDEPBUt", tdepbu);
    f.put("TDEPBUt2", tdepbu * tdepbu);

    // Step 12: maximum allocation to the periodical reserve.
    final double ta = ota - tdepbu - ol1;
    final double pbase = oibd - edepbu + fi - fe - tdepma + zpf + oa - tl + ta;
    final double mpa = Math.max(0, allocationRate * pbase);
    f.put("MPAt", mpa);

    // Step 13.
    final double pallo = Math.min(Math.max(eval(23, f, uniforms), 0), mpa);
    f.put("sumallozpft", pallo + zpf);
    f.put("diffallozpft", pallo - zpf);

    // Step 14 (clamped to [0, TAX] in step 15).
    double rot = eval(24, f, uniforms);

    // Step 15: income statement and cash.
    final double ebt = oibd - edepbu + fi - fe - tdepma - pallo + zpf + oa;
    final double taxable = ebt - tl + ta;
    final double tax = taxRate * Math.max(0, taxable);
    rot = Math.min(Math.max(rot, 0), tax);
    final double ftax = tax - rot;
    final double nbi = ebt - ftax;
    final double ol = Math.max(0, -taxable);
    final double cashfl =
        oibd + fi - fe + oa - ftax - div1 + dsc + dcl + dll + dour - ima + sma - ibu - dofa - dca;
    final double mcash = ure1 + nbi - drr;
    final double div = Math.max(0, Math.min(cashfl, mcash));

    // Step 16: stocks.
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("CA", ca1 + dca);
    out.put("MA", ma1 + ima - sma - edepma);
    out.put("BU", bu1 + ibu - edepbu);
    out.put("OFA", ofa1 + dofa);
    out.put("CL", cl1 + dcl);
    out.put("LL", ll1 + dll);
    out.put("ASD", asd1 + tdepma - edepma);
    out.put("OUR", our1 + dour);
    out.put("SC", sc1 + dsc);
    out.put("RR", rr1 + drr);
    out.put("URE", ure1 + nbi - div1 - drr - cashfl);
    double[] pf = ageReserves(pf1, zpf, pallo);
    for (int v = 0; v < 6; v++) {
      out.put("PF" + v, pf[v]);
    }
    out.put("CMA", Math.max(0, cma1 + ima - sma - tdepma));
    out.put("OL", ol);
    out.put("EDEPMA", edepma);
    out.put("SMA", sma);
    out.put("IMA", ima);
    out.put("EDEPBU", edepbu);
    out.put("IBU", ibu);
    out.put("TDEPMA", tdepma);
    out.put("PALLO", pallo);
    out.put("DCA", dca);
    out.put("DCL", dcl);
    out.put("DIV", div);
    out.put("CASHFL", cashfl);
    out.put("MCASH", mcash);
    out.put("DMTDM", mtdm - tdepma);
    out.put("DMPA", mpa - pallo);
    out.put("CASHFL_1", cashfl1);
    out.put("MCASH_1", mcash1);
    out.put("DMTDM_1", dmtdm1);
    out.put("DMPA_1", dmpa1);
    for (String c : CHARACTERISTICS) {
      out.put(c, in(state, c));
    }
    out.put("OIBD", oibd);
    out.put("FI", fi);
    out.put("FE", fe);
    out.put("EBT", ebt);
    out.put("TAX", tax);
    out.put("FTAX", ftax);
    out.put("NBI", nbi);
    out.put("ZPF", zpf);
    out.put("OA", oa);
    out.put("TL", tl);
    out.put("OTA", ota);
    out.put("TDEPBU", tdepbu);
    out.put("DOFA", dofa);
    out.put("DLL", dll);
    out.put("DSC", dsc);
    out.put("DRR", drr);
    out.put("DOUR", dour);
    out.put("GC", gc);
    out.put("ROT", rot);
    out.put("MTDM", mtdm);
    out.put("MPA", mpa);
    out.put("TA", ta);
    out.put("PBASE", pbase);
    return out;
  }

  /**
   * Periodical reserve vintages after one year (MODEL.md section 4, step 16): PF5_1 is reversed in
   * full, the voluntary part {@code zpf - PF5_1} is taken oldest first from PF4_1, ..., PF0_1, the
   * vintages age by one year and {@code PF0 = pallo}. When the clamp {@code ZPF = available} binds
   * (available = PF0_1 + ... + PF5_1, summed in that order as step 10 does), every old vintage is
   * emptied: exactly 0, whatever the rounding of the takes would leave.
   *
   * @param pf1 last year's vintages PF0_1..PF5_1
   * @return this year's vintages PF0..PF5
   */
  static double[] ageReserves(double[] pf1, double zpf, double pallo) {
    double available = 0;
    for (int v = 0; v < 6; v++) {
      available += pf1[v];
    }
    if (zpf >= available) {
      return new double[] {pallo, 0, 0, 0, 0, 0};
    }
    double remaining = zpf - pf1[5];
    double[] taken = new double[5];
    for (int v = 4; v >= 1; v--) {
      taken[v] = Math.max(0, Math.min(pf1[v], remaining));
      remaining -= taken[v];
    }
    // The youngest vintage takes whatever is left: equal to min(PF0_1, remaining) whenever
    // ZPF <= available, and it keeps the sum of the taken amounts exactly ZPF - PF5_1.
    taken[0] = remaining;
    double[] pf = new double[6];
    pf[0] = pallo;
    for (int v = 0; v < 5; v++) {
      pf[v + 1] = pf1[v] - taken[v];
    }
    return pf;
  }

  // ---------------------------------------------------------------------------------------------
  // Equation evaluation (MODEL.md section 3).

  private double eval(int table, Map<String, Double> f, double[] uniforms) {
    Equation e = equations[table - 1];
    boolean mean = uniforms == null;
    double u = mean ? Double.NaN : uniforms[table - 1];
    switch (e.method) {
      case "HS":
        return e.level.eta(f, table);
      case "TOBIT":
        {
          double latent = e.latent.eta(f, table);
          return mean ? tobitMean(latent, e.latent.scale) : tobitSample(latent, e.latent.scale, u);
        }
      case "LLG":
      case "LLN":
        {
          double eta = e.prob.eta(f, table);
          double p = "LLG".equals(e.method) ? cloglog(eta) : logit(eta);
          double level = e.level.eta(f, table);
          return mean ? p * level : binarySample(u, p, level);
        }
      case "MUNO":
        {
          double xb = e.prob.xb(f, table);
          double p1 = cloglog(e.prob.intercepts[0] + xb);
          double p2 = Math.max(p1, cloglog(e.prob.intercepts[1] + xb));
          double pos = Math.max(e.levelPos.eta(f, table), 0);
          double neg = Math.min(e.levelNeg.eta(f, table), 0);
          return mean ? munoMean(p1, p2, neg, pos) : munoSample(u, p1, p2, neg, pos);
        }
      case "LSG":
        {
          double[] p =
              lsgProbabilities(cloglog(e.probPos.eta(f, table)), cloglog(e.probNeg.eta(f, table)));
          double pos = Math.max(e.levelPos.eta(f, table), 0);
          double neg = Math.min(e.levelNeg.eta(f, table), 0);
          return mean ? p[0] * pos + p[1] * neg : lsgSample(u, p[0], p[1], neg, pos);
        }
      default:
        throw new IllegalStateException("unknown method " + e.method);
    }
  }

  /** Inverse complementary log-log link: {@code 1 - exp(-exp(eta))}. */
  static double cloglog(double eta) {
    return -Math.expm1(-Math.exp(eta));
  }

  /** Logistic link: {@code 1 / (1 + exp(-eta))}. */
  static double logit(double eta) {
    return 1.0 / (1.0 + Math.exp(-eta));
  }

  /** Mean of {@code max(0, latent + scale * L)}, L standard logistic: a scaled softplus. */
  static double tobitMean(double latent, double scale) {
    double z = latent / scale;
    if (z > 0) {
      return latent + scale * Math.log1p(Math.exp(-z));
    }
    return scale * Math.log1p(Math.exp(z));
  }

  /** {@code max(0, latent + scale * ln(U / (1 - U)))}: the logistic quantile of U. */
  static double tobitSample(double latent, double scale, double u) {
    double l = Math.log(u) - Math.log1p(-u);
    return Math.max(0, latent + scale * l);
  }

  /** LLG/LLN sample: the level with probability p (U < p), else 0. */
  static double binarySample(double u, double p, double level) {
    return u < p ? level : 0;
  }

  /** MUNO sample: U < P1 negative, P1 <= U < P2 zero, else positive. */
  static double munoSample(double u, double p1, double p2, double neg, double pos) {
    if (u < p1) {
      return neg;
    }
    return u < p2 ? 0 : pos;
  }

  /** MUNO expectation: {@code P1 * neg + (1 - P2) * pos}. */
  static double munoMean(double p1, double p2, double neg, double pos) {
    return p1 * neg + (1 - p2) * pos;
  }

  /** LSG probabilities {p+, p-}, both divided by their sum when it exceeds 1. */
  static double[] lsgProbabilities(double pPos, double pNeg) {
    double sum = pPos + pNeg;
    if (sum > 1) {
      return new double[] {pPos / sum, pNeg / sum};
    }
    return new double[] {pPos, pNeg};
  }

  /** LSG sample with normalised probabilities: U < p+ positive, then p- negative, else zero. */
  static double lsgSample(double u, double pPos, double pNeg, double neg, double pos) {
    if (u < pPos) {
      return pos;
    }
    return u < pPos + pNeg ? neg : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  private static void putEdepma(Map<String, Double> f, double v) {
    f.put("EDEPMAt", v);
    f.put("EDEPMAt2", v * v);
  }

  private static void putSma(Map<String, Double> f, double v) {
    f.put("SMAt", v);
    f.put("smat", v);
    f.put("SMAt2", v * v);
  }

  private static void putEdepbu(Map<String, Double> f, double v) {
    f.put("EDEPBUt", v);
    f.put("EDEPBUt2", v * v);
  }

  /** The space-separated words of the given groups, in order. */
  private static List<String> words(String... groups) {
    return List.of(String.join(" ", groups).trim().split("\\s+"));
  }

  private static double indicator(boolean b) {
    return b ? 1.0 : 0.0;
  }

  private static double in(Map<String, Double> state, String name) {
    Double v = state.get(name);
    if (v == null) {
      throw new IllegalArgumentException("state has no value for " + name);
    }
    return v;
  }

  private static double requireNumber(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException("missing numeric constant " + field);
    }
    return v.asDouble();
  }

  /** One linear predictor: {@code intercept + sum(b_j * x_j)}. */
  private static final class Submodel {
    final String name;
    final String[] features;
    final double[] coefficients;
    final double intercept;
    final double[] intercepts;
    final double scale;

    private Submodel(
        String name,
        String[] features,
        double[] coefficients,
        double intercept,
        double[] intercepts,
        double scale) {
      this.name = name;
      this.features = features;
      this.coefficients = coefficients;
      this.intercept = intercept;
      this.intercepts = intercepts;
      this.scale = scale;
    }

    static Submodel parse(String where, String name, JsonNode n, String link, boolean ordinal) {
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(where + ": missing submodel " + name);
      }
      JsonNode fs = n.path("features");
      JsonNode cs = n.path("coefficients");
      if (!fs.isArray() || !cs.isArray() || fs.size() != cs.size()) {
        throw new IllegalArgumentException(
            where + "." + name + ": features and coefficients must be arrays of equal length");
      }
      String[] features = new String[fs.size()];
      double[] coefficients = new double[cs.size()];
      for (int j = 0; j < features.length; j++) {
        features[j] = fs.get(j).asText();
        if (!KNOWN_FEATURES.contains(features[j])) {
          throw new IllegalArgumentException(
              where + "." + name + ": unknown feature '" + features[j] + "'");
        }
        if (!cs.get(j).isNumber()) {
          throw new IllegalArgumentException(where + "." + name + ": non-numeric coefficient");
        }
        coefficients[j] = cs.get(j).asDouble();
      }
      JsonNode l = n.get("link");
      if (link != null && l != null && !l.isNull() && !link.equals(l.asText())) {
        throw new IllegalArgumentException(
            where + "." + name + ": link must be " + link + ", not " + l.asText());
      }
      double intercept = Double.NaN;
      double[] intercepts = null;
      if (ordinal) {
        JsonNode is = n.path("intercepts");
        if (!is.isArray() || is.size() != 2) {
          throw new IllegalArgumentException(where + "." + name + ": needs two intercepts");
        }
        intercepts = new double[] {is.get(0).asDouble(), is.get(1).asDouble()};
      } else {
        JsonNode i = n.get("intercept");
        if (i == null || !i.isNumber()) {
          throw new IllegalArgumentException(where + "." + name + ": missing intercept");
        }
        intercept = i.asDouble();
      }
      double scale = Double.NaN;
      JsonNode s = n.get("scale");
      if (s != null && s.isNumber()) {
        scale = s.asDouble();
      }
      return new Submodel(name, features, coefficients, intercept, intercepts, scale);
    }

    /** {@code sum(b_j * x_j)} without the intercept. */
    double xb(Map<String, Double> f, int table) {
      double sum = 0;
      for (int j = 0; j < features.length; j++) {
        Double x = f.get(features[j]);
        if (x == null) {
          throw new IllegalStateException(
              "table "
                  + table
                  + "."
                  + name
                  + " reads "
                  + features[j]
                  + ", which is not available yet at this point of the year");
        }
        sum += coefficients[j] * x;
      }
      return sum;
    }

    double eta(Map<String, Double> f, int table) {
      return intercept + xb(f, table);
    }
  }

  /** One behavioural equation with its method's submodels. */
  private static final class Equation {
    int table;
    String target;
    String method;
    Submodel level;
    Submodel latent;
    Submodel prob;
    Submodel probPos;
    Submodel probNeg;
    Submodel levelPos;
    Submodel levelNeg;

    static Equation parse(JsonNode eq) {
      Equation e = new Equation();
      if (!eq.path("table").canConvertToInt()) {
        throw new IllegalArgumentException("equation without integer 'table'");
      }
      e.table = eq.path("table").asInt();
      e.target = eq.path("target").asText();
      e.method = eq.path("method").asText();
      String where = "table " + e.table + " (" + e.target + ")";
      JsonNode subs = eq.path("submodels");
      switch (e.method) {
        case "HS":
          e.level = Submodel.parse(where, "level", subs.get("level"), null, false);
          break;
        case "TOBIT":
          e.latent = Submodel.parse(where, "latent", subs.get("latent"), null, false);
          if (!(e.latent.scale > 0)) {
            throw new IllegalArgumentException(where + ": TOBIT needs a positive scale");
          }
          break;
        case "LLG":
        case "LLN":
          {
            String link = "LLG".equals(e.method) ? "cloglog" : "logit";
            e.prob = Submodel.parse(where, "prob", subs.get("prob"), link, false);
            e.level = Submodel.parse(where, "level", subs.get("level"), null, false);
            break;
          }
        case "MUNO":
          e.prob = Submodel.parse(where, "prob", subs.get("prob"), "cloglog", true);
          e.levelPos = Submodel.parse(where, "level_pos", subs.get("level_pos"), null, false);
          e.levelNeg = Submodel.parse(where, "level_neg", subs.get("level_neg"), null, false);
          break;
        case "LSG":
          e.probPos = Submodel.parse(where, "prob_pos", subs.get("prob_pos"), "cloglog", false);
          e.probNeg = Submodel.parse(where, "prob_neg", subs.get("prob_neg"), "cloglog", false);
          e.levelPos = Submodel.parse(where, "level_pos", subs.get("level_pos"), null, false);
          e.levelNeg = Submodel.parse(where, "level_neg", subs.get("level_neg"), null, false);
          break;
        default:
          throw new IllegalArgumentException(where + ": unknown method '" + e.method + "'");
      }
      return e;
    }
  }
}
