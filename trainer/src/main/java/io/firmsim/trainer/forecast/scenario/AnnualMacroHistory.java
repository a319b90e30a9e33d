package io.firmsim.trainer.forecast.scenario;

import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvHeader;
import io.firmsim.simulator.input.CsvInput;
import io.firmsim.simulator.input.CsvRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The annual history of the two macro drivers that scenarios are forecast from: real GDP growth and
 * the real interest rate, both in percent, one row per calendar year, years consecutive. The file
 * format ({@link #read}, {@link #write}) is a CSV with the header {@value #HEADER}:
 *
 * <pre>
 * year,gdp_growth_pct,realr_pct
 * 1961,2.5143,1.5775
 * </pre>
 *
 * <p>{@code gdp_growth_pct} is the growth of the year's real GDP over the previous year's in
 * percent ({@code 2.5} = 2.5%), {@code realr_pct} the year's real interest rate in percent. {@link
 * #fromQuarterly} derives such a history from a quarterly file ({@code firmsim scenario history}).
 *
 * <p>Class is immutable.
 */
public final class AnnualMacroHistory {
  /** The header of a history file, in the order written. */
  public static final String HEADER = "year,gdp_growth_pct,realr_pct";

  /** The columns of a history file. */
  public static final List<String> COLUMNS = List.of("year", "gdp_growth_pct", "realr_pct");

  /** Columns of the quarterly file that {@link #fromQuarterly} reads. */
  public static final List<String> QUARTERLY_COLUMNS =
      List.of("quarter", "real_gdp_bn_2005usd", "real_interest_rate_pct");

  private static final CsvHeader.Schema SCHEMA =
      CsvHeader.Schema.builder("a macro history file has the columns " + HEADER)
          .required(COLUMNS)
          .build();

  private static final CsvHeader.Schema QUARTERLY_SCHEMA =
      CsvHeader.Schema.builder(
              "a quarterly macro file has the columns "
                  + String.join(",", QUARTERLY_COLUMNS)
                  + " (others are ignored)")
          .required(QUARTERLY_COLUMNS)
          .allowUnknown()
          .build();

  private static final Pattern QUARTER = Pattern.compile("\\s*(-?\\d{1,9})Q([1-4])\\s*");

  private final int firstYear;
  private final double[] growthPct;
  private final double[] realrPct;

  private AnnualMacroHistory(int firstYear, double[] growthPct, double[] realrPct) {
    this.firstYear = firstYear;
    this.growthPct = growthPct;
    this.realrPct = realrPct;
  }

  /**
   * A history from values (copied).
   *
   * @param firstYear calendar year of the first value
   * @param growthPct real GDP growth per year, percent
   * @param realrPct real interest rate per year, percent, as many values as {@code growthPct}
   * @throws IllegalArgumentException if the lengths differ, there is no value, a value is not
   *     finite, or the last year passes {@link Integer#MAX_VALUE}
   */
  public static AnnualMacroHistory of(int firstYear, double[] growthPct, double[] realrPct) {
    if (growthPct.length != realrPct.length) {
      throw new IllegalArgumentException(
          "growth and rate need one value per year each, found "
              + growthPct.length
              + " and "
              + realrPct.length);
    }
    if (growthPct.length == 0) {
      throw new IllegalArgumentException("a history needs at least one year");
    }
    if ((long) firstYear + growthPct.length - 1 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the years run past the largest year number");
    }
    for (int i = 0; i < growthPct.length; i++) {
      if (!Double.isFinite(growthPct[i]) || !Double.isFinite(realrPct[i])) {
        throw new IllegalArgumentException(
            "year "
                + (firstYear + i)
                + ": values must be finite, found "
                + growthPct[i]
                + ", "
                + realrPct[i]);
      }
    }
    return new AnnualMacroHistory(firstYear, growthPct.clone(), realrPct.clone());
  }

  /**
   * Reads a history file (class comment).
   *
   * @throws BadInputException naming the file, the line (header = 1) and the column: a missing,
   *     repeated or unknown column, a ragged row, a year that is not an integer or does not follow
   *     the previous one by one, a value that is missing, not a number or not finite, a file
   *     without data rows
   */
  public static AnnualMacroHistory read(Path file) {
    Objects.requireNonNull(file, "file");
    return CsvInput.read(file, parser -> read(file, parser));
  }

  private static AnnualMacroHistory read(Path file, CsvParser parser) throws IOException {
    CsvHeader header = CsvInput.header(parser, file, SCHEMA).check();
    int cYear = header.column("year");
    int cGrowth = header.column("gdp_growth_pct");
    int cRate = header.column("realr_pct");
    int width = header.width();
    List<String> cells = new ArrayList<>();
    int first = 0;
    int previous = 0;
    int count = 0;
    double[] g = new double[64];
    double[] r = new double[64];
    long line;
    while ((line = CsvRows.nextRow(parser, cells)) >= 0) {
      if (cells.size() != width) {
        throw BadInputException.at(
            file,
            line,
            null,
            "expected " + width + " cells (as in the header), found " + cells.size());
      }
      int year = CsvCells.year(file, line, "year", cells.get(cYear));
      if (count > 0 && year != previous + 1) {
        throw BadInputException.at(
            file,
            line,
            "year",
            "year " + year + " follows " + previous + ": years must increase by one per row");
      }
      if (count == g.length) {
        g = Arrays.copyOf(g, 2 * count);
        r = Arrays.copyOf(r, 2 * count);
      }
      g[count] = CsvCells.value(file, line, "gdp_growth_pct", cells.get(cGrowth));
      r[count] = CsvCells.value(file, line, "realr_pct", cells.get(cRate));
      if (count == 0) {
        first = year;
      }
      previous = year;
      count++;
    }
    if (count == 0) {
      throw BadInputException.at(file, -1, null, "no data rows: the file has only a header");
    }
    return new AnnualMacroHistory(first, Arrays.copyOf(g, count), Arrays.copyOf(r, count));
  }

  /**
   * Aggregates a quarterly file to years. The file has the columns {@code quarter} ({@code
   * YYYYQn}), {@code real_gdp_bn_2005usd} (the level of real GDP) and {@code
   * real_interest_rate_pct} (others are ignored), one row per quarter, quarters consecutive: the
   * layout of {@code us_gdp_growth_realint_quarterly.csv} (statsmodels' {@code macrodata}).
   *
   * <p>Only complete years (all four quarters) are used. A year's real interest rate is the mean of
   * its four quarterly rates; its GDP growth is {@code 100 (mean(GDP_y) / mean(GDP_{y-1}) - 1)},
   * the growth of the yearly mean of the quarterly levels (the annual figure national accounts
   * publish), so the first complete year, which has no complete predecessor, has no row.
   *
   * @throws BadInputException naming the file, the line and the column for a bad header or cell, a
   *     quarter that is not {@code YYYYQn} or does not follow the previous one, a GDP level that is
   *     not positive, or fewer than two complete years
   */
  public static AnnualMacroHistory fromQuarterly(Path file) {
    Objects.requireNonNull(file, "file");
    return CsvInput.read(file, parser -> fromQuarterly(file, parser));
  }

  private static AnnualMacroHistory fromQuarterly(Path file, CsvParser parser) throws IOException {
    CsvHeader header = CsvInput.header(parser, file, QUARTERLY_SCHEMA).check();
    int cQuarter = header.column("quarter");
    int cGdp = header.column("real_gdp_bn_2005usd");
    int cRate = header.column("real_interest_rate_pct");
    int width = header.width();
    List<String> cells = new ArrayList<>();
    // Sums of the complete years, in order; a year's sums are kept once its Q4 is read.
    List<Integer> years = new ArrayList<>();
    List<double[]> sums = new ArrayList<>(); // {sum gdp, sum rate}
    long previous = Long.MIN_VALUE; // 4 * year + quarter - 1 of the previous row
    int seenInYear = 0;
    double gdpSum = 0;
    double rateSum = 0;
    long line;
    while ((line = CsvRows.nextRow(parser, cells)) >= 0) {
      if (cells.size() != width) {
        throw BadInputException.at(
            file,
            line,
            null,
            "expected " + width + " cells (as in the header), found " + cells.size());
      }
      String text = cells.get(cQuarter);
      Matcher m = QUARTER.matcher(text);
      if (!m.matches()) {
        throw BadInputException.at(
            file,
            line,
            "quarter",
            "a quarter must look like 1959Q2, found '" + CsvCells.shown(text) + "'");
      }
      int year = Integer.parseInt(m.group(1));
      int q = Integer.parseInt(m.group(2));
      long index = 4L * year + q - 1;
      if (previous != Long.MIN_VALUE && index != previous + 1) {
        throw BadInputException.at(
            file,
            line,
            "quarter",
            text.strip()
                + " follows "
                + (Math.floorDiv(previous, 4))
                + "Q"
                + (Math.floorMod(previous, 4) + 1)
                + ": quarters must follow one another without gaps");
      }
      double gdp = CsvCells.value(file, line, "real_gdp_bn_2005usd", cells.get(cGdp));
      if (gdp <= 0) {
        throw BadInputException.at(
            file, line, "real_gdp_bn_2005usd", "a GDP level must be positive, found " + gdp);
      }
      double rate = CsvCells.value(file, line, "real_interest_rate_pct", cells.get(cRate));
      if (q == 1) {
        seenInYear = 0;
        gdpSum = 0;
        rateSum = 0;
      }
      seenInYear++;
      gdpSum += gdp;
      rateSum += rate;
      if (q == 4 && seenInYear == 4) {
        years.add(year);
        sums.add(new double[] {gdpSum, rateSum});
      }
      previous = index;
    }
    if (years.size() < 2) {
      throw BadInputException.at(
          file,
          -1,
          null,
          "found "
              + years.size()
              + " complete year(s): annual growth needs at least two complete years (Q1 to Q4)");
    }
    int n = years.size() - 1;
    double[] g = new double[n];
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double before = sums.get(i)[0] / 4;
      double now = sums.get(i + 1)[0] / 4;
      g[i] = 100 * (now / before - 1);
      r[i] = sums.get(i + 1)[1] / 4;
    }
    return new AnnualMacroHistory(years.get(1), g, r);
  }

  /** Writes the history in the file format of the class comment (full precision). */
  public void write(Writer out) {
    try {
      out.write(HEADER);
      out.write('\n');
      for (int i = 0; i < growthPct.length; i++) {
        out.write((firstYear + i) + "," + Double.toString(growthPct[i]) + "," + realrPct[i] + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Calendar year of the first value. */
  public int firstYear() {
    return firstYear;
  }

  /** Calendar year of the last value. */
  public int lastYear() {
    return firstYear + growthPct.length - 1;
  }

  /** Number of years. */
  public int size() {
    return growthPct.length;
  }

  /** Real GDP growth per year in percent (a copy). */
  public double[] growthPct() {
    return growthPct.clone();
  }

  /** Real interest rate per year in percent (a copy). */
  public double[] realrPct() {
    return realrPct.clone();
  }

  @Override
  public String toString() {
    return "AnnualMacroHistory[" + firstYear + ".." + lastYear() + "]";
  }
}
