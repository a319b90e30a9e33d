package io.firmsim.trainer.forecast.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ForecastTrainer} run did: the steps run, the training loss of every step, the
 * validation checks (step 0 is the initial parameters), the best validation loss and its step
 * (whose parameters the block holds after training), whether early stopping ended the run, and the
 * checkpoint file if one was written.
 *
 * @param stepsRun optimizer steps taken
 * @param trainingLoss the batch loss of each step, in order
 * @param validation the validation checks, in order
 * @param bestValidationLoss the smallest validation loss
 * @param bestStep the step after which it was measured
 * @param stoppedEarly whether patience ran out before the step budget
 * @param checkpoint the best parameters' file, when a checkpoint folder was given
 */
public record TrainingResult(
    int stepsRun,
    List<Double> trainingLoss,
    List<ValidationCheck> validation,
    double bestValidationLoss,
    int bestStep,
    boolean stoppedEarly,
    Optional<Path> checkpoint) {

  /** Copies the lists. */
  public TrainingResult {
    trainingLoss = List.copyOf(trainingLoss);
    validation = List.copyOf(validation);
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /**
   * One validation check.
   *
   * @param step steps taken before it
   * @param loss the validation loss (float64)
   */
  public record ValidationCheck(int step, double loss) {}
}
