package io.firmsim.zoo.modelspec;

/** Statistical family of a submodel (MODEL.md section 6), spelled in lower case in model files. */
public enum Family {
  BINARY,
  ORDINAL3,
  HUBER,
  TOBIT;

  /** The spelling in model files. */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
