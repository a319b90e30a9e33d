package io.firmsim.trainer.embed.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactSearchTest {
  // Rows: (0,0) (3,4) (1,0) (0,2) (-1,-1); firms 10, 20, 30, 40, 50.
  private static final EmbeddingTable TABLE =
      EmbeddingTable.of(
          new float[][] {{0, 0}, {3, 4}, {1, 0}, {0, 2}, {-1, -1}},
          new long[] {10, 20, 30, 40, 50},
          new int[] {2020, 2020, 2020, 2020, 2020});

  @Test
  void euclideanDistancesMatchHandComputation() {
    List<Neighbour> got = new ExactSearch(TABLE, Metric.L2).query(new float[] {0, 0}, 5);
    // |(0,0)|=0, |(1,0)|=1, |(-1,-1)|=sqrt 2, |(0,2)|=2, |(3,4)|=5.
    assertEquals(List.of(0, 2, 4, 3, 1), got.stream().map(Neighbour::row).toList());
    assertEquals(Math.sqrt(2), got.get(2).distance(), 1e-15);
    assertEquals(5.0, got.get(4).distance(), 1e-15);
    assertEquals(50L, got.get(2).firmId());
  }

  @Test
  void cosineDistancesMatchHandComputation() {
    EmbeddingTable t =
        EmbeddingTable.of(
            new float[][] {{1, 0}, {0, 5}, {-2, 0}, {1, 1}},
            new long[] {1, 2, 3, 4},
            new int[] {2000, 2000, 2000, 2000});
    List<Neighbour> got = new ExactSearch(t, Metric.COSINE).query(new float[] {3, 0}, 4);
    // 1 - cos: 0 (same direction), 1 - 1/sqrt 2, 1 (orthogonal), 2 (opposite).
    assertEquals(List.of(0, 3, 1, 2), got.stream().map(Neighbour::row).toList());
    assertEquals(0.0, got.get(0).distance(), 1e-15);
    assertEquals(1 - 1 / Math.sqrt(2), got.get(1).distance(), 1e-7);
    assertEquals(1.0, got.get(2).distance(), 1e-15);
    assertEquals(2.0, got.get(3).distance(), 1e-15);
  }

  @Test
  void queryByFirmUsesItsLatestRowAndLeavesTheFirmOut() {
    // Firm 7 has rows ending 2001 (near the origin) and 2003 (near (10,10)); firm 8 is at (10,9),
    // firm 9 at (0,0.5).
    EmbeddingTable t =
        EmbeddingTable.of(
            new float[][] {{0, 0}, {10, 10}, {10, 9}, {0, 0.5f}},
            new long[] {7, 7, 8, 9},
            new int[] {2001, 2003, 2003, 2003});
    List<Neighbour> got = new ExactSearch(t, Metric.L2).query(7, 3);
    assertEquals(List.of(8L, 9L), got.stream().map(Neighbour::firmId).toList());
    assertEquals(1.0, got.get(0).distance(), 1e-15);
  }

  @Test
  void kLargerThanTheTableGivesEveryRow() {
    assertEquals(5, new ExactSearch(TABLE, Metric.L2).query(new float[] {1, 1}, 50).size());
  }

  @Test
  void badQueriesAreRefusedWithAClearMessage() {
    ExactSearch s = new ExactSearch(TABLE, Metric.L2);
    BadInputException dim =
        assertThrows(BadInputException.class, () -> s.query(new float[] {1, 2, 3}, 3));
    assertTrue(dim.getMessage().contains("has 3 values but the embeddings have dimension 2"));
    BadInputException k = assertThrows(BadInputException.class, () -> s.query(10L, 0));
    assertTrue(k.getMessage().contains("k must be at least 1, found 0"));
    BadInputException firm = assertThrows(BadInputException.class, () -> s.query(11L, 3));
    assertTrue(firm.getMessage().contains("firm 11 is not in the index"));
    BadInputException zero =
        assertThrows(
            BadInputException.class,
            () -> new ExactSearch(TABLE, Metric.COSINE).query(new float[] {1, 1}, 1));
    assertTrue(zero.getMessage().contains("embedding row 0 is zero"));
  }

  @Test
  void badTablesAreRefusedNamingTheRowAndColumn() {
    BadInputException nan =
        assertThrows(
            BadInputException.class,
            () ->
                EmbeddingTable.of(
                    new float[][] {{0, 0}, {1, Float.NaN}}, new long[] {1, 2}, new int[] {1, 1}));
    assertTrue(nan.getMessage().contains("embedding row 1, column 1: NaN is not finite"));
    BadInputException ragged =
        assertThrows(
            BadInputException.class,
            () ->
                EmbeddingTable.of(
                    new float[][] {{0, 0}, {1}}, new long[] {1, 2}, new int[] {1, 1}));
    assertTrue(ragged.getMessage().contains("embedding row 1 has 1 values but row 0 has 2"));
    BadInputException dup =
        assertThrows(
            BadInputException.class,
            () ->
                EmbeddingTable.of(
                    new float[][] {{0, 0}, {1, 1}, {2, 2}},
                    new long[] {1, 2, 1},
                    new int[] {2000, 2000, 2000}));
    assertTrue(
        dup.getMessage().contains("rows 0 and 2 have the same firm 1 and end year 2000"),
        dup.getMessage());
    assertThrows(
        BadInputException.class,
        () -> EmbeddingTable.of(new float[][] {{0, 0}}, new long[] {1, 2}, new int[] {1}));
  }
}
