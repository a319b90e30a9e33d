package io.firmsim.models.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/** The models and start states the ONNX parity tests run on. */
final class TestModels {
  private TestModels() {}

  /**
   * The paper model with Johnson SU residual noise on six fitted levels, as {@code fit-model}
   * writes it: both levels of T2 (MUNO), T6's positive level (LSG), T7 and T12 (HS, whose only draw
   * is then the noise) and T14's level (LLG).
   */
  static ModelSpec noisyPaperModel() {
    ObjectNode root;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      root = (ObjectNode) new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    addNoise(root, 1, "level_pos", 800, 40_000, -0.5, 1.5);
    addNoise(root, 1, "level_neg", -300, 25_000, 0.3, 2.0);
    addNoise(root, 5, "level_pos", 0, 60_000, 0.1, 1.1);
    addNoise(root, 6, "level", 1000, 50_000, -0.5, 1.5);
    addNoise(root, 11, "level", -2000, 80_000, 0.8, 0.9);
    addNoise(root, 13, "level", 100, 5_000, 0, 3.0);
    return ModelSpecReader.parse(root, "paper+noise");
  }

  private static void addNoise(
      ObjectNode root,
      int equation,
      String submodel,
      double xi,
      double lambda,
      double gamma,
      double delta) {
    ObjectNode level =
        (ObjectNode) root.get("equations").get(equation).get("submodels").get(submodel);
    ObjectNode su = level.putObject("residuals").putObject("johnsonSu");
    su.put("xi", xi).put("lambda", lambda).put("gamma", gamma).put("delta", delta);
  }

  /**
   * A start-up population [firms, S] built as MODEL.md section 5 describes (the simulator's
   * StartupPopulation, with java.util.SplittableRandom draws): CA uniform in [0.2, 0.6] million,
   * the balance sheet derived from it and closed by LL, start-up purchases as last year's flows,
   * Bernoulli characteristics, marketw relative to the mean size over 4000 market firms.
   */
  static double[] startState(int firms, double minShareCapital, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int width = StateVariable.count();
    double[] v = new double[firms * width];
    double[] size = new double[firms];
    double total = 0;
    for (int r = 0; r < firms; r++) {
      double ca = (0.2 + 0.4 * rnd.nextDouble()) * 1e6;
      double ure = ca;
      double ma = ure / 1.5;
      double bu = ma;
      double ofa = 6 * ma;
      double cl = ca;
      double sc = Math.max(0.3 * ure, minShareCapital);
      double rr = 0.3 * ure;
      double ll = (ca + ma + bu + ofa) - (ure + sc + rr + cl);
      int o = r * width;
      v[o + StateVariable.CA.index()] = ca;
      v[o + StateVariable.MA.index()] = ma;
      v[o + StateVariable.BU.index()] = bu;
      v[o + StateVariable.OFA.index()] = ofa;
      v[o + StateVariable.CL.index()] = cl;
      v[o + StateVariable.LL.index()] = ll;
      v[o + StateVariable.SC.index()] = sc;
      v[o + StateVariable.RR.index()] = rr;
      v[o + StateVariable.URE.index()] = ure;
      v[o + StateVariable.CMA.index()] = ma;
      v[o + StateVariable.IMA.index()] = ma;
      v[o + StateVariable.IBU.index()] = bu;
      v[o + StateVariable.DCA.index()] = ca;
      v[o + StateVariable.DCL.index()] = cl;
      v[o + StateVariable.Public.index()] = rnd.nextDouble() < 0.01 ? 1 : 0;
      v[o + StateVariable.ruralare.index()] = rnd.nextDouble() < 0.2 ? 1 : 0;
      v[o + StateVariable.largcity.index()] = rnd.nextDouble() < 0.3 ? 1 : 0;
      size[r] = ca + ma + bu + ofa;
      total += size[r];
    }
    for (int r = 0; r < firms; r++) {
      v[r * width + StateVariable.marketw.index()] = size[r] / (total / firms) / 4000;
    }
    return v;
  }
}
