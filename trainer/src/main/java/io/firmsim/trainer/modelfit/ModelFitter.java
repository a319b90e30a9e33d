package io.firmsim.trainer.modelfit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.SubmodelData;
import io.firmsim.trainer.panel.Subsamples;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Refits every submodel of a model's specification on a firm-year feature table (MODEL.md section
 * 6), each on its own subsample, independent submodels in parallel on a bounded pool, and assembles
 * a model file in the format of the paper spec plus the fit statistics and residual distributions.
 *
 * <p>A submodel whose subsample has too few rows to estimate (fewer than ten per parameter, or a
 * missing outcome) keeps the base model's coefficients and is listed under {@code
 * fit.notEstimated}; features constant in a subsample, or perfectly collinear with others there,
 * are dropped and listed under the submodel's {@code notIdentified}.
 */
public final class ModelFitter {
  /**
   * One submodel's outcome: which submodel, its subsample size and dropped features, and the fit or
   * why it was not estimated. (The subsample itself is not kept.)
   */
  public record SubmodelOutcome(
      String target,
      String submodel,
      int rows,
      List<String> droppedConstant,
      FitResult fit,
      String notEstimated,
      double seconds) {
    static SubmodelOutcome of(SubmodelData d, FitResult fit, String notEstimated, double s) {
      return new SubmodelOutcome(
          d.equationTarget(), d.submodel(), d.n(), d.droppedConstant(), fit, notEstimated, s);
    }
  }

  /** The assembled model JSON and each submodel's outcome, in spec order. */
  public record Outcome(ObjectNode model, List<SubmodelOutcome> submodels) {
    /** Whether every estimated submodel converged. */
    public boolean allConverged() {
      return submodels.stream().allMatch(s -> s.fit() == null || s.fit().converged());
    }
  }

  private ModelFitter() {}

  /**
   * @param base the model whose structure (equations, methods, feature lists, constants) is refit
   * @param threads fits run at once, at least 1
   * @param schweppe Huber levels with leverage weights
   */
  public static Outcome fit(
      FeatureTable table,
      ModelSpec base,
      DeviceChoice device,
      int threads,
      FitOptions options,
      boolean schweppe)
      throws InterruptedException {
    Engine engine = Engine.getEngine("PyTorch");
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    List<SubmodelOutcome> outcomes = new ArrayList<>();
    try (NDManager root =
        NDManager.newBaseManager(device.resolve(engine), engine.getEngineName())) {
      List<Future<SubmodelOutcome>> futures = new ArrayList<>();
      // Each task builds its own subsample, so at most `threads` of them are in memory at once
      // (all 51 together would take about 4 GB for a 1,000,000-row panel).
      for (EquationSpec e : base.equations()) {
        for (String name : e.method().submodels()) {
          futures.add(
              pool.submit(() -> fitOne(root, Subsamples.of(table, e, name), options, schweppe)));
        }
      }
      for (Future<SubmodelOutcome> f : futures) {
        try {
          outcomes.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Outcome(assemble(base, outcomes), outcomes);
  }

  private static SubmodelOutcome fitOne(
      NDManager root, SubmodelData d, FitOptions options, boolean schweppe) {
    int params = d.p() + (d.family() == io.firmsim.zoo.modelspec.Family.ORDINAL3 ? 2 : 1);
    if (d.n() < 10 * params) {
      return SubmodelOutcome.of(
          d, null, d.n() + " rows for " + params + " parameters (fewer than 10 per parameter)", 0);
    }
    long t0 = System.nanoTime();
    try (NDManager m = root.newSubManager()) {
      FitResult r;
      while (true) {
        try {
          r =
              SubmodelFitter.fit(
                  m, d.family(), d.link(), d.features(), d.x(), d.y(), schweppe, options);
          break;
        } catch (io.firmsim.trainer.fit.CollinearFeaturesException e) {
          d = withoutFeature(d, e.features().get(e.features().size() - 1));
        }
      }
      return SubmodelOutcome.of(d, r, null, (System.nanoTime() - t0) / 1e9);
    } catch (io.firmsim.trainer.fit.NotEstimableException e) {
      // The data do not identify the submodel (separation, a degenerate target...): keep the base
      // coefficients and say why.
      return SubmodelOutcome.of(d, null, e.getMessage(), 0);
    } catch (IllegalArgumentException e) {
      String what = d.equationTarget() + "." + d.submodel();
      if (e.getMessage() != null
          && (e.getMessage().contains("all zeros")
              || e.getMessage().contains("all ones")
              || e.getMessage().contains("no row in category")
              || e.getMessage().contains("fewer than two positive"))) {
        return SubmodelOutcome.of(d, null, e.getMessage(), 0);
      }
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** The data without one feature, which joins the not-identified list (collinear). */
  private static SubmodelData withoutFeature(SubmodelData d, String drop) {
    int p = d.p();
    int j = d.features().indexOf(drop);
    double[] x = new double[d.n() * (p - 1)];
    for (int i = 0; i < d.n(); i++) {
      for (int k = 0, o = 0; k < p; k++) {
        if (k != j) {
          x[i * (p - 1) + o++] = d.x(i, k);
        }
      }
    }
    List<String> features = new ArrayList<>(d.features());
    features.remove(j);
    List<String> dropped = new ArrayList<>(d.droppedConstant());
    dropped.add(drop);
    return new SubmodelData(
        d.equationTarget(), d.submodel(), d.family(), d.link(), features, x, d.y(), d.n(), dropped);
  }

  private static ObjectNode assemble(ModelSpec base, List<SubmodelOutcome> outcomes) {
    ObjectNode root =
        FitJson.modelHead(
            base,
            base.name() + "-refit",
            "Refit of " + (base.title() == null ? base.name() : base.title()),
            "firmsim fit-model");
    ArrayNode notEstimated = FitJson.MAPPER.createArrayNode();
    int k = 0;
    for (EquationSpec e : base.equations()) {
      ObjectNode subs = FitJson.addEquation(root, e);
      for (String name : e.method().submodels()) {
        SubmodelOutcome o = outcomes.get(k++);
        if (!o.target().equals(e.target()) || !o.submodel().equals(name)) {
          throw new IllegalStateException(
              "subsample order does not follow the spec at " + e.target() + "." + name);
        }
        if (o.fit() == null) {
          subs.set(name, baseSubmodel(e.submodel(name)));
          notEstimated
              .addObject()
              .put("submodel", e.target() + "." + name)
              .put("reason", o.notEstimated());
        } else {
          // No timings in the model file: the same data and seed give the same bytes.
          subs.set(name, FitJson.submodel(o.fit(), o.droppedConstant()));
        }
      }
    }
    ObjectNode fit = root.putObject("fit");
    fit.set("notEstimated", notEstimated);
    return root;
  }

  /** A base-model submodel copied unchanged. */
  public static ObjectNode baseSubmodel(SubmodelSpec s) {
    ObjectNode n = FitJson.MAPPER.createObjectNode();
    ArrayNode f = n.putArray("features");
    s.features().forEach(x -> f.add(x.name()));
    ArrayNode c = n.putArray("coefficients");
    for (double v : s.coefficients()) {
      c.add(v);
    }
    n.put("family", s.family().jsonName());
    if (s.link() != null) {
      n.put("link", s.link().jsonName());
    }
    if (s.family() == io.firmsim.zoo.modelspec.Family.ORDINAL3) {
      n.putArray("intercepts").add(s.intercepts()[0]).add(s.intercepts()[1]);
    } else {
      n.put("intercept", s.intercept());
    }
    if (s.family() == io.firmsim.zoo.modelspec.Family.TOBIT) {
      n.put("distribution", "logistic");
      n.put("scale", s.scale());
    }
    return n;
  }
}
