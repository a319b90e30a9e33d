package io.firmsim.trainer.orchestrator.graph;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A task that reads one input file at the start of a graph (a panel, a series file): it has no
 * inputs, and its fingerprint and output hash derive from the file's SHA-256, computed once per
 * run, so that a changed file re-runs what depends on it and an unchanged one nothing.
 */
public abstract class InputFileTask implements Task {
  /** The file read. */
  protected final Path file;

  private String sha256;

  protected InputFileTask(Path file) {
    this.file = file;
  }

  /**
   * The file's SHA-256, computed once.
   *
   * @throws BadInputException naming the file when it cannot be read
   */
  public final synchronized String sha256() {
    if (sha256 == null) {
      try {
        sha256 = Hashing.sha256(file);
      } catch (IOException e) {
        throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
      }
    }
    return sha256;
  }

  @Override
  public final Set<String> inputs() {
    return Set.of();
  }
}
