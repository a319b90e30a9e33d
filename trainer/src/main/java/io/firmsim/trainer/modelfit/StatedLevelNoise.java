package io.firmsim.trainer.modelfit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The paper model with a stated residual distribution on every Huber level, for experiments that
 * need level noise in the data-generating model (the paper's tables give none: MODEL.md section 3).
 * Each level gets a symmetric Johnson SU ({@code xi = 0, gamma = 0}, a given {@code delta}) whose
 * {@code lambda} is a given fraction of the robust spread ({@code MAD / 0.6745}) of that level's
 * linear predictor over a pilot panel of start-up firms simulated with the paper model.
 *
 * <p>Usage as a tool: {@code StatedLevelNoise OUT.json [FRACTION] [DELTA]}.
 */
public final class StatedLevelNoise {
  private StatedLevelNoise() {}

  /** The paper model's JSON with a {@code residuals.johnsonSu} on every level. */
  public static ObjectNode paperWithNoise(double fraction, double delta) {
    ModelSpec paper = PaperModel.load();
    FeatureTable pilot = FeatureTable.of(pilotPanel(paper, 5000, 6));
    ObjectNode root;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      root = (ObjectNode) FitJson.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the embedded paper model", e);
    }
    root.put("name", paper.name() + "-stated-level-noise");
    root.put(
        "source",
        paper.source()
            + "; level noise stated by StatedLevelNoise (fraction "
            + fraction
            + ", delta "
            + delta
            + ")");
    JsonNode equations = root.get("equations");
    for (int k = 0; k < paper.equations().size(); k++) {
      EquationSpec e = paper.equations().get(k);
      for (SubmodelSpec s : e.submodels()) {
        if (s.family() != Family.HUBER) {
          continue;
        }
        double spread = robustSpread(linearPredictor(pilot, s));
        double lambda = fraction * (spread > 0 ? spread : Math.abs(s.intercept()) + 1);
        ObjectNode su =
            ((ObjectNode) equations.get(k).get("submodels").get(s.name()))
                .putObject("residuals")
                .putObject("johnsonSu");
        su.put("xi", 0.0).put("lambda", lambda).put("gamma", 0.0).put("delta", delta);
      }
    }
    ModelSpecReader.parse(root, "stated noise"); // must load
    return root;
  }

  private static double[] linearPredictor(FeatureTable t, SubmodelSpec s) {
    double[] eta = new double[t.rows()];
    Arrays.fill(eta, s.intercept());
    double[] b = s.coefficients();
    for (int j = 0; j < b.length; j++) {
      double[] c = t.column(s.features().get(j));
      for (int i = 0; i < eta.length; i++) {
        eta[i] += b[j] * c[i];
      }
    }
    return eta;
  }

  private static double robustSpread(double[] v) {
    double[] a = v.clone();
    Arrays.sort(a);
    double median = a[a.length / 2];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(v[i] - median);
    }
    Arrays.sort(a);
    return a[a.length / 2] / 0.6745;
  }

  /** A sample-mode panel of start-up firms after five burn-in years. */
  public static Panel pilotPanel(ModelSpec spec, int firms, int years) {
    return simulatePanel(spec, firms, years, 5, 77);
  }

  /** A sample-mode float64 panel of {@code firms} start-up firms over {@code years} years. */
  public static Panel simulatePanel(ModelSpec spec, int firms, int years, int burnIn, long seed) {
    return simulatePanel(spec, firms, years, burnIn, seed, MacroPath.zeros(), DeviceChoice.CPU);
  }

  /**
   * A sample-mode float64 panel of {@code firms} start-up firms over the reported years {@code 1 ..
   * years}, simulated under the macro path (burn-in years use the default scenario) on the device.
   *
   * @throws IllegalArgumentException when {@code firms * years} rows do not fit in one panel
   */
  public static Panel simulatePanel(
      ModelSpec spec,
      int firms,
      int years,
      int burnIn,
      long seed,
      MacroPath macro,
      DeviceChoice device) {
    long rows = (long) firms * years;
    if (rows * Math.max(StateVariable.count(), FlowVariable.count()) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          firms + " firms x " + years + " years is too large for one in-memory panel");
    }
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(years)
            .optBurnIn(burnIn)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(Precision.FLOAT64)
            .optDevice(device)
            .optMacro(macro)
            .optSeed(seed)
            .build();
    Collector c = new Collector(firms * years);
    new Simulator(config).run(new StartupPopulation(seed, firms, spec.constants()), c, null);
    return Panel.of(c.ids, c.years, c.state, c.flows);
  }

  /** Collects panel rows into flat arrays. */
  private static final class Collector implements PanelWriter {
    final long[] ids;
    final int[] years;
    final double[] state;
    final double[] flows;
    private int at;

    Collector(int rows) {
      ids = new long[rows];
      years = new int[rows];
      state = new double[rows * StateVariable.count()];
      flows = new double[rows * FlowVariable.count()];
    }

    @Override
    public void write(long[] firmIds, int[] yrs, double[] st, double[] fl, int rows) {
      System.arraycopy(firmIds, 0, ids, at, rows);
      System.arraycopy(yrs, 0, years, at, rows);
      System.arraycopy(st, 0, state, at * StateVariable.count(), rows * StateVariable.count());
      System.arraycopy(fl, 0, flows, at * FlowVariable.count(), rows * FlowVariable.count());
      at += rows;
    }

    @Override
    public void close() {}
  }

  public static void main(String[] args) throws IOException {
    double fraction = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
    double delta = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
    FitJson.MAPPER
        .writerWithDefaultPrettyPrinter()
        .writeValue(Path.of(args[0]).toFile(), paperWithNoise(fraction, delta));
  }
}
