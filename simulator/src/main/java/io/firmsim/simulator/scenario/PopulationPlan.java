package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The firms a scenario run starts from. Every scenario of a run uses the same population.
 * Serializable, as the plan that holds it: a {@link File} travels as a proxy that keeps its path as
 * a string ({@link Path} is not serializable) and is read back as the plan itself.
 */
public sealed interface PopulationPlan extends Serializable {

  /** Start-up firms (MODEL.md section 5), weight 1 each, run through {@code burnIn} years first. */
  record Generated(int firms, int burnIn) implements PopulationPlan {
    public Generated {
      if (firms < 1 || burnIn < 0) {
        throw new IllegalArgumentException(
            "firms >= 1 and burnIn >= 0, found " + firms + ", " + burnIn);
      }
    }
  }

  /**
   * A population file in the {@code simulate --population} format; an optional {@code weight}
   * column gives each firm its weight (1 when absent).
   */
  record File(Path path) implements PopulationPlan {
    public File {
      Objects.requireNonNull(path, "path");
    }

    private Object writeReplace() {
      return new FileProxy(path.toString());
    }

    /** A {@link File} in a stream: its path as a string. */
    private record FileProxy(String path) implements Serializable {
      private Object readResolve() {
        return new File(Path.of(path));
      }
    }
  }

  /**
   * Firms generated with a size distribution and balance-sheet composition, then reweighted by
   * raking to the paper's Table 25 for 1999 (docs/CALIBRATION.md).
   */
  record Calibrated(int firms) implements PopulationPlan {
    public Calibrated {
      if (firms < 1) {
        throw new IllegalArgumentException("firms >= 1, found " + firms);
      }
    }
  }
}
