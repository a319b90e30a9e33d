package io.firmsim.trainer.forecast.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SeriesFiles} and {@link SeriesInfo}: both layouts read, every bad file refused. */
class SeriesFilesTest {
  @TempDir Path tmp;

  private Path file(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void wideLayoutReadsRaggedRowsInFileOrder() throws IOException {
    Path p = file("w.csv", "\uFEFFid,V1,V2,V3\nB,1.5,2,-3\n\nA,4936.99,,\nC,7\n");
    List<NamedSeries> s = SeriesFiles.read(p);
    assertEquals(3, s.size());
    assertEquals("B", s.get(0).id());
    assertArrayEquals(new double[] {1.5, 2, -3}, s.get(0).values());
    assertEquals("A", s.get(1).id());
    assertArrayEquals(new double[] {4936.99}, s.get(1).values());
    assertArrayEquals(new double[] {7}, s.get(2).values());
  }

  @Test
  void longLayoutGivesTheSameSeriesAsTheWideOne() throws IOException {
    Path wide = file("w.csv", "id,V1,V2,V3\nN1,1,2,3\nN2,10,20,\n");
    Path lng =
        file("l.csv", "series,time,value\nN1,1990,1\nN1,1991,2\nN1,1995.5,3\nN2,1,10\nN2,2,20\n");
    assertEquals(SeriesFiles.read(wide), SeriesFiles.read(lng));
  }

  @Test
  void theCopiedM3FilesHaveTheirDocumentedShape() throws Exception {
    Path dir = Path.of(getClass().getResource("/forecast/m3-subset").toURI());
    List<NamedSeries> train = SeriesFiles.read(dir.resolve("M3-Monthly-train.csv"));
    List<NamedSeries> test = SeriesFiles.read(dir.resolve("M3-Monthly-test.csv"));
    List<SeriesInfo> info = SeriesInfo.read(dir.resolve("M3-info.csv"));
    assertEquals(47, train.size());
    assertEquals("N1402", train.get(0).id());
    for (int i = 0; i < train.size(); i++) {
      assertEquals(train.get(i).id(), test.get(i).id());
      assertEquals(18, test.get(i).length());
    }
    assertEquals(168, info.size());
    SeriesInfo first = info.get(0);
    assertEquals(new SeriesInfo("N0001", "Yearly", 1, 6), first);
    for (SeriesInfo si : info) {
      if (si.frequency().equals("Monthly")) {
        assertEquals(12, si.seasonalPeriod());
        assertEquals(18, si.horizon());
      }
    }
    // N2786 holds M3's only negative value (-1200, test value 6).
    NamedSeries n2786 = test.stream().filter(s -> s.id().equals("N2786")).findFirst().get();
    assertEquals(-1200, n2786.value(5));
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("id,V1,V2\nA,1,x\n", "row 2, column 'V2': not a number: 'x'"),
        Arguments.of(
            "id,V1,V2,V3\nA,1,2,3\nB,1,,3\n", "row 3, column 'V3': a value after an empty"),
        Arguments.of(
            "id,V1\nA,1\nB,2\nA,3\n",
            "row 4, column 'id': series 'A' is repeated (first at row 2)"),
        Arguments.of("id,V1,V2\nA,1,2\nB,,\n", "row 3, column 'V1': series 'B' has no values"),
        Arguments.of("id,V1,V3\nA,1,2\n", "row 1, column 'V3': wrong header"),
        Arguments.of("V1,V2\n1,2\n", "row 1, column 'V1': wrong header"),
        Arguments.of("id,V1\nA,1,2\n", "row 2: 3 cells where the header has 2"),
        Arguments.of("id,V1\n,1\n", "row 2, column 'id': missing series id"),
        Arguments.of("id,V1\nA,NaN\n", "row 2, column 'V1': non-finite value"),
        Arguments.of("id,V1\n", "no series"),
        Arguments.of("", "empty file"),
        Arguments.of(
            "series,time,value\nA,1,1\nA,1,2\n", "row 3, column 'time': time 1 does not increase"),
        Arguments.of(
            "series,time,value\nA,2,1\nA,1,2\n", "row 3, column 'time': time 1 does not increase"),
        Arguments.of(
            "series,time,value\nA,1,1\nB,1,2\nA,2,3\n",
            "row 4, column 'series': series 'A' is repeated (first at row 2)"),
        Arguments.of("series,time,value\nA,1,\n", "row 2, column 'value': missing value"),
        Arguments.of("series,time,value\nA,t,1\n", "row 2, column 'time': not a number: 't'"),
        Arguments.of("series,value,time\nA,1,1\n", "row 1, column 'value': wrong header"),
        Arguments.of("series,time,value,x\nA,1,1,2\n", "row 1, column 'x': wrong header"));
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void badFilesAreRefusedNamingFileRowAndColumn(String text, String expected) throws IOException {
    Path p = file("bad.csv", text);
    BadInputException e = assertThrows(BadInputException.class, () -> SeriesFiles.read(p));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void infoReaderTakesItsColumnsInAnyOrderAndRefusesBadRows() throws IOException {
    Path ok =
        file(
            "i.csv",
            "horizon,id,seasonal_period,extra,frequency\n6,Y1,1,z,Yearly\n8,Q1,4,,Quarterly\n");
    assertEquals(
        List.of(new SeriesInfo("Y1", "Yearly", 1, 6), new SeriesInfo("Q1", "Quarterly", 4, 8)),
        SeriesInfo.read(ok));
    Path missing = file("m.csv", "id,frequency,horizon\nY1,Yearly,6\n");
    BadInputException e = assertThrows(BadInputException.class, () -> SeriesInfo.read(missing));
    assertTrue(
        e.getMessage().contains("row 1, column 'seasonal_period': missing column"), e.getMessage());
    Path zero = file("z.csv", "id,frequency,seasonal_period,horizon\nY1,Yearly,0,6\n");
    e = assertThrows(BadInputException.class, () -> SeriesInfo.read(zero));
    assertTrue(
        e.getMessage()
            .contains("row 2, column 'seasonal_period': expected a positive integer, found '0'"),
        e.getMessage());
    Path dup =
        file("d.csv", "id,frequency,seasonal_period,horizon\nY1,Yearly,1,6\nY1,Yearly,1,x\n");
    e = assertThrows(BadInputException.class, () -> SeriesInfo.read(dup));
    assertTrue(
        e.getMessage().contains("row 3, column 'id': series 'Y1' is repeated"), e.getMessage());
  }
}
