package io.firmsim.trainer.embed.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingIndexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} data, {1}")
  @CsvSource({"random, L2", "clustered, COSINE"})
  void recallAtTenAgainstExactSearchIsAtLeastNinetyFivePercent(String data, Metric metric)
      throws IOException {
    int n = 20_000;
    int d = 16;
    float[][] all =
        data.equals("random")
            ? SyntheticEmbeddings.random(n + 200, d, 1)
            : SyntheticEmbeddings.clustered(n + 200, d, 50, 0.3, 2);
    float[][] rows = java.util.Arrays.copyOf(all, n);
    EmbeddingTable table = SyntheticEmbeddings.table(rows);
    ExactSearch exact = new ExactSearch(table, metric);
    try (EmbeddingIndex index =
        EmbeddingIndex.build(table, IndexParameters.builder().setMetric(metric).build())) {
      int found = 0;
      for (int q = n; q < n + 200; q++) {
        Set<Integer> truth = rowsOf(exact.query(all[q], 10));
        for (Neighbour nb : index.query(all[q], 10)) {
          found += truth.contains(nb.row()) ? 1 : 0;
        }
      }
      double recall = found / 2000.0;
      assertTrue(recall >= 0.95, "recall@10 " + recall);
    }
  }

  @Test
  void distancesAndOrderAgreeWithExactSearchWhereTheNeighboursAgree() throws IOException {
    float[][] v = SyntheticEmbeddings.clustered(3000, 8, 10, 0.5, 3);
    EmbeddingTable table = SyntheticEmbeddings.table(v);
    ExactSearch exact = new ExactSearch(table, Metric.L2);
    try (EmbeddingIndex index =
        EmbeddingIndex.build(table, IndexParameters.builder().setMetric(Metric.L2).build())) {
      // With efSearch = the whole table the graph search visits every node: exact answers.
      for (int q = 0; q < 50; q++) {
        assertEquals(exact.query(v[q], 10), index.query(v[q], 10, 3000));
        assertEquals(exact.query(q + 1L, 10), index.query(q + 1L, 10, 3000));
      }
    }
  }

  @Test
  void queryByFirmLeavesOutEveryRowOfThatFirm() throws IOException {
    // 500 firms with 3 windows each, the windows of a firm nearly identical: without the exclusion
    // a firm's own windows would be its nearest neighbours.
    float[][] base = SyntheticEmbeddings.random(500, 8, 4);
    float[][] v = new float[1500][];
    long[] firms = new long[1500];
    int[] years = new int[1500];
    for (int i = 0; i < 1500; i++) {
      v[i] = base[i / 3].clone();
      v[i][0] += 1e-3f * (i % 3);
      firms[i] = 1000 + i / 3;
      years[i] = 2001 + i % 3;
    }
    EmbeddingTable table = EmbeddingTable.of(v, firms, years);
    ExactSearch exact = new ExactSearch(table, Metric.L2);
    try (EmbeddingIndex index =
        EmbeddingIndex.build(table, IndexParameters.builder().setMetric(Metric.L2).build())) {
      for (long firm = 1000; firm < 1100; firm++) {
        List<Neighbour> got = index.query(firm, 10);
        assertEquals(10, got.size());
        for (Neighbour nb : got) {
          assertNotEquals(firm, nb.firmId());
        }
        // The query is the firm's latest window (2003): its distances are those from that row.
        int latest = (int) (firm - 1000) * 3 + 2;
        float[] q = table.vector(latest);
        for (Neighbour nb : got) {
          assertEquals(Metric.L2.distance(q, 0, table.vector(nb.row()), 0, 8), nb.distance());
        }
        assertEquals(exact.query(firm, 10), index.query(firm, 10, 1500));
      }
      // Without the exclusion (query by vector) the firm's own windows come first.
      List<Neighbour> own = index.query(table.vector(2), 3);
      assertEquals(List.of(1000L, 1000L, 1000L), own.stream().map(Neighbour::firmId).toList());
    }
  }

  @Test
  void sameSeedGivesTheSameGraphAndAnotherSeedAnotherOne() throws IOException {
    float[][] v = SyntheticEmbeddings.clustered(3000, 8, 20, 0.5, 5);
    EmbeddingTable table = SyntheticEmbeddings.table(v);
    float[][] queries = SyntheticEmbeddings.clustered(300, 8, 20, 0.5, 6);
    // efSearch 1: a greedy walk whose answers depend on the graph's edges.
    List<List<Neighbour>> a = answers(table, 11, queries);
    List<List<Neighbour>> b = answers(table, 11, queries);
    List<List<Neighbour>> c = answers(table, 12, queries);
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void saveAndLoadGiveIdenticalAnswers(@TempDir Path tmp) throws IOException {
    float[][] v = SyntheticEmbeddings.clustered(2000, 12, 10, 0.4, 7);
    EmbeddingTable table = SyntheticEmbeddings.table(v);
    IndexParameters p =
        IndexParameters.builder()
            .setMetric(Metric.COSINE)
            .optM(8)
            .optEfConstruction(50)
            .optEfSearch(20)
            .optSeed(3)
            .build();
    float[][] queries = SyntheticEmbeddings.clustered(100, 12, 10, 0.4, 8);
    Path dir = tmp.resolve("idx");
    try (EmbeddingIndex built = EmbeddingIndex.build(table, p)) {
      built.save(dir);
      try (EmbeddingIndex loaded = EmbeddingIndex.load(dir)) {
        assertEquals(p.toString(), loaded.parameters().toString());
        for (int i = 0; i < queries.length; i++) {
          assertEquals(built.query(queries[i], 10), loaded.query(queries[i], 10));
          assertEquals(built.query(i + 1L, 10), loaded.query(i + 1L, 10));
          assertEquals(built.query(queries[i], 5, 1), loaded.query(queries[i], 5, 1));
        }
        for (int r = 0; r < table.rows(); r += 97) {
          assertEquals(
              java.util.Arrays.toString(v[r]), java.util.Arrays.toString(loaded.table().vector(r)));
        }
      }
    }
    JsonNode m = JSON.readTree(dir.resolve("index.json").toFile());
    assertEquals("firmsim-embedding-index", m.get("format").asText());
    assertEquals(1, m.get("version").asInt());
    assertEquals(2000, m.get("rows").asInt());
    assertEquals(2000, m.get("firms").asInt());
    assertEquals(12, m.get("dimension").asInt());
    assertEquals("COSINE", m.get("metric").asText());
    assertEquals(8, m.get("parameters").get("m").asInt());
    assertTrue(m.get("sha256").has("table.bin"));
    assertTrue(m.get("sha256").size() > 2);
  }

  @Test
  void aChangedFileIsRefusedNamingIt(@TempDir Path tmp) throws IOException {
    Path dir = saved(tmp.resolve("idx"));
    Path victim;
    try (Stream<Path> files = Files.list(dir.resolve("lucene"))) {
      victim = files.filter(f -> f.toString().endsWith(".vex")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 1;
    Files.write(victim, bytes);
    BadInputException e = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(e.getMessage().startsWith(victim.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("damaged or changed"), e.getMessage());
  }

  @Test
  void aChangedTableIsRefusedNamingIt(@TempDir Path tmp) throws IOException {
    Path dir = saved(tmp.resolve("idx"));
    Path table = dir.resolve("table.bin");
    byte[] bytes = Files.readAllBytes(table);
    bytes[bytes.length - 1] ^= 1;
    Files.write(table, bytes);
    BadInputException e = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(e.getMessage().startsWith(table.toString()), e.getMessage());
  }

  @Test
  void unknownFormatVersionMissingAndExtraFilesAreRefused(@TempDir Path tmp) throws IOException {
    Path dir = saved(tmp.resolve("idx"));
    Path manifest = dir.resolve("index.json");
    ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());

    JSON.writeValue(manifest.toFile(), m.deepCopy().put("version", 2));
    BadInputException v = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(v.getMessage().startsWith(manifest + ", column 'version'"), v.getMessage());

    JSON.writeValue(manifest.toFile(), m.deepCopy().put("format", "something-else"));
    BadInputException f = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(f.getMessage().contains("'something-else' is not the format"), f.getMessage());

    ObjectNode noSeed = m.deepCopy();
    ((ObjectNode) noSeed.get("parameters")).remove("seed");
    JSON.writeValue(manifest.toFile(), noSeed);
    BadInputException seed = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(seed.getMessage().startsWith(manifest + ", column 'seed'"), seed.getMessage());

    ObjectNode fewer = m.deepCopy().put("rows", 299);
    JSON.writeValue(manifest.toFile(), fewer);
    BadInputException rows = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(
        rows.getMessage().startsWith(dir.resolve("table.bin").toString()), rows.getMessage());

    Files.writeString(manifest, "{ not json");
    BadInputException j = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(j.getMessage().startsWith(manifest + ": not valid JSON"), j.getMessage());

    JSON.writeValue(manifest.toFile(), m);
    Path extra = dir.resolve("lucene").resolve("stray.bin");
    Files.writeString(extra, "x");
    BadInputException x = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(x.getMessage().startsWith(extra.toString()), x.getMessage());
    Files.delete(extra);

    Files.delete(dir.resolve("table.bin"));
    BadInputException gone = assertThrows(BadInputException.class, () -> EmbeddingIndex.load(dir));
    assertTrue(gone.getMessage().startsWith(dir.resolve("table.bin") + ": missing"));

    BadInputException none =
        assertThrows(BadInputException.class, () -> EmbeddingIndex.load(tmp.resolve("nothing")));
    assertTrue(none.getMessage().contains("index.json: missing"), none.getMessage());
  }

  @Test
  void savingOverAnIndexIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = saved(tmp.resolve("idx"));
    try (EmbeddingIndex index = EmbeddingIndex.load(dir)) {
      BadInputException e = assertThrows(BadInputException.class, () -> index.save(dir));
      assertTrue(e.getMessage().contains("exists and is not empty"));
    }
  }

  @Test
  void badQueriesAreRefusedWithAClearMessage() throws IOException {
    EmbeddingTable table = SyntheticEmbeddings.table(SyntheticEmbeddings.random(200, 4, 9));
    try (EmbeddingIndex index =
        EmbeddingIndex.build(table, IndexParameters.builder().setMetric(Metric.COSINE).build())) {
      BadInputException dim =
          assertThrows(BadInputException.class, () -> index.query(new float[5], 3));
      assertTrue(dim.getMessage().contains("has 5 values but the embeddings have dimension 4"));
      BadInputException k =
          assertThrows(BadInputException.class, () -> index.query(new float[] {1, 0, 0, 0}, 0));
      assertTrue(k.getMessage().contains("k must be at least 1, found 0"));
      BadInputException kFirm = assertThrows(BadInputException.class, () -> index.query(1L, -2));
      assertTrue(kFirm.getMessage().contains("k must be at least 1, found -2"));
      BadInputException firm = assertThrows(BadInputException.class, () -> index.query(999L, 3));
      assertTrue(firm.getMessage().contains("firm 999 is not in the index"));
      BadInputException zero =
          assertThrows(BadInputException.class, () -> index.query(new float[4], 3));
      assertTrue(zero.getMessage().contains("zero"));
    }
    IllegalArgumentException noMetric =
        assertThrows(IllegalArgumentException.class, () -> IndexParameters.builder().build());
    assertTrue(noMetric.getMessage().contains("metric"));
    IllegalArgumentException m =
        assertThrows(
            IllegalArgumentException.class,
            () -> IndexParameters.builder().setMetric(Metric.L2).optM(1).build());
    assertTrue(m.getMessage().contains("m must be between 2 and 512, found 1"));
  }

  private static Path saved(Path dir) throws IOException {
    EmbeddingTable table = SyntheticEmbeddings.table(SyntheticEmbeddings.random(300, 4, 10));
    try (EmbeddingIndex index =
        EmbeddingIndex.build(table, IndexParameters.builder().setMetric(Metric.L2).build())) {
      index.save(dir);
    }
    return dir;
  }

  private static List<List<Neighbour>> answers(EmbeddingTable table, long seed, float[][] queries)
      throws IOException {
    IndexParameters p =
        IndexParameters.builder()
            .setMetric(Metric.L2)
            .optM(4)
            .optEfConstruction(8)
            .optSeed(seed)
            .build();
    List<List<Neighbour>> out = new ArrayList<>();
    try (EmbeddingIndex index = EmbeddingIndex.build(table, p)) {
      for (float[] q : queries) {
        out.add(index.query(q, 5, 1));
      }
    }
    return out;
  }

  private static Set<Integer> rowsOf(List<Neighbour> neighbours) {
    Set<Integer> rows = new HashSet<>();
    neighbours.forEach(nb -> rows.add(nb.row()));
    return rows;
  }
}
