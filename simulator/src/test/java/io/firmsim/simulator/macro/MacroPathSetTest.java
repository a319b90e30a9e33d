package io.firmsim.simulator.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MacroPathSet}: which files are paths, their order and names, and what is refused. */
class MacroPathSetTest {
  @TempDir Path tmp;

  private static List<String> path(double dgnp) {
    return List.of("year,dgnp,realr", "1," + dgnp + ",0.01", "2," + dgnp + ",0.02");
  }

  @Test
  void readsTheCsvFilesInNameOrderAndIgnoresTheRest() throws IOException {
    Files.write(tmp.resolve("b.csv"), path(3));
    Files.write(tmp.resolve("a2.csv"), path(2));
    Files.write(tmp.resolve("a10.csv"), path(1));
    Files.write(tmp.resolve("readme.txt"), List.of("not a path"));
    Files.createDirectories(tmp.resolve("sub.csv")); // a folder, not a path file
    MacroPathSet set = MacroPathSet.read(tmp, 1, 2);
    assertEquals(3, set.size());
    // String order: "a10" < "a2" < "b"
    assertEquals(
        List.of("a10", "a2", "b"), set.entries().stream().map(MacroPathSet.Entry::name).toList());
    for (int i = 0; i < 3; i++) {
      MacroPathSet.Entry e = set.entries().get(i);
      assertEquals(tmp.resolve(e.name() + ".csv"), e.file());
      assertEquals(i + 1.0, e.path().dgnp(2), 0);
      assertEquals(0.02, e.path().realr(2), 0);
      assertEquals(0.0, e.path().dgnp(3), 0); // outside the requested years
    }
    assertEquals(tmp, set.folder());
  }

  @Test
  void refusesAFileNamedOnlyCsv() throws IOException {
    Files.write(tmp.resolve(".csv"), path(1));
    BadInputException e = assertThrows(BadInputException.class, () -> MacroPathSet.read(tmp, 1, 2));
    assertTrue(e.getMessage().contains("needs a name before .csv"), e.getMessage());
  }
}
