package io.firmsim.simulator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.calibration.PaperTable25.Item;
import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.simulator.input.BadInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaperTable25Test {
  private static final PaperTable25 TABLE = PaperTable25.load();

  @Test
  void holdsSixYearsAndFiveSections() {
    assertEquals(List.of(1999, 2000, 2001, 2002, 2003, 2004), TABLE.years());
    assertEquals(5, TABLE.items(Section.ASSETS).size());
    assertEquals(14, TABLE.items(Section.LIABILITIES).size());
    assertEquals(22, TABLE.items(Section.INCOME_STATEMENT).size());
    assertEquals(17, TABLE.items(Section.FLOWS).size());
    assertEquals(12, TABLE.items(Section.RATIOS).size());
    assertEquals(2032624, TABLE.value(1999, Section.ASSETS, "CA"));
    assertEquals(2032624e6, TABLE.sek(1999, Section.ASSETS, "CA"));
    assertEquals(1.273, TABLE.value(1999, Section.RATIOS, "CR"));
  }

  /** The table's own arithmetic: totals add up (to its rounding), reserves age by one year. */
  @Test
  void totalsAddUpAndReservesAge() {
    for (int year : TABLE.years()) {
      for (Section s : List.of(Section.ASSETS, Section.LIABILITIES)) {
        double sum = 0;
        for (Item item : TABLE.items(s)) {
          if (!item.name().equals("Total")) {
            sum += TABLE.value(year, item);
          }
        }
        assertEquals(TABLE.value(year, s, "Total"), sum, 6, year + " " + s);
      }
      if (year > 1999) {
        String[] v = {"PFt", "PFt-1t", "PFt-2t", "PFt-3t", "PFt-4t", "PFt-5t"};
        for (int k = 1; k < v.length; k++) {
          assertEquals(
              TABLE.value(year - 1, Section.LIABILITIES, v[k - 1]),
              TABLE.value(year, Section.LIABILITIES, v[k]),
              year + " " + v[k]);
        }
        // last year's tax losses are this year's Olt-1t
        assertEquals(
            TABLE.value(year - 1, Section.INCOME_STATEMENT, "Olt"),
            TABLE.value(year, Section.INCOME_STATEMENT, "Olt-1t"));
      }
    }
  }

  @Test
  void badInputNamesTheKeyPath() {
    String json = "{\"1999\": {\"Assets\": {\"CA\": 1, \"MA\": \"x\"}}}";
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () ->
                PaperTable25.read(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json"));
    assertTrue(e.getMessage().contains("t.json: 1999.Assets.MA"), e.getMessage());
    String other = "{\"1999\": {\"Asets\": {\"CA\": 1}}}";
    e =
        assertThrows(
            BadInputException.class,
            () ->
                PaperTable25.read(
                    new ByteArrayInputStream(other.getBytes(StandardCharsets.UTF_8)), "t.json"));
    assertTrue(e.getMessage().contains("1999.Asets: unknown section"), e.getMessage());
  }
}
