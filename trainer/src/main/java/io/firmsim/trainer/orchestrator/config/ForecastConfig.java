package io.firmsim.trainer.orchestrator.config;

import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.train.LearningRateSchedule;
import io.firmsim.trainer.forecast.train.LossKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The configuration of one forecaster training ({@code firmsim train CONFIG.yaml} with a top-level
 * {@code forecast:} section), as read and validated by {@link ForecastConfigReader}: the series
 * file, its frequency, horizon and seasonal period, the network ({@link ForecasterSpec}, the
 * members' common description), the training budget, the ensemble (the Cartesian product of
 * lookback multiples, losses and seeds) and where the artifact goes. Every default is filled in and
 * every path resolved against the configuration file's folder.
 *
 * <p>All records are immutable (lists are copied in) and compare by value.
 *
 * @param source the configuration file
 * @param series the series file (M4 or long layout)
 * @param frequency the frequency's label, recorded in the artifact (e.g. {@code yearly})
 * @param horizon the number of values forecast, H
 * @param seasonalPeriod the seasonal period (MASE's scale)
 * @param model the network the members share (their lookback multiple comes from the ensemble)
 * @param training the training settings every member uses
 * @param ensemble the members
 * @param output where the artifact goes
 */
public record ForecastConfig(
    Path source,
    Path series,
    String frequency,
    int horizon,
    int seasonalPeriod,
    ForecasterSpec model,
    Training training,
    Ensemble ensemble,
    Output output) {

  public ForecastConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(frequency, "frequency");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(ensemble, "ensemble");
    Objects.requireNonNull(output, "output");
  }

  /** Where the members train. */
  public enum Device {
    CPU,
    GPU;

    /** The spelling in configuration files. */
    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The training settings every member uses (see {@link
   * io.firmsim.trainer.forecast.train.TrainingSettings}).
   *
   * @param steps the step budget
   * @param batchSize windows per step
   * @param learningRate Adam's learning rate
   * @param learningRateSchedule constant or cosine (to 1% at the last step)
   * @param clipGradient element-wise gradient clip, 0 for none
   * @param validationEvery validation loss every K steps
   * @param earlyStoppingPatience checks without improvement before stopping, 0 for never
   * @param holdOut whether the last H points of each series are held out for validation (true) or
   *     every point trains (false: no validation, no early stopping, the last step's parameters)
   * @param historyLimit L_H, in horizons
   * @param device cpu or gpu
   * @param parallelism members trained at once
   */
  public record Training(
      int steps,
      int batchSize,
      double learningRate,
      LearningRateSchedule learningRateSchedule,
      double clipGradient,
      int validationEvery,
      int earlyStoppingPatience,
      boolean holdOut,
      double historyLimit,
      Device device,
      int parallelism) {
    /** The defaults: those of {@code TrainingSettings}, on the CPU, one member at a time. */
    public static final Training DEFAULTS =
        new Training(
            1000, 256, 1e-3, LearningRateSchedule.CONSTANT, 1.0, 100, 0, true, 10, Device.CPU, 1);
  }

  /**
   * The ensemble: one member per combination of lookback multiple, loss and seed.
   *
   * @param lookbackMultiples lookbacks as multiples of H, distinct, at least one
   * @param losses training losses, distinct, at least one
   * @param seeds seeds (initial parameters and window sampling), distinct, at least one
   */
  public record Ensemble(List<Integer> lookbackMultiples, List<LossKind> losses, List<Long> seeds) {
    public Ensemble {
      lookbackMultiples = List.copyOf(lookbackMultiples);
      losses = List.copyOf(losses);
      seeds = List.copyOf(seeds);
    }
  }

  /**
   * Where the artifact goes: {@code directory/name/version/}, a repository layout, so {@code
   * directory} serves as {@code --models-dir}.
   *
   * @param directory the repository folder
   * @param name the model's name
   * @param version its version label
   */
  public record Output(Path directory, String name, String version) {
    public Output {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
    }
  }

  /**
   * One ensemble member.
   *
   * @param id {@code L<multiple>.<loss>.seed<seed>}, e.g. {@code L2.smape.seed1}
   * @param spec the network with the member's lookback multiple
   * @param loss its training loss
   * @param seed its seed, as listed in {@code ensemble.seeds}
   */
  public record Member(String id, ForecasterSpec spec, LossKind loss, long seed) {
    /**
     * The seed the member trains with (initial parameters and window sampling): the listed seed
     * mixed with the lookback multiple and the loss, so that members sharing a listed seed still
     * start from different parameters and draw different windows (with one seed for all, members of
     * equal lookback would start identical and see the same windows, and the ensemble would lose
     * its diversity). A pure function of (seed, lookback multiple, loss).
     */
    public long trainingSeed() {
      long z =
          seed
              + 0x9E3779B97F4A7C15L * spec.lookbackMultiple()
              + 0xC2B2AE3D27D4EB4FL * (loss.ordinal() + 1);
      // SplitMix64's finalizer
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  /** The members: lookback multiples, then losses, then seeds, in the file's order. */
  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    for (int multiple : ensemble.lookbackMultiples()) {
      ForecasterSpec spec = model.toBuilder().optLookbackMultiple(multiple).build();
      for (LossKind loss : ensemble.losses()) {
        for (long seed : ensemble.seeds()) {
          String id = "L" + multiple + "." + loss.name().toLowerCase(Locale.ROOT) + ".seed" + seed;
          out.add(new Member(id, spec, loss, seed));
        }
      }
    }
    return out;
  }
}
