package io.firmsim.trainer.embed.features;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Windows of k consecutive years of firms' standardised {@link FirmFeature}s: the input {@code
 * [windows, k, features]} of a trajectory encoder, with the firm and the last year of each window.
 * Year {@code j} of a window ({@code 0 <= j < k}) is year {@code endYear - k + 1 + j}.
 *
 * <p>Two selections: {@link Selection#ALL} gives every window of k consecutive years (training: a
 * firm with n years gives {@code n - k + 1} windows), {@link Selection#LATEST} each firm's last k
 * years (one embedding per firm). Firms with fewer than k years give none and are counted in {@link
 * #skippedFirms()}. A firm whose years are not consecutive (a gap in the panel) is refused, naming
 * the firm and the year after the gap: a window over a gap would silently join two distant years.
 * Windows are ordered by firm id, then end year.
 *
 * <p>Values are float32 (the encoder's type); features are computed in float64 and standardised
 * before the cast.
 *
 * <p>Class is immutable (arrays copied out) and thread-safe.
 */
public final class FirmWindows {
  /** Which windows of a firm to take. */
  public enum Selection {
    /** Every window of k consecutive years. */
    ALL,
    /** Each firm's last k years. */
    LATEST
  }

  private final int length;
  private final long[] firmIds;
  private final int[] endYears;
  private final float[] values;
  private final int skippedFirms;

  private FirmWindows(
      int length, long[] firmIds, int[] endYears, float[] values, int skippedFirms) {
    this.length = length;
    this.firmIds = firmIds;
    this.endYears = endYears;
    this.values = values;
    this.skippedFirms = skippedFirms;
  }

  /**
   * Reads a panel CSV (as {@code simulate --panel csv} writes it) and builds its windows.
   *
   * @throws BadInputException naming the file: a malformed panel, or a firm with a gap in its years
   */
  public static FirmWindows fromCsv(Path file, int length, FeatureScaling scaling, Selection sel) {
    Panel panel = PanelCsvReader.read(file);
    return of(panel, file.toString(), length, scaling, sel);
  }

  /**
   * The windows of a panel (in-memory arrays come in through {@link Panel#of}).
   *
   * @param panel the panel
   * @param source the panel's name in messages (its file)
   * @param length k, the years per window (at least 1)
   * @param scaling the standardisation, fitted on the training panel
   * @param sel which windows to take
   * @throws BadInputException naming the source, firm and year where a firm's years have a gap
   */
  public static FirmWindows of(
      Panel panel, String source, int length, FeatureScaling scaling, Selection sel) {
    return of(panel, FirmFeatures.compute(panel), source, length, scaling, sel);
  }

  /**
   * As {@link #of(Panel, String, int, FeatureScaling, Selection)} with the panel's features already
   * computed ({@link FirmFeatures#compute}, e.g. to fit the scaling on them first).
   */
  public static FirmWindows of(
      Panel panel,
      double[][] features,
      String source,
      int length,
      FeatureScaling scaling,
      Selection sel) {
    Objects.requireNonNull(panel, "panel");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(sel, "sel");
    if (length < 1) {
      throw new IllegalArgumentException("a window needs at least 1 year, found " + length);
    }
    if (features.length != panel.rows()) {
      throw new IllegalArgumentException(
          features.length + " feature rows for a panel of " + panel.rows() + " rows");
    }
    int rows = panel.rows();
    Integer[] order = new Integer[rows];
    for (int r = 0; r < rows; r++) {
      order[r] = r;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Long.compare(panel.firmId(a), panel.firmId(b));
          return c != 0 ? c : Integer.compare(panel.year(a), panel.year(b));
        });
    int f = FirmFeature.count();
    // First pass: check the years, count the windows.
    int windows = 0;
    int skipped = 0;
    for (int start = 0; start < rows; ) {
      int end = firmEnd(panel, order, start);
      for (int i = start + 1; i < end; i++) {
        int year = panel.year(order[i]);
        int before = panel.year(order[i - 1]);
        if (year != before + 1) {
          throw new BadInputException(
              source
                  + ": firm "
                  + panel.firmId(order[i])
                  + " has year "
                  + year
                  + " after year "
                  + before
                  + " (panel row "
                  + (order[i] + 1)
                  + "): windows need consecutive years, the panel lacks years "
                  + (before + 1)
                  + (year - 1 > before + 1 ? ".." + (year - 1) : ""));
        }
      }
      int n = end - start;
      if (n < length) {
        skipped++;
      } else {
        windows += sel == Selection.ALL ? n - length + 1 : 1;
      }
      start = end;
    }
    long cells = (long) windows * length * f;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          windows + " windows of " + length + " years are too many for one array");
    }
    long[] ids = new long[windows];
    int[] years = new int[windows];
    float[] values = new float[(int) cells];
    int w = 0;
    for (int start = 0; start < rows; ) {
      int end = firmEnd(panel, order, start);
      int n = end - start;
      if (n >= length) {
        int first = sel == Selection.ALL ? start : end - length;
        for (int s = first; s + length <= end; s++) {
          ids[w] = panel.firmId(order[s]);
          years[w] = panel.year(order[s + length - 1]);
          for (int j = 0; j < length; j++) {
            double[] row = features[order[s + j]];
            int base = (w * length + j) * f;
            for (int i = 0; i < f; i++) {
              values[base + i] = (float) scaling.apply(i, row[i]);
            }
          }
          w++;
        }
      }
      start = end;
    }
    return new FirmWindows(length, ids, years, values, skipped);
  }

  private static int firmEnd(Panel panel, Integer[] order, int start) {
    long firm = panel.firmId(order[start]);
    int end = start + 1;
    while (end < order.length && panel.firmId(order[end]) == firm) {
      end++;
    }
    return end;
  }

  /** The number of windows. */
  public int size() {
    return firmIds.length;
  }

  /** k, the years per window. */
  public int length() {
    return length;
  }

  /** The features per year. */
  public int features() {
    return FirmFeature.count();
  }

  /** The firm of window {@code w}. */
  public long firmId(int w) {
    return firmIds[w];
  }

  /** The last year of window {@code w}. */
  public int endYear(int w) {
    return endYears[w];
  }

  /** The firms of the windows (a copy). */
  public long[] firmIds() {
    return firmIds.clone();
  }

  /** The last years of the windows (a copy). */
  public int[] endYears() {
    return endYears.clone();
  }

  /** Firms with fewer than k years, which give no window. */
  public int skippedFirms() {
    return skippedFirms;
  }

  /** The value of window {@code w}, year {@code j}, feature {@code i}. */
  public float value(int w, int j, int i) {
    return values[(w * length + j) * features() + i];
  }

  /** The values row-major {@code [windows * k * features]} (a copy). */
  public float[] flat() {
    return values.clone();
  }

  /** The values as {@code [windows][k][features]}. */
  public float[][][] toArray() {
    int f = features();
    float[][][] out = new float[size()][length][f];
    for (int w = 0; w < size(); w++) {
      for (int j = 0; j < length; j++) {
        System.arraycopy(values, (w * length + j) * f, out[w][j], 0, f);
      }
    }
    return out;
  }

  /** The windows {@code from..to-1} row-major (a copy), for batching. */
  public float[] flat(int from, int to) {
    int stride = length * features();
    return Arrays.copyOfRange(values, from * stride, to * stride);
  }
}
