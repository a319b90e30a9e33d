package io.firmsim.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A firmsim artifact loaded through DJL's Criteria on the OnnxRuntime engine runs the exported year
 * graph and predicts the year a {@link io.firmsim.models.step.FirmYearBlock} computes (float64:
 * 1e-12 relative; float32: 1e-3 relative to the float32 block, the float32 rounding of sums of a
 * firm's items of very different sizes in these random populations), by group id and by model path,
 * with the provenance in the model's properties and in the graph's metadata.
 */
class OnnxZooTest {
  @TempDir Path tmp;

  private static final double[] MACRO = {0.017, 0.024};
  private static final int N = 400;

  @AfterEach
  void clearRoot() {
    System.clearProperty(FirmsimModelZoo.ROOT_PROPERTY);
  }

  private Path repo() {
    Path root = tmp.resolve("repo");
    System.setProperty(FirmsimModelZoo.ROOT_PROPERTY, root.toString());
    return root;
  }

  private static Criteria.Builder<NDList, NDList> onnx(String name) {
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optGroupId("io.firmsim")
        .optArtifactId(name)
        .optEngine("OnnxRuntime");
  }

  private static double[][] predict(
      ZooModel<NDList, NDList> model, DataType dtype, double[] state, double[] uniforms)
      throws TranslateException {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Predictor<NDList, NDList> p = model.newPredictor()) {
      NDList in = ZooFixtures.inputs(m, dtype, state, MACRO, uniforms, uniforms == null ? -1 : 0);
      NDList out = p.predict(in);
      assertEquals("flows", out.get(1).getName());
      return ZooFixtures.values(out);
    }
  }

  /**
   * Per firm within {@code rel} relative, with an absolute floor of {@code rel} times the firm's
   * scale (its largest |state value|: a column that is a small difference of the firm's large
   * balance-sheet items is only as accurate as those); balance_gap, already relative to the firm's
   * size, within {@code rel} absolutely.
   */
  private static void assertClose(double[] state, double[][] want, double[][] got, double rel) {
    int n = state.length / ZooFixtures.S;
    double[] scale = new double[n];
    for (int i = 0; i < state.length; i++) {
      scale[i / ZooFixtures.S] = Math.max(scale[i / ZooFixtures.S], Math.abs(state[i]));
    }
    assertEquals(want.length, got.length);
    for (int k = 0; k < want.length; k++) {
      assertEquals(want[k].length, got[k].length);
      int width = want[k].length / n;
      for (int i = 0; i < want[k].length; i++) {
        assertTrue(Double.isFinite(want[k][i]), "output " + k + " value " + i + " is not finite");
        double floor = k == 2 ? rel : rel * Math.max(1, scale[i / width]);
        double tol = Math.max(floor, rel * Math.abs(want[k][i]));
        assertEquals(want[k][i], got[k][i], tol, "output " + k + " value " + i);
      }
    }
  }

  @Test
  void groupIdRunsTheYearGraphAsTheBlockComputesIt() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.YearGraphs());
    double[] state = ZooFixtures.state(N, 21);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 22);
    for (ForwardMode mode : ForwardMode.values()) {
      String m = mode == ForwardMode.MEAN ? "mean" : "sample";
      double[] draws = mode == ForwardMode.SAMPLE ? u : null;
      for (DataType dtype : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
        String d = dtype == DataType.FLOAT64 ? "float64" : "float32";
        try (ZooModel<NDList, NDList> model =
            onnx("trained").optArgument("mode", m).optArgument("dtype", d).build().loadModel()) {
          assertEquals("OnnxRuntime", model.getNDManager().getEngine().getEngineName());
          assertTrue(model.getBlock() instanceof SymbolBlock);
          double[][] want = ZooFixtures.direct(spec, mode, dtype, state, MACRO, draws);
          assertClose(
              state,
              want,
              predict(model, dtype, state, draws),
              dtype == DataType.FLOAT64 ? 1e-12 : 1e-3);
        }
      }
    }
  }

  @Test
  void modelPathOpensTheGraphTheModelNameNames() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    Path dir = ZooFixtures.export(tmp, "trained", "1", spec, new ZooFixtures.YearGraphs());
    double[] state = ZooFixtures.state(N, 23);
    Criteria<NDList, NDList> c =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(dir)
            .optEngine("OnnxRuntime")
            .optModelName("onnx/year-mean-float64")
            .optArgument("blockFactory", FirmYearBlockFactory.class.getName())
            .optTranslatorFactory(new YearTranslatorFactory())
            .build();
    try (ZooModel<NDList, NDList> model = c.loadModel()) {
      assertEquals("mean", model.getProperty("firmsim.mode"));
      double[][] want =
          ZooFixtures.direct(spec, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null);
      assertClose(state, want, predict(model, DataType.FLOAT64, state, null), 1e-12);
    }
    // Arguments that contradict the graph the name opens are refused, saying what to pass.
    Criteria<NDList, NDList> contradicting = c.toBuilder().optArgument("mode", "sample").build();
    ModelSpecException e = assertThrows(ModelSpecException.class, contradicting::loadModel);
    assertTrue(
        e.getMessage().contains("optModelName(\"onnx/year-sample-float64\")"), e.getMessage());
  }

  @Test
  void provenanceIsInTheModelPropertiesAndTheGraphMetadata() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.YearGraphs());
    try (ZooModel<NDList, NDList> model = onnx("trained").build().loadModel()) {
      assertEquals("train", model.getProperty("firmsim.provenance.trainer"));
      assertEquals(
          spec.provenance().orElseThrow().toString(), model.getProperty("firmsim.provenance"));
      Map<String, String> graph = ((SymbolBlock) model.getBlock()).getCustomMetadata();
      assertEquals("train", graph.get("firmsim.provenance.trainer"));
      assertEquals("11", graph.get("firmsim.provenance.seed"));
      assertEquals(model.getProperty("firmsim.uniforms"), graph.get("firmsim.uniforms"));
    }
  }

  @Test
  void bothEnginesGiveTheSameYearForAPopulationBatch() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.YearGraphs());
    double[] state = ZooFixtures.state(N, 24);
    double[] u = ZooFixtures.uniforms(N, ZooFixtures.uniformColumns(spec), 25);
    PopulationBatch batch = new PopulationBatch(N, state, MACRO, u);
    YearOutcome[] outcomes = new YearOutcome[2];
    String[] engines = {"PyTorch", "OnnxRuntime"};
    for (int k = 0; k < 2; k++) {
      Criteria<PopulationBatch, YearOutcome> c =
          Criteria.builder()
              .setTypes(PopulationBatch.class, YearOutcome.class)
              .optGroupId("io.firmsim")
              .optArtifactId("trained")
              .optEngine(engines[k])
              .build();
      try (ZooModel<PopulationBatch, YearOutcome> model = c.loadModel();
          Predictor<PopulationBatch, YearOutcome> p = model.newPredictor()) {
        outcomes[k] = p.predict(batch);
      }
    }
    assertClose(
        state,
        new double[][] {outcomes[0].newState(), outcomes[0].flows(), outcomes[0].balanceGap()},
        new double[][] {outcomes[1].newState(), outcomes[1].flows(), outcomes[1].balanceGap()},
        1e-12);
  }

  @Test
  void aDtypeTheArtifactHasNoGraphForIsRefusedNamingTheMetadata() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    Path dir =
        ZooFixtures.export(
            repo(),
            "trained",
            "1",
            spec,
            new ZooFixtures.YearGraphs(),
            EnumSet.of(OnnxDType.FLOAT32));
    ArtifactException e =
        assertThrows(ArtifactException.class, () -> onnx("trained").build().loadModel());
    assertEquals(dir.resolve(ArtifactMetadata.FILE), e.file());
    assertTrue(e.getMessage().contains("sample float64 year graph"), e.getMessage());
    try (ZooModel<NDList, NDList> f32 =
        onnx("trained").optArgument("dtype", "float32").build().loadModel()) {
      assertEquals("float32", f32.getProperty("firmsim.dtype"));
    }
  }

  /**
   * ONNX Runtime allows one environment per process and DJL's engine fails to start when something
   * else created it first (the failure CI once met when a graph test ran before this class). A
   * session opened on firmsim's shared environment, and then a model through DJL, both run.
   */
  @Test
  void firmsimSessionsAndDjlShareTheProcessEnvironment() throws Exception {
    ModelSpec spec = ZooFixtures.trainedLikeSpec();
    Path dir = ZooFixtures.export(repo(), "trained", "1", spec, new ZooFixtures.YearGraphs());
    OrtEnvironment env = OrtEnvironments.shared();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s =
            env.createSession(dir.resolve("onnx/year-mean-float64.onnx").toString(), o)) {
      assertEquals(Set.of("state", "macro"), s.getInputNames());
    }
    double[] state = ZooFixtures.state(N, 26);
    try (ZooModel<NDList, NDList> model =
        onnx("trained").optArgument("mode", "mean").build().loadModel()) {
      double[][] want =
          ZooFixtures.direct(spec, ForwardMode.MEAN, DataType.FLOAT64, state, MACRO, null);
      assertClose(state, want, predict(model, DataType.FLOAT64, state, null), 1e-12);
    }
  }
}
