package io.firmsim.trainer.forecast.train;

/**
 * Callbacks of a {@link ForecastTrainer} run, for progress bars and logs. Called on the training
 * thread; an implementation must be quick and must not throw.
 */
public interface TrainingListener {
  /** A listener that does nothing. */
  TrainingListener NONE = new TrainingListener() {};

  /**
   * After optimizer step {@code step} (1-based) of at most {@code steps}, with that batch's loss.
   */
  default void onStep(int step, int steps, double loss) {}

  /** After a validation check (including the one at step 0). */
  default void onValidation(TrainingResult.ValidationCheck check) {}
}
