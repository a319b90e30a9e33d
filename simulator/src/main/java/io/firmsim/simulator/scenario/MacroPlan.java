package io.firmsim.simulator.scenario;

import java.nio.file.Path;
import java.util.Objects;

/** Where a scenario's macro path comes from. Zero macro is the default. */
public sealed interface MacroPlan {

  /** {@code dgnp = realr = 0} every year (MODEL.md section 1's default scenario). */
  record Zero() implements MacroPlan {}

  /** The same {@code dgnp} (SEK) and {@code realr} (fraction) every year. */
  record Constant(double dgnp, double realr) implements MacroPlan {
    public Constant {
      if (!Double.isFinite(dgnp) || !Double.isFinite(realr)) {
        throw new IllegalArgumentException("macro values must be finite");
      }
    }
  }

  /** One path file in the {@code --macro} format ({@code year,dgnp,realr}). */
  record File(Path path) implements MacroPlan {
    public File {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * A folder of path files (as {@code scenario macro} writes them from a forecaster): replicate
   * {@code r} runs path {@code r mod K}, paths taken in file-name order.
   */
  record Paths(Path folder) implements MacroPlan {
    public Paths {
      Objects.requireNonNull(folder, "folder");
    }
  }
}
