package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.embed.anomaly.AnomalyEvaluation;
import io.firmsim.trainer.embed.anomaly.AnomalyInjector;
import io.firmsim.trainer.embed.anomaly.InjectedPanel;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.artifact.EmbeddingMetadata;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.EmbeddingTable;
import io.firmsim.trainer.embed.index.ExactSearch;
import io.firmsim.trainer.embed.index.Metric;
import io.firmsim.trainer.embed.index.Neighbour;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embed}, {@code similar} and {@code anomalies} end to end on a simulated panel of the paper
 * model (150 start-up firms, 6 years) written as {@code simulate --panel csv} writes it. The
 * independent evidence: {@link ExactSearch} for the neighbours, the injector's labels for the
 * anomaly scores, a second {@code embed} run for determinism.
 */
class EmbeddingCommandsTest {
  private static final int FIRMS = 150;
  private static final int YEARS = 6;
  private static final int WINDOW = 3;

  @TempDir static Path tmp;
  private static Panel clean;
  private static Path panelCsv;
  private static Path artifact;

  @BeforeAll
  static void simulateAndEmbed() throws IOException {
    clean = StatedLevelNoise.simulatePanel(PaperModel.load(), FIRMS, YEARS, 3, 31);
    panelCsv = write(clean, tmp.resolve("panel.csv"));
    artifact = tmp.resolve("emb");
    ForecastEvalCommandTest.Outcome o = embed(artifact, "l2");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("reconstruction loss"), o.out());
  }

  private static ForecastEvalCommandTest.Outcome embed(Path out, String metric) {
    return ForecastEvalCommandTest.run(
        List.of(
            "embed",
            "--panel",
            panelCsv.toString(),
            "--out",
            out.toString(),
            "--window",
            String.valueOf(WINDOW),
            "--dim",
            "4",
            "--hidden",
            "16",
            "--steps",
            "80",
            "--seed",
            "7",
            "--metric",
            metric));
  }

  private static Path write(Panel p, Path file) throws IOException {
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      w.write(p.firmIds(), p.years(), p.state(), p.flows(), p.rows());
    }
    return file;
  }

  private static List<String[]> csv(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void embedWritesAnArtifactWhoseIndexHoldsEveryFirmsLatestWindow() {
    EmbeddingArtifact a = EmbeddingArtifact.open(artifact);
    assertTrue(a.hasIndex());
    assertTrue(
        a.metadata().files().stream().anyMatch(f -> f.path().equals("index/index.json")),
        "the index manifest is listed in " + EmbeddingMetadata.FILE);
    try (EmbeddingIndex ix = a.loadIndex()) {
      EmbeddingTable t = ix.table();
      // every firm of a start-up panel has YEARS consecutive years: one window ending in the last
      assertEquals(FIRMS, t.rows());
      int last = clean.year(clean.rows() - 1);
      for (int r = 0; r < t.rows(); r++) {
        assertEquals(last, t.endYear(r), "row " + r);
      }
      assertEquals(4, t.dimension());
      assertEquals(Metric.L2, ix.parameters().metric());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void embedTwiceWithTheSameSeedGivesTheSameEmbeddingsAndParameters() throws IOException {
    Path second = tmp.resolve("emb-again");
    ForecastEvalCommandTest.Outcome o = embed(second, "l2");
    assertEquals(0, o.code(), o.err());
    EmbeddingArtifact a = EmbeddingArtifact.open(artifact);
    EmbeddingArtifact b = EmbeddingArtifact.open(second);
    try (EmbeddingIndex x = a.loadIndex();
        EmbeddingIndex y = b.loadIndex()) {
      assertEquals(x.table().rows(), y.table().rows());
      for (int r = 0; r < x.table().rows(); r++) {
        assertEquals(x.table().firmId(r), y.table().firmId(r));
        assertArrayEquals(x.table().vector(r), y.table().vector(r), 0f, "row " + r);
      }
    }
    assertArrayEquals(
        Files.readAllBytes(artifact.resolve(EmbeddingMetadata.PARAMETERS)),
        Files.readAllBytes(second.resolve(EmbeddingMetadata.PARAMETERS)));
  }

  @Test
  void similarAnswersAsExactSearchAtFullEfSearchAndAsTheIndexByDefault() throws IOException {
    EmbeddingArtifact a = EmbeddingArtifact.open(artifact);
    try (EmbeddingIndex ix = a.loadIndex()) {
      ExactSearch exact = new ExactSearch(ix.table(), Metric.L2);
      for (int r : new int[] {0, 17, FIRMS - 1}) {
        long firm = ix.table().firmId(r);
        Path out = tmp.resolve("similar-" + firm + ".csv");
        ForecastEvalCommandTest.Outcome o =
            ForecastEvalCommandTest.run(
                List.of(
                    "similar",
                    "--index",
                    artifact.toString(),
                    "--firm",
                    String.valueOf(firm),
                    "--k",
                    "7",
                    "--ef-search",
                    String.valueOf(FIRMS),
                    "--out",
                    out.toString()));
        assertEquals(0, o.code(), o.err());
        List<Neighbour> want = exact.query(firm, 7);
        List<String[]> got = csv(out);
        assertEquals("rank,firm_id,end_year,distance", String.join(",", got.get(0)));
        assertEquals(want.size() + 1, got.size());
        for (int i = 0; i < want.size(); i++) {
          String[] row = got.get(i + 1);
          assertEquals(i + 1, Integer.parseInt(row[0]));
          assertEquals(want.get(i).firmId(), Long.parseLong(row[1]), "rank " + (i + 1));
          assertEquals(want.get(i).endYear(), Integer.parseInt(row[2]));
          assertEquals(want.get(i).distance(), Double.parseDouble(row[3]), 0.0);
          assertTrue(Long.parseLong(row[1]) != firm, "the firm itself is left out");
        }

        // printed, at the index's own efSearch: the index's answer line by line
        ForecastEvalCommandTest.Outcome printed =
            ForecastEvalCommandTest.run(
                List.of("similar", "--index", artifact.toString(), "--firm", "" + firm));
        assertEquals(0, printed.code(), printed.err());
        List<Neighbour> own = ix.query(firm, 10);
        String[] lines = printed.out().strip().split("\n");
        assertEquals(own.size() + 1, lines.length, printed.out());
        for (int i = 0; i < own.size(); i++) {
          String[] f = lines[i + 1].trim().split(" ");
          assertEquals(own.get(i).firmId(), Long.parseLong(f[1]));
          assertEquals(own.get(i).distance(), Double.parseDouble(f[3]), 0.0);
        }
      }
    }
  }

  @Test
  void similarRefusesAnUnknownFirmNamingIt() {
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of("similar", "--index", artifact.toString(), "--firm", "987654321"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("firm 987654321 is not in the index"), o.err());
  }

  @Test
  void similarRefusesAnArtifactWithAMissingIndexFileNamingIt() throws IOException {
    Path copy = tmp.resolve("emb-damaged");
    copyTree(artifact, copy);
    Path table = copy.resolve("index").resolve("table.bin");
    Files.delete(table);
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(List.of("similar", "--index", copy.toString(), "--firm", "1"));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(table.toString()), o.err());
    assertTrue(o.err().contains("missing"), o.err());
  }

  @Test
  void similarRefusesAChangedOrUnlistedIndexFileNamingIt() throws IOException {
    Path changed = tmp.resolve("emb-changed");
    copyTree(artifact, changed);
    Path table = changed.resolve("index").resolve("table.bin");
    byte[] bytes = Files.readAllBytes(table);
    bytes[bytes.length - 1] ^= 1;
    Files.write(table, bytes);
    Path extra = tmp.resolve("emb-extra");
    copyTree(artifact, extra);
    Path unlisted = extra.resolve("index").resolve("lucene").resolve("notes.txt");
    Files.writeString(unlisted, "not part of the index");
    for (Path[] c : new Path[][] {{changed, table}, {extra, unlisted}}) {
      ForecastEvalCommandTest.Outcome o =
          ForecastEvalCommandTest.run(
              List.of("similar", "--index", c[0].toString(), "--firm", "1"));
      assertEquals(2, o.code(), o.err());
      assertTrue(o.err().contains(c[1].toString()), o.err());
    }
  }

  @Test
  void aListedPathOutsideTheArtifactIsRefusedNamingTheMetadataFile() throws IOException {
    Path copy = tmp.resolve("emb-escape");
    copyTree(artifact, copy);
    EmbeddingMetadata m = EmbeddingArtifact.open(artifact).metadata();
    for (String path : List.of("../panel.csv", "index/../../panel.csv", "/etc/hostname")) {
      List<ArtifactMetadata.FileEntry> files = new ArrayList<>(m.files());
      files.add(new ArtifactMetadata.FileEntry(path, 1, "0".repeat(64)));
      EmbeddingMetadata edited =
          new EmbeddingMetadata(
              m.name(), m.version(), m.encoder(), m.featureScaling(), m.provenance(), files);
      Path meta = copy.resolve(EmbeddingMetadata.FILE);
      Files.write(meta, edited.toBytes());
      ForecastEvalCommandTest.Outcome o =
          ForecastEvalCommandTest.run(
              List.of("similar", "--index", copy.toString(), "--firm", "1"));
      assertEquals(2, o.code(), o.err());
      assertTrue(o.err().contains(meta.toString()), o.err());
      assertTrue(o.err().contains("plain relative file name, found " + path), o.err());
    }
  }

  @Test
  void aMissingPanelColumnExitsTwoNamingTheFileAndColumn() throws IOException {
    List<String> lines = Files.readAllLines(panelCsv);
    List<String> header = new ArrayList<>(List.of(lines.get(0).split(",")));
    int drop = header.indexOf("CA");
    assertTrue(drop > 0, "the panel has a CA column");
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
      cells.remove(drop);
      out.add(String.join(",", cells));
    }
    Path bad = tmp.resolve("no-ca.csv");
    Files.write(bad, out);
    for (List<String> args :
        List.of(
            List.of("anomalies", "--panel", bad.toString(), "--out", tmp + "/never.csv"),
            List.of("embed", "--panel", bad.toString(), "--out", tmp + "/never"))) {
      ForecastEvalCommandTest.Outcome o = ForecastEvalCommandTest.run(args);
      assertEquals(2, o.code(), args + ": " + o.err());
      assertTrue(o.err().contains(bad.toString()), o.err());
      assertTrue(o.err().contains("CA"), o.err());
      assertFalse(Files.exists(Path.of(tmp + "/never.csv")));
      assertFalse(Files.exists(Path.of(tmp + "/never")));
    }
  }

  @Test
  void anomaliesRankInjectedRowsFirstAndAddTheReconstructionError() throws IOException {
    InjectedPanel injected =
        AnomalyInjector.builder().optShare(0.02).optSeed(3).build().inject(clean);
    Path dirty = write(injected.panel(), tmp.resolve("dirty.csv"));
    Path scores = tmp.resolve("scores.csv");
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of(
                "anomalies",
                "--panel",
                dirty.toString(),
                "--out",
                scores.toString(),
                "--quantile",
                "0.05",
                "--model",
                artifact.toString()));
    assertEquals(0, o.code(), o.err());
    List<String[]> rows = csv(scores);
    assertEquals(
        "firm_id,year,isolation_score,reconstruction_error,flag", String.join(",", rows.get(0)));
    int n = injected.panel().rows();
    assertEquals(n + 1, rows.size());
    double[] iso = new double[n];
    boolean[] positive = new boolean[n];
    int flagged = 0;
    double minFlagged = Double.POSITIVE_INFINITY;
    double maxUnflagged = Double.NEGATIVE_INFINITY;
    Map<Long, Integer> firstYear = new HashMap<>();
    for (int r = 0; r < n; r++) {
      firstYear.merge(injected.panel().firmId(r), injected.panel().year(r), Math::min);
    }
    for (int r = 0; r < n; r++) {
      String[] row = rows.get(r + 1);
      assertEquals(injected.panel().firmId(r), Long.parseLong(row[0]));
      assertEquals(injected.panel().year(r), Integer.parseInt(row[1]));
      iso[r] = Double.parseDouble(row[2]);
      positive[r] = injected.label(r).isAnomaly();
      boolean fullWindow =
          injected.panel().year(r) >= firstYear.get(injected.panel().firmId(r)) + WINDOW - 1;
      assertEquals(fullWindow, !row[3].isEmpty(), "reconstruction error of row " + r);
      if (fullWindow) {
        double e = Double.parseDouble(row[3]);
        assertTrue(e >= 0 && Double.isFinite(e), row[3]);
      }
      if (row[4].equals("1")) {
        flagged++;
        minFlagged = Math.min(minFlagged, iso[r]);
      } else {
        assertEquals("0", row[4]);
        maxUnflagged = Math.max(maxUnflagged, iso[r]);
      }
    }
    assertTrue(flagged > 0 && flagged <= 0.05 * n, flagged + " flagged of " + n);
    assertTrue(minFlagged > maxUnflagged, "the flagged rows are the highest scores");
    double auc = AnomalyEvaluation.auc(iso, positive);
    System.out.println("anomalies command: AUC " + auc + " on " + n + " firm-years");
    assertTrue(auc >= 0.9, "AUC " + auc);
  }

  @Test
  void anomaliesWithoutAModelLeaveTheReconstructionErrorEmpty() throws IOException {
    Path scores = tmp.resolve("scores-plain.csv");
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of(
                "anomalies",
                "--panel",
                panelCsv.toString(),
                "--out",
                scores.toString(),
                "--trees",
                "20"));
    assertEquals(0, o.code(), o.err());
    List<String[]> rows = csv(scores);
    assertEquals(clean.rows() + 1, rows.size());
    for (int r = 1; r < rows.size(); r++) {
      assertEquals("", rows.get(r)[3], "row " + r);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }
}
