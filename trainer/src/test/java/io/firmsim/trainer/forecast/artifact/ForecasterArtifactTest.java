package io.firmsim.trainer.forecast.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ModelRepositoryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecaster artifact: three trained members (N-BEATS generic and interpretable, LSTM) written
 * and read back forecast exactly as the in-memory ensemble of the trained blocks (DJL), within 1e-5
 * relative through ONNX Runtime; changed, missing and extra files are refused naming the file;
 * names resolve like the firm models'.
 */
class ForecasterArtifactTest {
  private static TinyEnsemble ensemble;

  @TempDir Path tmp;

  @BeforeAll
  static void train() {
    ensemble = new TinyEnsemble();
  }

  @AfterAll
  static void close() {
    ensemble.close();
  }

  private ForecasterArtifact write(Path target) throws Exception {
    ObjectNode provenance = ForecasterMetadata.MAPPER.createObjectNode();
    provenance.put("series", "sines.csv");
    provenance.put("seriesSha256", "ab".repeat(32));
    return ForecasterArtifactWriter.write(
        target,
        false,
        new ForecasterArtifactWriter.Contents(
            "sines",
            "1",
            "quarterly",
            TinyEnsemble.H,
            TinyEnsemble.PERIOD,
            ensemble.members,
            provenance,
            Map.of("report.md", "# report\n".getBytes(StandardCharsets.UTF_8))));
  }

  /** The median of the trained blocks' forecasts, computed here from the members directly. */
  private static double[][] inMemory(List<double[]> histories) {
    double[][][] f = new double[3][][];
    for (int k = 0; k < 3; k++) {
      f[k] = ensemble.forecasters.get(k).forecast(histories);
    }
    double[][] out = new double[histories.size()][TinyEnsemble.H];
    for (int i = 0; i < out.length; i++) {
      for (int j = 0; j < TinyEnsemble.H; j++) {
        double a = f[0][i][j];
        double b = f[1][i][j];
        double c = f[2][i][j];
        out[i][j] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
      }
    }
    return out;
  }

  @Test
  void writtenArtifactForecastsAsTheTrainedEnsemble() throws Exception {
    ForecasterArtifact a = write(tmp.resolve("sines/1"));
    ForecasterMetadata m = a.metadata();
    assertEquals(3, m.members().size());
    assertEquals(12, m.members().get(1).lookback());
    assertEquals(ensemble.members.get(2).spec(), m.members().get(2).spec());
    assertEquals(ensemble.members.get(0).validationLoss(), m.members().get(0).validationLoss());
    assertEquals("sines.csv", m.provenance().get("series").asText());
    assertArrayEquals(
        ensemble.members.get(1).parameters(),
        Files.readAllBytes(a.dir().resolve("member-02.params")));
    List<double[]> h = ensemble.histories();
    double[][] expected = inMemory(h);
    try (EnsembleForecaster djl = a.load(ForecastBackend.DJL)) {
      assertEquals(12, djl.lookback());
      double[][] got = djl.forecast(h);
      for (int i = 0; i < h.size(); i++) {
        assertArrayEquals(expected[i], got[i], 0.0, "series " + i);
      }
    }
    try (EnsembleForecaster onnx = a.load(ForecastBackend.ONNX)) {
      double[][] got = onnx.forecast(h);
      for (int i = 0; i < h.size(); i++) {
        for (int j = 0; j < TinyEnsemble.H; j++) {
          double tol = 1e-5 * Math.max(1, Math.abs(expected[i][j]));
          assertEquals(expected[i][j], got[i][j], tol, "series " + i + " step " + j);
        }
      }
    }
    try (EnsembleForecaster wide = a.load(ForecastBackend.DJL, DataType.FLOAT64)) {
      double[][] got = wide.forecast(h);
      boolean differs = false;
      for (int i = 0; i < h.size(); i++) {
        for (int j = 0; j < TinyEnsemble.H; j++) {
          assertEquals(expected[i][j], got[i][j], 1e-4 * Math.abs(expected[i][j]));
          differs |= expected[i][j] != got[i][j];
        }
      }
      assertTrue(differs, "float64 computes in another precision than float32");
    }
  }

  @Test
  void onnxGraphsCarryTheProvenance() throws Exception {
    ForecasterArtifact a = write(tmp.resolve("a"));
    byte[] graph = Files.readAllBytes(a.dir().resolve("member-03.onnx"));
    try (OrtSession s = OrtEnvironments.shared().createSession(graph)) {
      Map<String, String> props = s.getMetadata().getCustomMetadata();
      assertEquals("3", props.get("firmsim.member"));
      assertEquals(ensemble.members.get(2).spec().toString(), props.get("firmsim.member.spec"));
      assertTrue(props.get("firmsim.provenance").contains("sines.csv"));
      assertEquals("mae", props.get("firmsim.member.loss"));
    }
  }

  @Test
  void changedMissingAndExtraFilesAreRefusedNamingThem() throws Exception {
    Path dir = write(tmp.resolve("a")).dir();
    Path params = dir.resolve("member-02.params");
    byte[] original = Files.readAllBytes(params);
    byte[] changed = original.clone();
    changed[changed.length - 1] ^= 1;
    Files.write(params, changed);
    assertRefused(dir, params, "changed");
    Files.delete(params);
    assertRefused(dir, params, "missing");
    Files.write(params, original);
    ForecasterArtifact.open(dir);
    Path extra = dir.resolve("notes.txt");
    Files.writeString(extra, "x");
    assertRefused(dir, extra, "not listed");
    Files.delete(extra);
    Path meta = dir.resolve(ForecasterMetadata.FILE);
    String text = Files.readString(meta);
    Files.writeString(meta, text.replace("\"horizon\" : 4", "\"horizon\" : 5"));
    assertRefused(dir, meta, "checksum");
    Files.writeString(meta, text.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
    assertRefused(dir, meta, "version 2");
    Files.writeString(meta, text);
    ForecasterArtifact.open(dir);
  }

  private static void assertRefused(Path dir, Path file, String word) {
    ArtifactException e = assertThrows(ArtifactException.class, () -> ForecasterArtifact.open(dir));
    assertEquals(file.toAbsolutePath().normalize(), e.file(), e.getMessage());
    assertTrue(e.getMessage().contains(word), e.getMessage());
  }

  @Test
  void medianOfThreeMembersIsTheMiddleValue() {
    Forecaster a = fixed(new double[] {1, 10, -3});
    Forecaster b = fixed(new double[] {5, 2, -1});
    Forecaster c = fixed(new double[] {3, 7, -2});
    try (EnsembleForecaster e = EnsembleForecaster.of(List.of(a, b, c))) {
      assertArrayEquals(new double[] {3, 7, -2}, e.forecast(new double[] {1}), 0);
    }
    try (EnsembleForecaster e = EnsembleForecaster.of(List.of(a, b))) {
      assertArrayEquals(new double[] {3, 6, -2}, e.forecast(new double[] {1}), 0);
    }
  }

  private static Forecaster fixed(double[] f) {
    return new Forecaster() {
      @Override
      public int lookback() {
        return 1;
      }

      @Override
      public int horizon() {
        return f.length;
      }

      @Override
      public double[][] forecast(List<double[]> histories) {
        return histories.stream().map(h -> f.clone()).toArray(double[][]::new);
      }
    };
  }

  @Test
  void namesResolveInTheRepositoryLikeFirmModels() throws Exception {
    Path repo = tmp.resolve("repo");
    write(repo.resolve("sines/2"));
    write(repo.resolve("sines/10"));
    assertEquals(
        repo.resolve("sines/10").toAbsolutePath(),
        ForecasterRepository.resolve("sines", repo).dir());
    assertEquals(
        repo.resolve("sines/2").toAbsolutePath(),
        ForecasterRepository.resolve("sines/2", repo).dir());
    assertEquals(
        repo.resolve("sines/2").toAbsolutePath(),
        ForecasterRepository.resolve(repo.resolve("sines/2").toString(), null).dir());
    ModelRepositoryException e =
        assertThrows(
            ModelRepositoryException.class, () -> ForecasterRepository.resolve("sines/3", repo));
    assertTrue(e.getMessage().contains("2, 10"), e.getMessage());
    assertThrows(ModelRepositoryException.class, () -> ForecasterRepository.resolve("other", repo));
  }
}
