package io.firmsim.simulator.output;

import java.util.Locale;

/**
 * The file formats of the per-firm panel (one row per firm and year, see {@link PanelWriter}).
 *
 * <p>There is deliberately no {@code NONE} constant: "write no panel" is a decision of the caller
 * (the CLI's {@code csv|parquet|none} option), not a format, so every constant here can be handed
 * to {@link PanelWriter#open} and yields a real file.
 */
public enum PanelFormat {
  /** Comma-separated text with a header line; readable by anything, large and slow to parse. */
  CSV("csv"),
  /** Apache Parquet, one typed column per variable; compact and fast to load in analysis tools. */
  PARQUET("parquet");

  private final String extension;

  PanelFormat(String extension) {
    this.extension = extension;
  }

  /** The conventional file name extension, without the dot ({@code csv}, {@code parquet}). */
  public String extension() {
    return extension;
  }

  /**
   * The format named {@code name}, ignoring case ({@code csv} or {@code parquet}).
   *
   * @throws IllegalArgumentException for any other name, {@code none} included
   */
  public static PanelFormat parse(String name) {
    for (PanelFormat format : values()) {
      if (format.extension.equals(name.toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown panel format '" + name + "', expected csv or parquet");
  }
}
