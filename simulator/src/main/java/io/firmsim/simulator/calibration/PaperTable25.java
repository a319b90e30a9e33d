package io.firmsim.simulator.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Table 25 of Shahnazarian (2004): the balance sheet, income statement, flows and financial ratios
 * of Swedish incorporated businesses in the base year 1999 and as the paper simulates them for
 * 2000-2004. It is what a calibrated population is raked to ({@link CalibratedPopulation}) and what
 * a simulation is compared with ({@link Table25Items}, {@code docs/CALIBRATION.md}).
 *
 * <p>Units: money items are <b>totals over the population in million SEK</b> ({@link #UNIT_SEK}),
 * not means per firm; the 1999 population is the sampling frame of {@value #FIRMS_1999} firms
 * (Shahnazarian 2011, IJM 4(1), Tables 1-2, prints the same numbers as "MSEK"). A mean per firm is
 * a total divided by that count: total assets of about 25.7 million SEK, against 2.7 million for
 * the start-up firms of MODEL.md section 5. Ratios are fractions.
 *
 * <p>Item names are the paper's ({@code PFt-1t} is the periodical reserve set aside one year
 * before, {@code TDEPma-EDEPma} the excess of tax over book depreciation of machinery, {@code
 * Olt-1t} last year's stock of tax losses); {@link Table25Items} maps them to the model's
 * variables. The bundled copy is read by {@link #load()}; the class reads any file of the same
 * shape with {@link #read(InputStream, String)}.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class PaperTable25 {
  /** SEK per unit of the table's money items: they are in million SEK. */
  public static final double UNIT_SEK = 1e6;

  /**
   * Incorporated businesses in the 1999 sampling frame (Shahnazarian 2011, Table 1): the population
   * whose totals the table gives.
   */
  public static final int FIRMS_1999 = 243_131;

  /** The base year: observed data, what a calibrated population is raked to. */
  public static final int BASE_YEAR = 1999;

  /** Name of the bundled resource, next to this class. */
  public static final String RESOURCE = "paper-table25.json";

  /** The table's sections, in its order. */
  public enum Section {
    ASSETS("Assets"),
    LIABILITIES("Liabilities"),
    INCOME_STATEMENT("Income statement"),
    FLOWS("Flow variabels"),
    RATIOS("Financial ratio analysis (mean)");

    private final String title;

    Section(String title) {
      this.title = title;
    }

    /** The section's name in the file (spelt as in the source). */
    public String title() {
      return title;
    }

    /** Whether its items are money (million SEK) rather than ratios. */
    public boolean isMoney() {
      return this != RATIOS;
    }

    static Section byTitle(String title) {
      for (Section s : values()) {
        if (s.title.equals(title)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * One row of the table.
   *
   * @param section where it is printed
   * @param name the paper's name, e.g. {@code PFt-1t}; {@code Total} appears in two sections
   */
  public record Item(Section section, String name) {
    public Item {
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return section.title() + "/" + name;
    }
  }

  private final List<Integer> years;
  private final List<Item> items;
  private final Map<Integer, Map<Item, Double>> values;

  private PaperTable25(List<Integer> years, List<Item> items, Map<Integer, Map<Item, Double>> v) {
    this.years = List.copyOf(years);
    this.items = List.copyOf(items);
    Map<Integer, Map<Item, Double>> copy = new LinkedHashMap<>();
    v.forEach((y, m) -> copy.put(y, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    this.values = Collections.unmodifiableMap(copy);
  }

  /** The bundled copy of the table (resource {@value #RESOURCE}). */
  public static PaperTable25 load() {
    try (InputStream in = PaperTable25.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
      }
      return read(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a table: an object by year, each an object by section title, each an object by item name
   * with a finite number. Every year must hold the same sections and items.
   *
   * @param source names the input in messages
   * @throws BadInputException naming the source and the key path of the first problem
   */
  public static PaperTable25 read(InputStream in, String source) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new BadInputException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new BadInputException(source + ": expected an object of years");
    }
    List<Integer> years = new ArrayList<>();
    List<Item> items = null;
    Map<Integer, Map<Item, Double>> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> year = it.next();
      int y;
      try {
        y = Integer.parseInt(year.getKey());
      } catch (NumberFormatException e) {
        throw new BadInputException(source + ": key '" + year.getKey() + "' is not a year", e);
      }
      Map<Item, Double> row = readYear(source, year.getKey(), year.getValue());
      List<Item> these = List.copyOf(row.keySet());
      if (items == null) {
        items = these;
      } else if (!items.equals(these)) {
        throw new BadInputException(
            source
                + ": year "
                + y
                + " has other sections or items than year "
                + years.get(0)
                + " (every year must list the same, in the same order)");
      }
      years.add(y);
      values.put(y, row);
    }
    return new PaperTable25(years, items, values);
  }

  private static Map<Item, Double> readYear(String source, String year, JsonNode node) {
    if (!node.isObject()) {
      throw new BadInputException(source + ": " + year + ": expected an object of sections");
    }
    Map<Item, Double> row = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> s = it.next();
      Section section = Section.byTitle(s.getKey());
      String path = year + "." + s.getKey();
      if (section == null) {
        throw new BadInputException(source + ": " + path + ": unknown section");
      }
      if (!s.getValue().isObject()) {
        throw new BadInputException(source + ": " + path + ": expected an object of items");
      }
      for (Iterator<Map.Entry<String, JsonNode>> jt = s.getValue().fields(); jt.hasNext(); ) {
        Map.Entry<String, JsonNode> item = jt.next();
        JsonNode v = item.getValue();
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
          throw new BadInputException(
              source + ": " + path + "." + item.getKey() + ": expected a finite number");
        }
        row.put(new Item(section, item.getKey()), v.doubleValue());
      }
    }
    return row;
  }

  /** The years of the table, in order. */
  public List<Integer> years() {
    return years;
  }

  /** Every item, in the table's order. */
  public List<Item> items() {
    return items;
  }

  /** The items of one section, in the table's order. */
  public List<Item> items(Section section) {
    return items.stream().filter(i -> i.section() == section).toList();
  }

  /** The item of a section with this name. */
  public Item item(Section section, String name) {
    Item item = new Item(section, name);
    if (!items.contains(item)) {
      throw new IllegalArgumentException("Table 25 has no item " + item);
    }
    return item;
  }

  /** The value as printed: million SEK for money items, a fraction for ratios. */
  public double value(int year, Item item) {
    Map<Item, Double> row = values.get(year);
    if (row == null) {
      throw new IllegalArgumentException("Table 25 has no year " + year + "; it has " + years);
    }
    Double v = row.get(item);
    if (v == null) {
      throw new IllegalArgumentException("Table 25 has no item " + item);
    }
    return v;
  }

  /** As {@link #value(int, Item)} for the item of a section with this name. */
  public double value(int year, Section section, String name) {
    return value(year, item(section, name));
  }

  /** A money item in SEK: the printed value times {@link #UNIT_SEK}. */
  public double sek(int year, Section section, String name) {
    if (!section.isMoney()) {
      throw new IllegalArgumentException(section.title() + " holds ratios, not money");
    }
    return value(year, section, name) * UNIT_SEK;
  }
}
