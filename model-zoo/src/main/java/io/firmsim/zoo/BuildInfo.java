package io.firmsim.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The firmsim build that is running: the project version and the git commit it was built from,
 * written into a resource by the build (never read from the working directory at run time). Cache
 * keys, model provenance and run records name it, so a result can always be traced to the code that
 * made it, and a rebuilt firmsim does not reuse results of another build.
 */
public final class BuildInfo {
  private static final String RESOURCE = "build-info.properties";
  private static final BuildInfo CURRENT = load();

  private final String version;
  private final String commit;
  private final boolean dirty;

  private BuildInfo(String version, String commit, boolean dirty) {
    this.version = version;
    this.commit = commit;
    this.dirty = dirty;
  }

  /** The running build. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public String version() {
    return version;
  }

  /** The full git commit id, or {@code unknown} when built outside a git checkout. */
  public String commit() {
    return commit;
  }

  /** Whether the working tree had uncommitted changes when this build was made. */
  public boolean dirty() {
    return dirty;
  }

  /**
   * One string naming this build, {@code VERSION+COMMIT} (with {@code -dirty} for a build of
   * uncommitted changes): the code version in cache keys and provenance.
   */
  public String codeVersion() {
    return version + "+" + commit + (dirty ? "-dirty" : "");
  }

  @Override
  public String toString() {
    return codeVersion();
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource io/firmsim/zoo/" + RESOURCE + " missing: firmsim was not built by Maven");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read io/firmsim/zoo/" + RESOURCE, e);
    }
    String version = p.getProperty("version", "");
    String commit = p.getProperty("commit", "");
    if (version.isEmpty() || version.startsWith("${")) {
      throw new IllegalStateException("build-info.properties holds no version: " + version);
    }
    if (commit.isEmpty() || commit.startsWith("${")) {
      commit = "unknown";
    }
    return new BuildInfo(version, commit, Boolean.parseBoolean(p.getProperty("dirty", "false")));
  }
}
