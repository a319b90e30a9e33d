package io.firmsim.trainer.orchestrator.train;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where a trained model came from: versions of the code and libraries, and the git commit. */
final class Provenance {
  static final String FIRMSIM_VERSION = "0.1.0";

  private Provenance() {}

  /** Library and runtime versions (stable between runs on one installation). */
  static Map<String, Object> libraries() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("firmsim", FIRMSIM_VERSION);
    m.put("djl", Engine.getDjlVersion());
    m.put(
        "engine",
        Engine.getEngine("PyTorch").getEngineName()
            + " "
            + Engine.getEngine("PyTorch").getVersion());
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return m;
  }

  /** The commit of the git checkout holding {@code dir}, or null when there is none. */
  static String gitCommit(Path dir) {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "HEAD")
              .directory(dir.toAbsolutePath().toFile())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
