package io.firmsim.models.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.artifact.ArtifactWriter;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A firmsim artifact loaded through DJL's Criteria on the PyTorch engine, by group id and by model
 * path, predicts the year a {@link FirmYearBlock} built from the same model computes, with the
 * parameter values of the artifact's DJL parameter file, and refuses a damaged artifact naming the
 * file.
 */
class PytorchZooTest {
  @TempDir Path tmp;

  private static final double[] MACRO = {0.021, -0.013};
  private static final int N = 300;

  @AfterEach
  void clearRoot() {
    System.clearProperty(FirmsimModelZoo.ROOT_PROPERTY);
  }

  private Path repo() {
    Path root = tmp.resolve("repo");
    System.setProperty(FirmsimModelZoo.ROOT_PROPERTY, root.toString());
    return root;
  }

  private static Criteria.Builder<NDList, NDList> byName(String name) {
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optGroupId("io.firmsim")
        .optArtifactId(name);
  }

  private static double[][] predict(
      ZooModel<NDList, NDList> model, double[] state, double[] uniforms) throws TranslateException {
    DataType dtype =
        "float32".equals(model.getProperty("firmsim.dtype")) ? DataType.FLOAT32 : DataType.FLOAT64;
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Predictor<NDList, NDList> p = model.newPredictor()) {
      NDList in = ZooFixtures.inputs(m, dtype, state, MACRO, uniforms, uniforms == null ? -1 : 0);
      NDList out = p.predict(in);
      assertEquals("new_state", out.get(0).getName());
      assertEquals("balance_gap", out.get(2).getName());
      return ZooFixtures.values(out);
    }
  }

  private static void assertSameYear(double[][] want, double[][] got) {
    assertEquals(want.length, got.length);
    for (int k = 0; k < want.length; k++) {
      assertEquals(want[k].length, got[k].length);
      for (int i = 0; i < want[k].length; i++) {
        assertTrue(Double.isFinite(want[k][i]), "output " + k + " value " + i + " is not finite");
        double tol = 1e-12 * Math.max(1, Math.abs(want[k][i]));
        assertEquals(want[k][i], got[k][i], tol, "output " + k + " value " + i);
      }
    }
  }

  @Test
  void groupIdGivesTheBlocksYearInMeanAndSampleMode() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.StubGraphs());
    double[] state = ZooFixtures.state(N, 1);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 2);

    try (ZooModel<NDList, NDList> mean =
        byName("trained").optArgument("mode", "mean").build().loadModel()) {
      assertEquals("PyTorch", mean.getNDManager().getEngine().getEngineName());
      assertEquals("0", mean.getProperty("firmsim.uniformColumns"));
      assertSameYear(
          ZooFixtures.direct(spec, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null),
          predict(mean, state, null));
    }
    try (ZooModel<NDList, NDList> sample = byName("trained").build().loadModel()) {
      assertEquals("sample", sample.getProperty("firmsim.mode"));
      assertEquals("float64", sample.getProperty("firmsim.dtype"));
      double[][] want =
          ZooFixtures.direct(spec, ForwardMode.SAMPLE, DataType.FLOAT64, state, MACRO, u);
      assertSameYear(want, predict(sample, state, u));
      // Other draws, another year: the uniforms are used.
      double[] v = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 3);
      assertFalse(java.util.Arrays.equals(want[0], predict(sample, state, v)[0]));
    }
  }

  @Test
  void theHighestVersionLoadsByDefaultAndTheVersionFilterPicksAnother() throws Exception {
    Path root = repo();
    ModelSpec trained = ZooFixtures.trainedLikeSpec();
    ModelSpec paper = PaperModel.load();
    ZooFixtures.export(root, "m", "2", paper, new ZooFixtures.StubGraphs());
    ZooFixtures.export(root, "m", "10", trained, new ZooFixtures.StubGraphs());
    double[] state = ZooFixtures.state(N, 4);
    try (ZooModel<NDList, NDList> latest =
        byName("m").optArgument("mode", "mean").build().loadModel()) {
      assertEquals("10", latest.getProperty("firmsim.model.version"));
      assertSameYear(
          ZooFixtures.direct(trained, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null),
          predict(latest, state, null));
    }
    try (ZooModel<NDList, NDList> two =
        byName("m").optArgument("mode", "mean").optFilter("version", "2").build().loadModel()) {
      assertEquals("2", two.getProperty("firmsim.model.version"));
      assertSameYear(
          ZooFixtures.direct(paper, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null),
          predict(two, state, null));
    }
  }

  @Test
  void thePaperModelLoadsByNameFromAnEmptyRepository() throws Exception {
    Path root = repo();
    double[] state = ZooFixtures.state(N, 12);
    try (ZooModel<NDList, NDList> paper =
        byName("paper").optArgument("mode", "mean").build().loadModel()) {
      assertEquals("1", paper.getProperty("firmsim.model.version"));
      assertTrue(Files.isRegularFile(root.resolve("paper/1/metadata.json")));
      assertSameYear(
          ZooFixtures.direct(
              PaperModel.load(), ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null),
          predict(paper, state, null));
    }
  }

  @Test
  void modelPathLoadsThroughTheBlockFactory() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    Path dir = ZooFixtures.export(tmp, "trained", "3", spec, new ZooFixtures.StubGraphs());
    double[] state = ZooFixtures.state(N, 5);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 6);
    Criteria<NDList, NDList> c =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(dir)
            .optEngine("PyTorch")
            .optArgument("blockFactory", FirmYearBlockFactory.class.getName())
            .optOption("hasParameter", "false")
            .optTranslatorFactory(new YearTranslatorFactory())
            .build();
    try (ZooModel<NDList, NDList> model = c.loadModel()) {
      assertEquals("trained", model.getProperty("firmsim.model.name"));
      assertSameYear(
          ZooFixtures.direct(spec, ForwardMode.SAMPLE, DataType.FLOAT64, state, MACRO, u),
          predict(model, state, u));
    }
  }

  @Test
  void parameterValuesAreTheParameterFilesNotModelJsons() throws Exception {
    ModelSpec spec = PaperModel.load();
    Path dir = ZooFixtures.export(repo(), "paper2", "1", spec, new ZooFixtures.StubGraphs());
    // Rewrite the parameter file from a block whose biases differ from model.json's, and re-list.
    ArtifactMetadata meta = ArtifactReader.open(dir).metadata();
    try (Model saved = Model.newInstance("year", Device.cpu(), "PyTorch")) {
      FirmYearBlock altered = new FirmYearBlock(spec, ForwardMode.MEAN);
      saved.setBlock(altered);
      saved.setDataType(DataType.FLOAT64);
      altered.initialize(
          saved.getNDManager(), DataType.FLOAT64, new Shape(1, ZooFixtures.S), new Shape(2));
      altered.getParameters().get("bias").getArray().addi(0.25);
      saved.setProperty("Epoch", "0");
      saved.save(dir.resolve("djl"), "year");
      List<String> files = new ArrayList<>();
      meta.files().forEach(f -> files.add(f.path()));
      ArtifactWriter.write(dir, meta, files);

      double[] state = ZooFixtures.state(N, 7);
      try (ZooModel<NDList, NDList> model =
          byName("paper2").optArgument("mode", "mean").build().loadModel()) {
        Iterator<Pair<String, Parameter>> want = altered.getParameters().iterator();
        for (Pair<String, Parameter> got : model.getBlock().getParameters()) {
          Pair<String, Parameter> w = want.next();
          assertEquals(w.getKey(), got.getKey());
          assertArrayEquals(
              w.getValue().getArray().toDoubleArray(),
              got.getValue().getArray().toDoubleArray(),
              w.getKey());
        }
        assertFalse(want.hasNext());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
          NDList in = ZooFixtures.inputs(m, DataType.FLOAT64, state, MACRO, null, -1);
          double[][] alteredYear =
              ZooFixtures.values(altered.forward(new ParameterStore(m, false), in, false));
          double[][] loaded = predict(model, state, null);
          assertSameYear(alteredYear, loaded);
          double[][] specYear =
              ZooFixtures.direct(spec, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null);
          assertFalse(java.util.Arrays.equals(specYear[1], loaded[1]), "the file's biases count");
        }
      }
    }
  }

  @Test
  void float32RunsAsTheFloat32Block() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.StubGraphs());
    double[] state = ZooFixtures.state(N, 8);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 9);
    try (ZooModel<NDList, NDList> model =
        byName("trained").optArgument("dtype", "float32").build().loadModel()) {
      for (Parameter p : model.getBlock().getParameters().values()) {
        assertEquals(DataType.FLOAT32, p.getArray().getDataType());
      }
      double[][] want =
          ZooFixtures.direct(spec, ForwardMode.SAMPLE, DataType.FLOAT32, state, MACRO, u);
      double[][] got = predict(model, state, u);
      for (int k = 0; k < want.length; k++) {
        assertArrayEquals(want[k], got[k], "output " + k);
      }
    }
  }

  @Test
  void populationBatchGivesTheSameYearAsTensors() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.StubGraphs());
    double[] state = ZooFixtures.state(N, 10);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 11);
    double[][] want =
        ZooFixtures.direct(spec, ForwardMode.SAMPLE, DataType.FLOAT64, state, MACRO, u);
    Criteria<PopulationBatch, YearOutcome> c =
        Criteria.builder()
            .setTypes(PopulationBatch.class, YearOutcome.class)
            .optGroupId("io.firmsim")
            .optArtifactId("trained")
            .build();
    try (ZooModel<PopulationBatch, YearOutcome> model = c.loadModel();
        Predictor<PopulationBatch, YearOutcome> p = model.newPredictor()) {
      YearOutcome y = p.predict(new PopulationBatch(N, state, MACRO, u));
      assertSameYear(want, new double[][] {y.newState(), y.flows(), y.balanceGap()});
    }
  }

  @Test
  void provenanceAndRegistriesAreModelProperties() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.StubGraphs());
    try (ZooModel<NDList, NDList> model = byName("trained").build().loadModel()) {
      JsonNode provenance = spec.provenance().orElseThrow();
      assertEquals(provenance.toString(), model.getProperty("firmsim.provenance"));
      assertEquals("train", model.getProperty("firmsim.provenance.trainer"));
      assertEquals("11", model.getProperty("firmsim.provenance.seed"));
      assertEquals(provenance.get("data").toString(), model.getProperty("firmsim.provenance.data"));
      List<String> uniforms = ArtifactExporter.uniformColumnNames(spec);
      assertEquals(String.join(",", uniforms), model.getProperty("firmsim.uniforms"));
      assertEquals(String.valueOf(uniforms.size()), model.getProperty("firmsim.uniformColumns"));
      assertTrue(model.getProperty("firmsim.state").startsWith("CA,MA,BU,"));
    }
  }

  @Test
  void aChangedByteInAnyFileIsRefusedNamingItOnBothPaths() throws Exception {
    Path root = repo();
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    Path dir = ZooFixtures.export(root, "trained", "1", spec, new ZooFixtures.StubGraphs());
    List<String> files = new ArrayList<>();
    ArtifactReader.open(dir).metadata().files().forEach(f -> files.add(f.path()));
    files.add(ArtifactMetadata.FILE);
    for (String rel : files) {
      Path file = dir.resolve(rel);
      byte[] original = Files.readAllBytes(file);
      byte[] changed = original.clone();
      changed[changed.length / 2] ^= 0x01;
      Files.write(file, changed);
      try {
        ArtifactException byName =
            assertThrows(ArtifactException.class, () -> byName("trained").build().loadModel(), rel);
        assertEquals(file, byName.file(), rel);
        assertTrue(byName.getMessage().startsWith(file.toString()), byName.getMessage());
        Criteria<NDList, NDList> byPath =
            Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(dir)
                .optEngine("PyTorch")
                .optArgument("blockFactory", FirmYearBlockFactory.class.getName())
                .optOption("hasParameter", "false")
                .build();
        ArtifactException e = assertThrows(ArtifactException.class, byPath::loadModel, rel);
        assertEquals(file, e.file(), rel);
      } finally {
        Files.write(file, original);
      }
    }
    Files.writeString(dir.resolve("djl/extra.params"), "x");
    ArtifactException unknown =
        assertThrows(ArtifactException.class, () -> byName("trained").build().loadModel());
    assertEquals(dir.resolve("djl/extra.params"), unknown.file());
  }

  @Test
  void inputsOfAnotherDtypeOrWidthAreRefusedSayingWhat() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.StubGraphs());
    int width = ZooFixtures.uniformColumns(spec);
    try (ZooModel<NDList, NDList> model = byName("trained").build().loadModel();
        Predictor<NDList, NDList> p = model.newPredictor();
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDList f32 =
          ZooFixtures.inputs(
              m,
              DataType.FLOAT32,
              ZooFixtures.state(4, 1),
              MACRO,
              ZooFixtures.uniforms(4, width, 1),
              0);
      TranslateException e = assertThrows(TranslateException.class, () -> p.predict(f32));
      assertTrue(e.getMessage().contains("an input is float32"), e.getMessage());
      NDList narrow =
          ZooFixtures.inputs(
              m,
              DataType.FLOAT64,
              ZooFixtures.state(4, 1),
              MACRO,
              ZooFixtures.uniforms(4, 24, 1),
              0);
      e = assertThrows(TranslateException.class, () -> p.predict(narrow));
      assertTrue(e.getMessage().contains("uniforms must be [4, " + width + "]"), e.getMessage());
    }
  }
}
