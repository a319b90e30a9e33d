package io.firmsim.zoo;

import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * The embedded default model: the coefficients of Shahnazarian (2004), Tables 1-24, shipped as the
 * resource {@value #RESOURCE}.
 */
public final class PaperModel {
  /** Classpath location of the embedded paper model. */
  public static final String RESOURCE = "/io/firmsim/zoo/shahnazarian-2004.json";

  private static volatile ModelSpec cached;

  private PaperModel() {}

  /** The paper model, read and validated once. */
  public static ModelSpec load() {
    ModelSpec spec = cached;
    if (spec == null) {
      try (InputStream in = PaperModel.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new ModelSpecException("embedded model " + RESOURCE + " is missing from the jar");
        }
        spec = ModelSpecReader.read(in, "embedded " + RESOURCE);
      } catch (IOException e) {
        throw new ModelSpecException("cannot read embedded model " + RESOURCE, e);
      }
      cached = spec;
    }
    return spec;
  }
}
