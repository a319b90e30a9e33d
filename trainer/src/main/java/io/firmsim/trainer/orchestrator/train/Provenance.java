package io.firmsim.trainer.orchestrator.train;

import ai.djl.engine.Engine;
import io.firmsim.zoo.BuildInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a trained model came from, as far as the running code is concerned: firmsim's own build
 * (version and commit, from {@link BuildInfo}, never the working directory's git state) and the
 * library, Java and OS versions. Stable between runs on one installation, so a model holding it can
 * be reproduced byte for byte.
 */
public final class Provenance {
  private Provenance() {}

  /** firmsim's build: version, commit and the code version that keys incremental reuse. */
  public static Map<String, Object> firmsim(String codeVersion) {
    BuildInfo build = BuildInfo.current();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", build.version());
    m.put("commit", build.commit());
    m.put("codeVersion", codeVersion);
    return m;
  }

  /** Library and runtime versions. */
  public static Map<String, Object> libraries() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("djl", Engine.getDjlVersion());
    Engine engine = Engine.getEngine("PyTorch");
    m.put("engine", engine.getEngineName() + " " + engine.getVersion());
    m.put(
        "java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    return m;
  }
}
