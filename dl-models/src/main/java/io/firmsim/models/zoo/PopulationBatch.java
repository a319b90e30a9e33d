package io.firmsim.models.zoo;

import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;

/**
 * One year's input for a batch of firms, in plain Java arrays: the state {@code [firms,
 * StateVariable.count()]} row-major (columns in {@link StateVariable} order), the macro values
 * {@code [dgnp, realr]} of the year, and in sample mode the uniform draws {@code [firms, U]}
 * row-major (U is the loaded model's property {@code firmsim.uniformColumns}; column k &lt; 24 is
 * the draw of equation T(k+1), the columns after them the draws of the fitted levels' residual
 * noise), {@code null} in mean mode.
 *
 * <p>Class is immutable: arrays are copied in and out.
 *
 * @param firms number of firms (rows)
 * @param state the firm states, row-major
 * @param macro dgnp and realr
 * @param uniforms the draws in (0, 1), row-major, or null for mean mode
 */
public record PopulationBatch(int firms, double[] state, double[] macro, double[] uniforms) {

  /** Checks the sizes and copies the arrays. */
  public PopulationBatch {
    if (firms < 0) {
      throw new IllegalArgumentException("firms must be >= 0, found " + firms);
    }
    if (state == null || state.length != (long) firms * StateVariable.count()) {
      throw new IllegalArgumentException(
          "state must hold firms x "
              + StateVariable.count()
              + " = "
              + (long) firms * StateVariable.count()
              + " values, found "
              + (state == null ? "null" : state.length));
    }
    if (macro == null || macro.length != 2) {
      throw new IllegalArgumentException("macro must be [dgnp, realr]");
    }
    if (uniforms != null && (firms == 0 ? uniforms.length != 0 : uniforms.length % firms != 0)) {
      throw new IllegalArgumentException(
          "uniforms must hold firms x U values, found " + uniforms.length + " for " + firms);
    }
    state = state.clone();
    macro = macro.clone();
    uniforms = uniforms == null ? null : uniforms.clone();
  }

  /** A batch from one row per firm. */
  public static PopulationBatch of(double[][] state, double[] macro, double[][] uniforms) {
    return new PopulationBatch(
        state.length, flatten(state), macro, uniforms == null ? null : flatten(uniforms));
  }

  private static double[] flatten(double[][] rows) {
    return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
  }

  @Override
  public double[] state() {
    return state.clone();
  }

  @Override
  public double[] macro() {
    return macro.clone();
  }

  @Override
  public double[] uniforms() {
    return uniforms == null ? null : uniforms.clone();
  }

  /** Width of the uniforms (0 without them). */
  public int uniformColumns() {
    return uniforms == null || firms == 0 ? 0 : uniforms.length / firms;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PopulationBatch b
        && firms == b.firms
        && Arrays.equals(state, b.state)
        && Arrays.equals(macro, b.macro)
        && Arrays.equals(uniforms, b.uniforms);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(state) + Arrays.hashCode(uniforms);
  }

  @Override
  public String toString() {
    return "PopulationBatch[firms=" + firms + ", uniformColumns=" + uniformColumns() + "]";
  }
}
