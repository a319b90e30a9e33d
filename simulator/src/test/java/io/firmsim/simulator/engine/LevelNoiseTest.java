package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.FlowVariable;
import java.io.InputStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fitted level's residual distribution is added to the level: in sample mode as Johnson SU draws,
 * in mean mode as their expectation. OIBD (T12, method HS, no clamp) is the probe: with the same
 * seed, everything before it is identical, so the OIBD difference is the noise itself.
 */
class LevelNoiseTest {
  private static final double XI = 1000;
  private static final double LAMBDA = 50_000;
  private static final double GAMMA = -0.5;
  private static final double DELTA = 1.5;

  private static ModelSpec withOibdNoise() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      root = (ObjectNode) mapper.readTree(in);
    }
    ObjectNode level = (ObjectNode) root.get("equations").get(11).get("submodels").get("level");
    ObjectNode su = level.putObject("residuals").putObject("johnsonSu");
    su.put("xi", XI).put("lambda", LAMBDA).put("gamma", GAMMA).put("delta", DELTA);
    return ModelSpecReader.parse(root, "paper+noise");
  }

  private static PanelCollector run(ModelSpec spec, ForwardMode mode, int firms, Backend backend) {
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(1)
            .optMode(mode)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optSeed(9)
            .optBackend(backend)
            .build();
    PanelCollector panel = new PanelCollector();
    new Simulator(config).run(new StartupPopulation(9, firms, spec.constants()), panel, null);
    return panel;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void sampleModeAddsJohnsonSuDrawsToTheLevel(Backend backend) throws Exception {
    int firms = 20_000;
    PanelCollector plain = run(PaperModel.load(), ForwardMode.SAMPLE, firms, backend);
    PanelCollector noisy = run(withOibdNoise(), ForwardMode.SAMPLE, firms, backend);
    double[] noise = new double[firms];
    for (int i = 0; i < firms; i++) {
      noise[i] =
          noisy.flows.get(i)[FlowVariable.OIBD.index()]
              - plain.flows.get(i)[FlowVariable.OIBD.index()];
    }
    // Johnson SU CDF: Phi(gamma + delta * asinh((x - xi) / lambda)).
    NormalDistribution normal = new NormalDistribution();
    double p =
        new KolmogorovSmirnovTest()
            .kolmogorovSmirnovTest(
                new org.apache.commons.math3.distribution.AbstractRealDistribution(null) {
                  @Override
                  public double cumulativeProbability(double x) {
                    double t = (x - XI) / LAMBDA;
                    return normal.cumulativeProbability(
                        GAMMA + DELTA * Math.log(t + Math.sqrt(t * t + 1)));
                  }

                  @Override
                  public double density(double x) {
                    throw new UnsupportedOperationException();
                  }

                  @Override
                  public double getNumericalMean() {
                    return Double.NaN;
                  }

                  @Override
                  public double getNumericalVariance() {
                    return Double.NaN;
                  }

                  @Override
                  public double getSupportLowerBound() {
                    return Double.NEGATIVE_INFINITY;
                  }

                  @Override
                  public double getSupportUpperBound() {
                    return Double.POSITIVE_INFINITY;
                  }

                  @Override
                  public boolean isSupportLowerBoundInclusive() {
                    return false;
                  }

                  @Override
                  public boolean isSupportUpperBoundInclusive() {
                    return false;
                  }

                  @Override
                  public boolean isSupportConnected() {
                    return true;
                  }
                },
                noise);
    assertTrue(p > 1e-3, "OIBD noise does not follow the Johnson SU: KS p = " + p);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void meanModeAddsTheNoiseExpectation(Backend backend) throws Exception {
    PanelCollector plain = run(PaperModel.load(), ForwardMode.MEAN, 1000, backend);
    PanelCollector noisy = run(withOibdNoise(), ForwardMode.MEAN, 1000, backend);
    double mean = XI - LAMBDA * Math.exp(1 / (2 * DELTA * DELTA)) * Math.sinh(GAMMA / DELTA);
    for (int i = 0; i < 1000; i++) {
      double d =
          noisy.flows.get(i)[FlowVariable.OIBD.index()]
              - plain.flows.get(i)[FlowVariable.OIBD.index()];
      assertEquals(mean, d, 1e-6 * Math.abs(mean) + 1e-6);
    }
  }
}
