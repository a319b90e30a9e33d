package io.firmsim.simulator.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * One rendered chart of the scenario report: what it shows, the file name it is saved under in the
 * report's {@code charts/} folder, and its PNG bytes. Class is immutable (the bytes are copied in
 * and out).
 *
 * @param kind the report section it belongs to
 * @param group what it plots within its section: the aggregate, the shock kind or the ratio
 * @param detail for recovery curves the measure ({@code equity}, {@code totalAssets}, {@code
 *     OIBD}); empty otherwise
 * @param fileName a file name of lower case letters, digits and dashes ending in {@code .png},
 *     unique within a report
 * @param title the chart's title as drawn on it, also the image's alternative text
 * @param width the image's width in pixels
 * @param height the image's height in pixels
 * @param png the PNG file's bytes
 */
public record ChartImage(
    Kind kind,
    String group,
    String detail,
    String fileName,
    String title,
    int width,
    int height,
    byte[] png) {

  /** The report section a chart belongs to. */
  public enum Kind {
    /** A key aggregate over the years: mean line and 5-95% band per variant. */
    FAN,
    /** The share of hit firms recovered against years after a shock, with its interval. */
    RECOVERY,
    /** A ratio's weighted distribution over firms in the last year, per variant. */
    RATIO
  }

  public ChartImage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(title, "title");
    if (!fileName.matches("[a-z0-9][a-z0-9-]*\\.png")) {
      throw new IllegalArgumentException("chart file name must be [a-z0-9-]+.png: " + fileName);
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("chart size must be positive: " + width + "x" + height);
    }
    png = png.clone();
  }

  /** A copy of the PNG file's bytes. */
  @Override
  public byte[] png() {
    return png.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChartImage c
        && kind == c.kind
        && group.equals(c.group)
        && detail.equals(c.detail)
        && fileName.equals(c.fileName)
        && title.equals(c.title)
        && width == c.width
        && height == c.height
        && Arrays.equals(png, c.png);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, group, detail, fileName, title, width, height, Arrays.hashCode(png));
  }

  @Override
  public String toString() {
    return "ChartImage[" + fileName + ", " + width + "x" + height + ", " + png.length + " bytes]";
  }
}
