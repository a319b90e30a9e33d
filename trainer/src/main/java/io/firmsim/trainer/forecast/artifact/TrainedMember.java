package io.firmsim.trainer.forecast.artifact;

import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.train.LossKind;
import java.util.Objects;

/**
 * One trained ensemble member as the artifact writer takes it: the network's description, the seed
 * of its initial parameters and of its training, the training loss, its best validation loss and
 * its parameters as DJL's {@code Block.saveParameters} writes them (float32, the dtype training
 * uses).
 *
 * <p>Class is immutable (the parameter bytes are copied in and out) and thread-safe.
 */
public final class TrainedMember {
  private final ForecasterSpec spec;
  private final long seed;
  private final LossKind loss;
  private final double validationLoss;
  private final byte[] parameters;

  /**
   * @param spec the network
   * @param seed the seed of its initial parameters and window sampling
   * @param loss the training loss
   * @param validationLoss the best validation loss (NaN when unknown)
   * @param parameters the bytes of {@code Block.saveParameters}
   */
  public TrainedMember(
      ForecasterSpec spec, long seed, LossKind loss, double validationLoss, byte[] parameters) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.seed = seed;
    this.loss = Objects.requireNonNull(loss, "loss");
    this.validationLoss = validationLoss;
    this.parameters = Objects.requireNonNull(parameters, "parameters").clone();
  }

  /** The network. */
  public ForecasterSpec spec() {
    return spec;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The training loss. */
  public LossKind loss() {
    return loss;
  }

  /** The best validation loss. */
  public double validationLoss() {
    return validationLoss;
  }

  /** A copy of the parameter bytes. */
  public byte[] parameters() {
    return parameters.clone();
  }

  /** The size of the parameter bytes. */
  public int parameterBytes() {
    return parameters.length;
  }
}
