package io.firmsim.models.step;

import static io.firmsim.zoo.vocabulary.StateVariable.ASD;
import static io.firmsim.zoo.vocabulary.StateVariable.BU;
import static io.firmsim.zoo.vocabulary.StateVariable.CA;
import static io.firmsim.zoo.vocabulary.StateVariable.CASHFL;
import static io.firmsim.zoo.vocabulary.StateVariable.CASHFL_1;
import static io.firmsim.zoo.vocabulary.StateVariable.CL;
import static io.firmsim.zoo.vocabulary.StateVariable.CMA;
import static io.firmsim.zoo.vocabulary.StateVariable.DMPA;
import static io.firmsim.zoo.vocabulary.StateVariable.DMPA_1;
import static io.firmsim.zoo.vocabulary.StateVariable.DMTDM;
import static io.firmsim.zoo.vocabulary.StateVariable.DMTDM_1;
import static io.firmsim.zoo.vocabulary.StateVariable.LL;
import static io.firmsim.zoo.vocabulary.StateVariable.MA;
import static io.firmsim.zoo.vocabulary.StateVariable.MCASH;
import static io.firmsim.zoo.vocabulary.StateVariable.MCASH_1;
import static io.firmsim.zoo.vocabulary.StateVariable.OFA;
import static io.firmsim.zoo.vocabulary.StateVariable.OL;
import static io.firmsim.zoo.vocabulary.StateVariable.OUR;
import static io.firmsim.zoo.vocabulary.StateVariable.PF0;
import static io.firmsim.zoo.vocabulary.StateVariable.PF1;
import static io.firmsim.zoo.vocabulary.StateVariable.PF2;
import static io.firmsim.zoo.vocabulary.StateVariable.PF3;
import static io.firmsim.zoo.vocabulary.StateVariable.PF4;
import static io.firmsim.zoo.vocabulary.StateVariable.PF5;
import static io.firmsim.zoo.vocabulary.StateVariable.RR;
import static io.firmsim.zoo.vocabulary.StateVariable.SC;
import static io.firmsim.zoo.vocabulary.StateVariable.URE;

import io.firmsim.models.tensor.Mask;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.ModelConstants;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * The working values of one simulation year inside {@link FirmYearBlock}: last year's state
 * columns, this year's equation values after their constraints, the derived quantities (MTDM, MPA)
 * and, once the year is closed, the income statement and the new state. Every array is a dense
 * {@code [N]} tensor. Not thread-safe; one instance per forward pass.
 */
final class Year {
  // Equation indices (table - 1), from the target registry of ModelSpec.
  private static final int T_EDEPMA = t("EDEPMA");
  private static final int T_SMA = t("SMA");
  private static final int T_IMA = t("IMA");
  private static final int T_EDEPBU = t("EDEPBU");
  private static final int T_IBU = t("IBU");
  private static final int T_DOFA = t("DOFA");
  private static final int T_DCA = t("DCA");
  private static final int T_DLL = t("DLL");
  private static final int T_DCL = t("DCL");
  private static final int T_DSC = t("DSC");
  private static final int T_DRR = t("DRR");
  private static final int T_OIBD = t("OIBD");
  private static final int T_FI = t("FI");
  private static final int T_FE = t("FE");
  private static final int T_TDEPMA = t("TDEPMA");
  private static final int T_ZPF = t("ZPF");
  private static final int T_DOUR = t("DOUR");
  private static final int T_GC = t("GC");
  private static final int T_OA = t("OA");
  private static final int T_TL = t("TL");
  private static final int T_OTA = t("OTA");
  private static final int T_TDEPBU = t("TDEPBU");
  private static final int T_PALLO = t("PALLO");
  private static final int T_ROT = t("ROT");
  private static final int[] MPA_SOURCES = Feature.MPA_SOURCES.stream().mapToInt(Year::t).toArray();

  private final Tensor[] s; // last year's state, by StateVariable index
  private final ModelConstants c;
  private final Tensor[] levers; // by Lever index, or null: the model as it is
  private final Tensor[] q = new Tensor[ModelSpec.TARGETS.size()]; // this year's values
  private final Tensor[] laggedCache = new Tensor[Feature.values().length];
  private Tensor mtdm;
  private Tensor mpa;
  private Tensor ta;
  private Tensor reserves; // available periodical reserves, PF0_1 + ... + PF5_1 (step 10)
  // closing values
  private Tensor[] next;
  private Tensor[] flows;
  private Tensor gap;

  Year(Tensor[] lastState, ModelConstants constants) {
    this(lastState, constants, null);
  }

  /**
   * @param levers the year's {@link Lever} columns, each {@code [N]}, or null for none; the
   *     start-of-year levers (write-downs, call-in) are booked on a copy of {@code lastState}
   */
  Year(Tensor[] lastState, ModelConstants constants, Tensor[] levers) {
    this.c = constants;
    this.levers = levers;
    this.s = levers == null ? lastState : startOfYear(lastState.clone(), levers);
  }

  /**
   * Write-downs against unrestricted equity and long-term liabilities called in against current
   * assets, booked on the state the year starts from: each moves both sides of the balance sheet by
   * the same amount.
   */
  private static Tensor[] startOfYear(Tensor[] s, Tensor[] levers) {
    Tensor written = null;
    for (Object[] pair :
        new Object[][] {
          {MA, Lever.MA_WRITE_DOWN}, {BU, Lever.BU_WRITE_DOWN}, {OFA, Lever.OFA_WRITE_DOWN}
        }) {
      int asset = ((StateVariable) pair[0]).index();
      Tensor w = s[asset].maximum(0).mul(levers[((Lever) pair[1]).index()]);
      s[asset] = s[asset].sub(w);
      written = written == null ? w : written.add(w);
    }
    s[URE.index()] = s[URE.index()].sub(written);
    Tensor called =
        s[LL.index()]
            .maximum(0)
            .mul(levers[Lever.LL_CALL_IN.index()])
            .minimum(s[CA.index()].maximum(0));
    s[LL.index()] = s[LL.index()].sub(called);
    s[CA.index()] = s[CA.index()].sub(called);
    return s;
  }

  private Tensor lever(Lever l) {
    return levers[l.index()];
  }

  private static int t(String target) {
    return ModelSpec.TARGETS.indexOf(target);
  }

  private Tensor s(StateVariable v) {
    return s[v.index()];
  }

  // ------------------------------------------------------------------ features

  /** A lagged feature (MODEL.md section 2), computed once per year. */
  Tensor lagged(Feature f) {
    Tensor v = laggedCache[f.ordinal()];
    if (v == null) {
      v = computeLagged(f);
      laggedCache[f.ordinal()] = v;
    }
    return v;
  }

  private Tensor computeLagged(Feature f) {
    switch (f) {
      case dcasht_1:
        return s(CASHFL).sub(s(CASHFL_1));
      case dcasht_12:
        return lagged(Feature.dcasht_1).square();
      case ddmcasht_1:
        return s(MCASH).sub(s(CASHFL)).sub(s(MCASH_1).sub(s(CASHFL_1)));
      case ddmcasht_12:
        return lagged(Feature.ddmcasht_1).square();
      case sumcasht_1:
        return lagged(Feature.ddmcasht_1).add(lagged(Feature.dcasht_1));
      case diffcasht_1:
        return lagged(Feature.ddmcasht_1).sub(lagged(Feature.dcasht_1));
      case ddmtdmt_1:
        return s(DMTDM).sub(s(DMTDM_1));
      case ddmtdmt_12:
        return lagged(Feature.ddmtdmt_1).square();
      case ddmpat_1:
        return s(DMPA).sub(s(DMPA_1));
      case ddmpat_12:
        return lagged(Feature.ddmpat_1).square();
      case ddmpat_13:
        return lagged(Feature.ddmpat_1).cube();
      case dmpat_1:
        return s(DMPA);
      case TDEPMAt_1:
        return s(StateVariable.TDEPMA);
      case TDEPMAt_12:
        return s(StateVariable.TDEPMA).square();
      case MAt_1:
        return s(MA);
      case I_MAt_1:
        return s(StateVariable.IMA);
      case I_MAt_12:
        return s(StateVariable.IMA).square();
      case EDEPBUt_1:
        return s(StateVariable.EDEPBU);
      case EDEPBUt_12:
        return s(StateVariable.EDEPBU).square();
      case I_BUt_1:
        return s(StateVariable.IBU);
      case I_BUt_12:
        return s(StateVariable.IBU).square();
      case BUt_1:
        return s(BU);
      case BUt_12:
        return s(BU).square();
      case OFAt_1:
        return s(OFA);
      case CAt_1:
        return s(CA);
      case LLt_1:
        return s(LL);
      case PALLOt_1:
        return s(StateVariable.PALLO);
      case dcat_1:
        return s(StateVariable.DCA);
      case dclt_1:
        return s(StateVariable.DCL);
      case dclt_12:
        return s(StateVariable.DCL).square();
      case sumcaclt_1:
        return s(CA).add(s(CL));
      case diffcaclt_1:
        return s(CA).sub(s(CL));
      case FAAB:
        return s(StateVariable.FAAB);
      case Public:
        return s(StateVariable.Public);
      case ruralare:
        return s(StateVariable.ruralare);
      case largcity:
        return s(StateVariable.largcity);
      case market:
        return s(StateVariable.market);
      case marketw:
        return s(StateVariable.marketw);
      default:
        throw new IllegalArgumentException(f + " is not a lagged firm-level feature");
    }
  }

  /**
   * A current-year feature from the values as they are now. Not cached: a later constraint (the
   * machinery scaling, the EDEPBU cap) may change a value after an earlier depth has read it.
   */
  Tensor current(Feature f) {
    switch (f) {
      case EDEPMAt:
        return need(T_EDEPMA);
      case EDEPMAt2:
        return need(T_EDEPMA).square();
      case SMAt:
      case smat:
        return need(T_SMA);
      case SMAt2:
        return need(T_SMA).square();
      case IMAt:
      case I_MAt:
        return need(T_IMA);
      case I_MAt2:
        return need(T_IMA).square();
      case DIMA:
        return indicator(need(T_IMA).gt(0));
      case EDEPBUt:
        return need(T_EDEPBU);
      case EDEPBUt2:
        return need(T_EDEPBU).square();
      case IBUt:
      case I_BUt:
        return need(T_IBU);
      case IBUt2:
        return need(T_IBU).square();
      case IBUt3:
        return need(T_IBU).cube();
      case DIBU:
        return indicator(need(T_IBU).neq(0));
      case OIBDt:
        return need(T_OIBD);
      case OIBDt2:
        return need(T_OIBD).square();
      case OIBDt3:
        return need(T_OIBD).cube();
      case FIt:
        return need(T_FI);
      case FIt2:
        return need(T_FI).square();
      case FEt:
        return need(T_FE);
      case FEt2:
        return need(T_FE).square();
      case TDEPMAt:
        return need(T_TDEPMA);
      case TDEPMAt2:
        return need(T_TDEPMA).square();
      case DTDEPMA:
        return indicator(need(T_TDEPMA).gt(0));
      case ZPFt:
        return need(T_ZPF);
      case DZPF:
        return indicator(need(T_ZPF).gt(0));
      case GCt:
        return need(T_GC);
      case TLt:
        return need(T_TL);
      case OTAt:
        return need(T_OTA);
      case OTAt2:
        return need(T_OTA).square();
      case TDEPBUt:
        return need(T_TDEPBU);
      case TDEPBUt2:
        return need(T_TDEPBU).square();
      case MPAt:
        if (mpa == null) {
          throw new IllegalStateException("MPA read before it was computed");
        }
        return mpa;
      case dcat:
        return need(T_DCA);
      case dcat2:
        return need(T_DCA).square();
      case dclt:
        return need(T_DCL);
      case dofat:
        return need(T_DOFA);
      case Ddofa:
        return indicator(need(T_DOFA).neq(0));
      case dourt:
        return need(T_DOUR);
      case dourt2:
        return need(T_DOUR).square();
      case Ddll:
        return indicator(need(T_DLL).neq(0));
      case Ddsc:
        return indicator(need(T_DSC).neq(0));
      case sumdcadclt:
        return need(T_DCA).add(need(T_DCL));
      case diffdcadclt:
        return need(T_DCA).sub(need(T_DCL));
      case sumdofadllt:
        return need(T_DOFA).add(need(T_DLL));
      case diffdofadllt:
        return need(T_DOFA).sub(need(T_DLL));
      case sumallozpft:
        return need(T_PALLO).add(need(T_ZPF));
      case diffallozpft:
        return need(T_PALLO).sub(need(T_ZPF));
      default:
        throw new IllegalArgumentException(f + " is not a current-year feature");
    }
  }

  private Tensor need(int eq) {
    Tensor v = q[eq];
    if (v == null) {
      throw new IllegalStateException(
          ModelSpec.TARGETS.get(eq) + " read before its equation ran (dependency order broken)");
    }
    return v;
  }

  private Tensor indicator(Mask condition) {
    return condition.toValues(s[0]);
  }

  // ------------------------------------------------------------------ equations and constraints

  /** Stores an equation's raw value after the constraint MODEL.md section 4 puts on it alone. */
  void setEquation(int eq, Tensor v) {
    if (eq == T_EDEPMA || eq == T_EDEPBU || eq == T_FI || eq == T_FE) {
      v = v.maximum(0);
      if (eq == T_FE && levers != null) {
        v = v.mul(lever(Lever.FE_FACTOR));
      }
    } else if (eq == T_OIBD) {
      if (levers != null) {
        v = v.sub(v.abs().mul(lever(Lever.OIBD_CUT)));
      }
    } else if (eq == T_IBU) {
      v = v.maximum(0);
      // Buildings cannot lose more than they have: cap EDEPBU (read uncapped by T5 itself).
      q[T_EDEPBU] = need(T_EDEPBU).minimum(s(BU).add(v));
    } else if (eq == T_DOFA) {
      v = v.maximum(s(OFA).neg());
    } else if (eq == T_DCA) {
      v = v.maximum(s(CA).neg());
    } else if (eq == T_DLL) {
      v = v.maximum(s(LL).neg());
      if (levers != null) {
        v = v.sub(v.maximum(0).mul(lever(Lever.DLL_CUT)));
      }
    } else if (eq == T_DCL) {
      v = v.maximum(s(CL).neg());
    } else if (eq == T_DSC) {
      v = v.maximum(s(SC).neg().add(c.minShareCapital()));
    } else if (eq == T_DRR) {
      v = v.maximum(s(RR).neg());
    } else if (eq == T_DOUR) {
      v = v.maximum(s(OUR).neg());
    } else if (eq == T_TDEPMA) {
      // Tax law cap, and accumulated supplementary depreciation never negative.
      v = v.maximum(0).minimum(mtdm).maximum(need(T_EDEPMA).sub(s(ASD)));
    } else if (eq == T_ZPF) {
      reserves = s(PF0).add(s(PF1)).add(s(PF2)).add(s(PF3)).add(s(PF4)).add(s(PF5));
      v = v.maximum(s(PF5)).minimum(reserves);
    } else if (eq == T_PALLO) {
      v = v.maximum(0).minimum(mpa);
    }
    q[eq] = v;
  }

  /** Applies the constraints that need several equations, once all of them have run. */
  void endOfDepth() {
    if (mtdm == null && q[T_EDEPMA] != null && q[T_SMA] != null && q[T_IMA] != null) {
      // Step 4: machinery cannot lose more than it has. MA_1 + IMA is taken as at least 0:
      // rounding can leave MA_1 at -1e-11, and then a firm with nothing going out would get
      // 0 * (negative / 0) = NaN, or a negative factor.
      Tensor sma = q[T_SMA];
      Tensor edepma = q[T_EDEPMA];
      Tensor available = s(MA).add(q[T_IMA]).maximum(0);
      Tensor out = sma.add(edepma);
      Mask over = available.lt(out);
      Tensor factor = available.div(out);
      q[T_SMA] = over.select(sma.mul(factor), sma);
      q[T_EDEPMA] = over.select(edepma.mul(factor), edepma);
      // Step 5: maximum tax depreciation.
      mtdm = s(CMA).add(q[T_IMA]).sub(q[T_SMA]).maximum(0).mul(c.maxTaxDepreciationRate());
    }
    if (mpa == null && allDone(MPA_SOURCES)) {
      // Step 12.
      ta = q[T_OTA].sub(q[T_TDEPBU]).sub(s(OL));
      Tensor pbase =
          q[T_OIBD]
              .sub(q[T_EDEPBU])
              .add(q[T_FI])
              .sub(q[T_FE])
              .sub(q[T_TDEPMA])
              .add(q[T_ZPF])
              .add(q[T_OA])
              .sub(q[T_TL])
              .add(ta);
      mpa =
          (levers == null ? pbase.mul(c.allocationRate()) : pbase.mul(lever(Lever.ALLOCATION_RATE)))
              .maximum(0);
    }
  }

  private boolean allDone(int[] eqs) {
    for (int e : eqs) {
      if (q[e] == null) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ accounting

  /** Steps 14-16: income statement, tax, cash, dividends and the new stocks. */
  void closeYear() {
    for (int i = 0; i < q.length; i++) {
      need(i);
    }
    Tensor oibd = q[T_OIBD];
    Tensor edepbu = q[T_EDEPBU];
    Tensor fi = q[T_FI];
    Tensor fe = q[T_FE];
    Tensor tdepma = q[T_TDEPMA];
    Tensor pallo = q[T_PALLO];
    Tensor zpf = q[T_ZPF];
    Tensor oa = q[T_OA];
    Tensor tl = q[T_TL];
    Tensor ima = q[T_IMA];
    Tensor sma = q[T_SMA];
    Tensor edepma = q[T_EDEPMA];
    Tensor ibu = q[T_IBU];
    Tensor dofa = q[T_DOFA];
    Tensor dca = q[T_DCA];
    Tensor dcl = q[T_DCL];
    Tensor dll = q[T_DLL];
    Tensor dsc = q[T_DSC];
    Tensor drr = q[T_DRR];
    Tensor dour = q[T_DOUR];

    Tensor ebt = oibd.sub(edepbu).add(fi).sub(fe).sub(tdepma).sub(pallo).add(zpf).add(oa);
    Tensor taxBase = ebt.sub(tl).add(ta);
    Tensor tax =
        levers == null
            ? taxBase.maximum(0).mul(c.taxRate())
            : taxBase.maximum(0).mul(lever(Lever.TAX_RATE));
    Tensor rot = q[T_ROT].maximum(0).minimum(tax);
    Tensor ftax = tax.sub(rot);
    Tensor nbi = ebt.sub(ftax);
    Tensor ol = taxBase.neg().maximum(0);
    Tensor div1 = s(StateVariable.DIV);
    Tensor cashfl =
        oibd.add(fi)
            .sub(fe)
            .add(oa)
            .sub(ftax)
            .sub(div1)
            .add(dsc)
            .add(dcl)
            .add(dll)
            .add(dour)
            .sub(ima)
            .add(sma)
            .sub(ibu)
            .sub(dofa)
            .sub(dca);
    Tensor mcash = s(URE).add(nbi).sub(drr);
    Tensor div = cashfl.minimum(mcash).maximum(0);

    next = new Tensor[StateVariable.count()];
    set(MA, s(MA).add(ima).sub(sma).sub(edepma));
    set(BU, s(BU).add(ibu).sub(edepbu));
    set(OFA, s(OFA).add(dofa));
    set(CA, s(CA).add(dca));
    set(CL, s(CL).add(dcl));
    set(LL, s(LL).add(dll));
    set(SC, s(SC).add(dsc));
    set(RR, s(RR).add(drr));
    set(OUR, s(OUR).add(dour));
    set(ASD, s(ASD).add(tdepma).sub(edepma));
    set(CMA, s(CMA).add(ima).sub(sma).sub(tdepma).maximum(0));
    set(URE, s(URE).add(nbi).sub(div1).sub(drr).sub(cashfl));
    set(OL, ol);

    // Periodical reserves: PF5_1 reversed in full; the voluntary part taken oldest first. Where
    // the clamp ZPF = available binds, every old vintage is emptied exactly: the subtractions
    // below could leave a rounding remainder (1e-12) that next year would make ZPF positive and
    // flip the indicator DZPF.
    Mask emptied = zpf.gte(reserves);
    Tensor nothing = zpf.zerosLike();
    Tensor remaining = zpf.sub(s(PF5));
    StateVariable[] older = {PF4, PF3, PF2, PF1, PF0};
    StateVariable[] aged = {PF5, PF4, PF3, PF2, PF1};
    for (int i = 0; i < older.length; i++) {
      Tensor vintage = s(older[i]);
      Tensor taken = remaining.minimum(vintage);
      set(aged[i], emptied.select(nothing, vintage.sub(taken)));
      remaining = remaining.sub(taken);
    }
    set(PF0, pallo);

    // Flows kept as lags.
    set(StateVariable.EDEPMA, edepma);
    set(StateVariable.SMA, sma);
    set(StateVariable.IMA, ima);
    set(StateVariable.EDEPBU, edepbu);
    set(StateVariable.IBU, ibu);
    set(StateVariable.TDEPMA, tdepma);
    set(StateVariable.PALLO, pallo);
    set(StateVariable.DCA, dca);
    set(StateVariable.DCL, dcl);
    set(StateVariable.DIV, div);
    set(CASHFL, cashfl);
    set(MCASH, mcash);
    set(DMTDM, mtdm.sub(tdepma));
    set(DMPA, mpa.sub(pallo));
    set(CASHFL_1, s(CASHFL));
    set(MCASH_1, s(MCASH));
    set(DMTDM_1, s(DMTDM));
    set(DMPA_1, s(DMPA));
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() == StateVariable.Kind.CHARACTERISTIC) {
        set(v, s(v));
      }
    }

    flows = new Tensor[FlowVariable.count()];
    flows[FlowVariable.OIBD.index()] = oibd;
    flows[FlowVariable.FI.index()] = fi;
    flows[FlowVariable.FE.index()] = fe;
    flows[FlowVariable.EBT.index()] = ebt;
    flows[FlowVariable.TAX.index()] = tax;
    flows[FlowVariable.FTAX.index()] = ftax;
    flows[FlowVariable.NBI.index()] = nbi;
    flows[FlowVariable.ZPF.index()] = zpf;
    flows[FlowVariable.OA.index()] = oa;
    flows[FlowVariable.TL.index()] = tl;
    flows[FlowVariable.OTA.index()] = q[T_OTA];
    flows[FlowVariable.TDEPBU.index()] = q[T_TDEPBU];
    flows[FlowVariable.DOFA.index()] = dofa;
    flows[FlowVariable.DLL.index()] = dll;
    flows[FlowVariable.DSC.index()] = dsc;
    flows[FlowVariable.DRR.index()] = drr;
    flows[FlowVariable.DOUR.index()] = dour;
    flows[FlowVariable.GC.index()] = q[T_GC];
    flows[FlowVariable.ROT.index()] = rot;
    flows[FlowVariable.MTDM.index()] = mtdm;

    // The balance identity, checked rather than assumed.
    Tensor assets = next(CA).add(next(MA)).add(next(BU)).add(next(OFA));
    Tensor liabilities = next(CL);
    Tensor liabilityScale = next(CL).abs();
    for (StateVariable v :
        new StateVariable[] {LL, ASD, OUR, SC, RR, URE, PF0, PF1, PF2, PF3, PF4, PF5}) {
      liabilities = liabilities.add(next(v));
      liabilityScale = liabilityScale.add(next(v).abs());
    }
    gap = assets.sub(liabilities).abs().div(assets.maximum(liabilityScale).maximum(1));
  }

  private void set(StateVariable v, Tensor value) {
    next[v.index()] = value;
  }

  Tensor next(StateVariable v) {
    return next[v.index()];
  }

  Tensor flow(FlowVariable f) {
    return flows[f.index()];
  }

  /**
   * {@code |assets - liabilities| / K} of the new state, per firm, with {@code K = max(1, total
   * assets, sum of |liability and equity items|)}.
   *
   * <p>MODEL.md section 1 scales by {@code max(1, total assets)} alone. That scale cannot be met in
   * float64 by a firm whose assets have run down to almost nothing while large equity items of
   * opposite signs remain (e.g. URE -1.5e6 against OUR 6.5e5 and PF0 8e5 with 1e5 of assets): each
   * item carries a rounding error of its own size times 1e-16, which exceeds 1e-9 of the assets.
   * The rounding error of the identity is bounded by the sum of the absolute items, so that is the
   * scale used here; for a firm whose equity items are all positive it equals total assets.
   */
  Tensor balanceGap() {
    return gap;
  }
}
