package io.firmsim.trainer.forecast.model;

/**
 * The network of one forecaster: N-BEATS with generic stacks, N-BEATS with the interpretable trend
 * and seasonality stacks (Oreshkin et al. 2020), or an LSTM encoder with a direct multi-horizon
 * head. Each has a name used in JSON and YAML ({@code nbeats-generic}, {@code
 * nbeats-interpretable}, {@code lstm}).
 */
public enum ForecasterKind {
  /** {@link io.firmsim.models.forecast.nbeats.NBeatsBlock} with generic stacks. */
  NBEATS_GENERIC("nbeats-generic"),
  /** {@link io.firmsim.models.forecast.nbeats.NBeatsBlock}: a trend then a seasonality stack. */
  NBEATS_INTERPRETABLE("nbeats-interpretable"),
  /** {@link io.firmsim.models.forecast.lstm.LstmForecaster}. */
  LSTM("lstm");

  private final String label;

  ForecasterKind(String label) {
    this.label = label;
  }

  /** The name in JSON and YAML. */
  public String label() {
    return label;
  }

  /**
   * The kind with this name.
   *
   * @throws IllegalArgumentException naming the known kinds
   */
  public static ForecasterKind parse(String label) {
    for (ForecasterKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "expected nbeats-generic, nbeats-interpretable or lstm, found '" + label + "'");
  }

  @Override
  public String toString() {
    return label;
  }
}
