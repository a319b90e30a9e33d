package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a scenario's macro path comes from. Zero macro is the default. Serializable, as the plan
 * that holds it: the plans that name a file or folder travel as a proxy that keeps the path as a
 * string ({@link Path} is not serializable) and is read back as the plan itself.
 */
public sealed interface MacroPlan extends Serializable {

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
   * A folder of path files (as {@code scenario macro} writes them from a forecaster): replicate
   * {@code r} runs path {@code r mod K}, paths taken in file-name order.
   */
  record Paths(Path folder) implements MacroPlan {
    public Paths {
      Objects.requireNonNull(folder, "folder");
    }

    private Object writeReplace() {
      return new PathsProxy(folder.toString());
    }

    /** A {@link Paths} in a stream: its folder as a string. */
    private record PathsProxy(String folder) implements Serializable {
      private Object readResolve() {
        return new Paths(Path.of(folder));
      }
    }
  }
}
