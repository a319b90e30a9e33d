package io.firmsim.zoo.vocabulary;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The vocabulary of features an equation may read (MODEL.md section 2). Each constant is named
 * exactly as the feature is spelled in model files.
 *
 * <p>A <em>lagged</em> feature is computed once at the start of a year from last year's state and
 * the year's macro inputs. A <em>current-year</em> feature exists once the quantities it is built
 * from have been computed this year: {@link #sources()} names them (equation targets, or {@code
 * MPA}, the maximum periodical allocation of MODEL.md section 4 step 12). The dependency depths of
 * one simulation year follow from these sources and the features each equation reads.
 */
public enum Feature {
  // ---- lagged features: last year's state and this year's macro inputs
  dcasht_1,
  dcasht_12,
  ddmcasht_1,
  ddmcasht_12,
  sumcasht_1,
  diffcasht_1,
  ddmtdmt_1,
  ddmtdmt_12,
  ddmpat_1,
  ddmpat_12,
  ddmpat_13,
  dmpat_1,
  TDEPMAt_1,
  TDEPMAt_12,
  MAt_1,
  I_MAt_1,
  I_MAt_12,
  EDEPBUt_1,
  EDEPBUt_12,
  I_BUt_1,
  I_BUt_12,
  BUt_1,
  BUt_12,
  OFAt_1,
  CAt_1,
  LLt_1,
  PALLOt_1,
  dcat_1,
  dclt_1,
  dclt_12,
  sumcaclt_1,
  diffcaclt_1,
  dgnp,
  realr,
  FAAB,
  Public,
  ruralare,
  largcity,
  market,
  marketw,
  // ---- current-year features
  EDEPMAt("EDEPMA"),
  EDEPMAt2("EDEPMA"),
  SMAt("SMA"),
  smat("SMA"),
  SMAt2("SMA"),
  IMAt("IMA"),
  I_MAt("IMA"),
  I_MAt2("IMA"),
  DIMA("IMA"),
  EDEPBUt("EDEPBU"),
  EDEPBUt2("EDEPBU"),
  IBUt("IBU"),
  I_BUt("IBU"),
  IBUt2("IBU"),
  IBUt3("IBU"),
  DIBU("IBU"),
  OIBDt("OIBD"),
  OIBDt2("OIBD"),
  OIBDt3("OIBD"),
  FIt("FI"),
  FIt2("FI"),
  FEt("FE"),
  FEt2("FE"),
  TDEPMAt("TDEPMA"),
  TDEPMAt2("TDEPMA"),
  DTDEPMA("TDEPMA"),
  ZPFt("ZPF"),
  DZPF("ZPF"),
  GCt("GC"),
  TLt("TL"),
  OTAt("OTA"),
  OTAt2("OTA"),
  TDEPBUt("TDEPBU"),
  TDEPBUt2("TDEPBU"),
  MPAt("MPA"),
  dcat("DCA"),
  dcat2("DCA"),
  dclt("DCL"),
  dofat("DOFA"),
  Ddofa("DOFA"),
  dourt("DOUR"),
  dourt2("DOUR"),
  Ddll("DLL"),
  Ddsc("DSC"),
  sumdcadclt("DCA", "DCL"),
  diffdcadclt("DCA", "DCL"),
  sumdofadllt("DOFA", "DLL"),
  diffdofadllt("DOFA", "DLL"),
  sumallozpft("PALLO", "ZPF"),
  diffallozpft("PALLO", "ZPF");

  /** The derived quantity MPA and the equation targets it is computed from (step 12). */
  public static final String MPA = "MPA";

  /** Targets whose post-constraint values MPA (MODEL.md section 4, step 12) is built from. */
  public static final List<String> MPA_SOURCES =
      List.of("OIBD", "EDEPBU", "IBU", "FI", "FE", "TDEPMA", "ZPF", "OA", "TL", "OTA", "TDEPBU");

  private static final Map<String, Feature> BY_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

  private final List<String> sources;

  Feature(String... sources) {
    this.sources = List.of(sources);
  }

  /** Whether the feature is known before any equation of the year has run. */
  public boolean lagged() {
    return sources.isEmpty();
  }

  /**
   * The current-year quantities this feature is computed from: equation targets, or {@link #MPA}.
   * Empty for lagged features.
   */
  public List<String> sources() {
    return sources;
  }

  /** The feature with this exact name, if it exists. */
  public static Optional<Feature> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }
}
