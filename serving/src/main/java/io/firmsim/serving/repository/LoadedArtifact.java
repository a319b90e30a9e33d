package io.firmsim.serving.repository;

import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.zoo.artifact.Artifact;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An artifact version that is loaded: its verified {@link Artifact}, its folder and the runners of
 * its served models ({@code NAME-<file stem>} for each ONNX file, wrapped by the {@link
 * RunnerWrapper}).
 *
 * <p>Reference-counted so that a version replaced or unloaded while requests use it finishes them
 * on itself: every user {@link #tryAcquire() acquires} it and {@link #release() releases} it; the
 * repository holds one reference while the version serves, and the runners close when the last
 * reference goes. Thread-safe.
 */
public final class LoadedArtifact {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedArtifact.class);

  private final Artifact artifact;
  private final String name;
  private final String version;
  private final Map<String, InferenceRunner> runners;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();

  LoadedArtifact(
      String name, String version, Artifact artifact, Map<String, InferenceRunner> runners) {
    this.name = name;
    this.version = version;
    this.artifact = artifact;
    this.runners = Collections.unmodifiableMap(new LinkedHashMap<>(runners));
  }

  /** The artifact NAME. */
  public String name() {
    return name;
  }

  /** The VERSION folder. */
  public String version() {
    return version;
  }

  /** The verified artifact (metadata, model spec). */
  public Artifact artifact() {
    return artifact;
  }

  /** The artifact's folder. */
  public Path dir() {
    return artifact.dir();
  }

  /** The served models' runners by model name, in the metadata's graph order. */
  public Map<String, InferenceRunner> runners() {
    return runners;
  }

  /** The runner of a served model of this version. */
  public Optional<InferenceRunner> runner(String model) {
    return Optional.ofNullable(runners.get(model));
  }

  /**
   * Takes a reference, unless the version has been retired and drained.
   *
   * @return whether the caller now holds a reference it must {@link #release()}
   */
  public boolean tryAcquire() {
    while (true) {
      int r = references.get();
      if (r <= 0) {
        return false;
      }
      if (references.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one closes the runners. */
  public void release() {
    if (references.decrementAndGet() == 0) {
      LOG.info("closing {}/{}: {} sessions", name, version, runners.size());
      for (InferenceRunner r : runners.values()) {
        try {
          r.close();
        } catch (RuntimeException e) {
          LOG.warn("closing a runner of {}/{} failed", name, version, e);
        }
      }
    }
  }

  /** Drops the repository's reference: the version closes once its requests have drained. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** Whether the repository no longer serves this version. */
  public boolean retired() {
    return retired.get();
  }

  @Override
  public String toString() {
    return name + "/" + version;
  }
}
