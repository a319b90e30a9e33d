package io.firmsim.trainer.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.models.zoo.FirmYearBlockFactory;
import io.firmsim.models.zoo.FirmsimModelZoo;
import io.firmsim.models.zoo.YearTranslatorFactory;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.trainer.cli.Main;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a model trained by {@code train} is exported ({@code export --install}), loads
 * through DJL's Criteria on the PyTorch engine (by group id and name) and on the OnnxRuntime engine
 * (by model path), predicts the years a {@link FirmYearBlock} built from the trained model.json
 * computes, keeps its provenance, and simulates ({@code simulate --model ARTIFACT}).
 */
class TrainedModelZooTest {
  @TempDir Path tmp;

  private static final int S = StateVariable.count();
  private static final double[] MACRO = {0.01, 0.02};

  @AfterEach
  void clearRoot() {
    System.clearProperty(FirmsimModelZoo.ROOT_PROPERTY);
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    assertEquals(0, code, String.join(" ", args) + "\n" + out + err);
    return code;
  }

  @Test
  void aTrainedModelExportsLoadsOnBothEnginesAndSimulates() throws Exception {
    Path models = tmp.resolve("models");
    Path cfg = tmp.resolve("train.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "data:",
            "  generate: { firms: 3000, years: 6, burnIn: 3, seed: 4, model: paper-with-level-noise }",
            "model:",
            "  base: paper",
            "  output: { directory: " + models + ", name: small, version: \"1\" }",
            "training:",
            "  seed: 3",
            "  device: cpu",
            "  parallelism: 2",
            "  validationShare: 0.25",
            "  defaults: { maxIterations: 100, allowNonConverged: true }",
            "  equations: [T7, T9]",
            "gates:",
            "  minObservations: 30",
            "  minEvents: 10",
            ""));
    run("train", cfg.toString());
    Path modelJson = models.resolve("small-1/model.json");
    ModelSpec spec = ModelSpecReader.read(modelJson);
    assertTrue(spec.provenance().isPresent());

    Path repo = tmp.resolve("repo");
    Path artifact = tmp.resolve("artifact");
    run(
        "export",
        "--model",
        modelJson.toString(),
        "--out",
        artifact.toString(),
        "--dtype",
        "both",
        "--name",
        "small",
        "--version",
        "1",
        "--install",
        "--models-dir",
        repo.toString());
    System.setProperty(FirmsimModelZoo.ROOT_PROPERTY, repo.toString());

    int n = 512;
    double[] state = new StartupPopulation(9, n, spec.constants()).slice(0, n).values();
    int u = new FirmYearBlock(spec, ForwardMode.SAMPLE).uniformColumns();
    double[][] uniforms = {draws(n * u, 1), draws(n * u, 2)};

    for (ForwardMode mode : ForwardMode.values()) {
      String m = mode == ForwardMode.MEAN ? "mean" : "sample";
      Criteria<NDList, NDList> pytorch =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optGroupId("io.firmsim")
              .optArtifactId("small")
              .optEngine("PyTorch")
              .optArgument("mode", m)
              .build();
      Criteria<NDList, NDList> onnx =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optModelPath(artifact)
              .optEngine("OnnxRuntime")
              .optModelName("onnx/year-" + m + "-float64")
              .optArgument("blockFactory", FirmYearBlockFactory.class.getName())
              .optTranslatorFactory(new YearTranslatorFactory())
              .build();
      try (ZooModel<NDList, NDList> pt = pytorch.loadModel();
          ZooModel<NDList, NDList> ort = onnx.loadModel();
          Predictor<NDList, NDList> ptp = pt.newPredictor();
          Predictor<NDList, NDList> ortp = ort.newPredictor();
          NDManager manager = NDManager.newBaseManager("PyTorch")) {
        for (ZooModel<NDList, NDList> z : java.util.List.of(pt, ort)) {
          assertEquals(spec.provenance().get().toString(), z.getProperty("firmsim.provenance"));
          assertEquals("small", z.getProperty("firmsim.model.name"));
        }
        FirmYearBlock block = new FirmYearBlock(spec, mode);
        block.initialize(manager, DataType.FLOAT64, new Shape(-1, S), new Shape(2));
        ParameterStore ps = new ParameterStore(manager, false);
        // Two years, each side from its own state.
        double[] sDirect = state;
        double[] sPt = state;
        double[] sOrt = state;
        for (int year = 0; year < 2; year++) {
          double[] draws = mode == ForwardMode.SAMPLE ? uniforms[year] : null;
          double[][] want = values(block.forward(ps, inputs(manager, sDirect, draws, n, u), false));
          double[][] gotPt = values(ptp.predict(inputs(manager, sPt, draws, n, u)));
          double[][] gotOrt = values(ortp.predict(inputs(manager, sOrt, draws, n, u)));
          assertClose(sDirect, want, gotPt, m + " PyTorch year " + year);
          assertClose(sDirect, want, gotOrt, m + " OnnxRuntime year " + year);
          sDirect = want[0];
          sPt = gotPt[0];
          sOrt = gotOrt[0];
        }
      }
    }

    run(
        "simulate",
        "--model",
        artifact.toString(),
        "--firms",
        "200",
        "--years",
        "3",
        "--out",
        tmp.resolve("sim").toString());
    assertTrue(Files.exists(tmp.resolve("sim/aggregates.csv")));
  }

  private static double[] draws(int count, long seed) {
    Random r = new Random(seed);
    double[] d = new double[count];
    for (int i = 0; i < count; i++) {
      d[i] = (r.nextInt(1 << 30) + 0.5) / (1 << 30);
    }
    return d;
  }

  private static NDList inputs(NDManager m, double[] state, double[] uniforms, int n, int u) {
    NDList in = new NDList(m.create(state, new Shape(n, S)), m.create(MACRO, new Shape(2)));
    if (uniforms != null) {
      in.add(m.create(uniforms, new Shape(n, u)));
    }
    return in;
  }

  private static double[][] values(NDList out) {
    double[][] v = new double[out.size()][];
    int i = 0;
    for (NDArray a : out) {
      v[i++] = a.toDoubleArray();
    }
    return v;
  }

  /**
   * 1e-12 relative with a floor of 1e-12 times the firm's scale (its largest |state value|);
   * balance_gap, already relative, within 1e-12 absolutely.
   */
  private static void assertClose(double[] state, double[][] want, double[][] got, String what) {
    int n = state.length / S;
    double[] scale = new double[n];
    for (int i = 0; i < state.length; i++) {
      scale[i / S] = Math.max(scale[i / S], Math.abs(state[i]));
    }
    for (int k = 0; k < want.length; k++) {
      int width = want[k].length / n;
      for (int i = 0; i < want[k].length; i++) {
        assertTrue(Double.isFinite(want[k][i]), what);
        double floor = k == 2 ? 1e-12 : 1e-12 * Math.max(1, scale[i / width]);
        double tol = Math.max(floor, 1e-12 * Math.abs(want[k][i]));
        assertEquals(want[k][i], got[k][i], tol, what + ": output " + k + " value " + i);
      }
    }
  }
}
