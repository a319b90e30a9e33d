package io.firmsim.simulator.output;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A single output file (a fitted submodel, a model JSON) that appears whole or not at all: it is
 * written to a staging file beside the target ({@code .NAME.tmp-*}) and moved into place with one
 * atomic rename by {@link #commit()}; {@link #close()} without a commit deletes the staging file.
 * {@link #check(Path, boolean)} refuses, before any work and naming the path, a target that is a
 * folder, has no parent, sits in a folder that cannot be written, or exists (without {@code
 * overwrite}).
 */
public final class OutputFile implements AutoCloseable {
  private final Path target;
  private final Path staging;
  private boolean committed;

  private OutputFile(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Checks an output file location before any work is done (see the class comment). */
  public static void check(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      throw new BadInputException("output file " + abs + " is the root: name a file");
    }
    if (Files.isDirectory(abs)) {
      throw new BadInputException("output file " + abs + " exists and is a folder");
    }
    if (Files.exists(abs) && !overwrite) {
      throw new BadInputException(
          "output file " + abs + " exists: choose another, or give --overwrite to replace it");
    }
    Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new BadInputException("output file " + abs + ": " + existing + " is not a folder");
    }
    if (!OutputDirectory.canWrite(existing)) {
      throw new BadInputException("output file " + abs + ": cannot write in " + existing);
    }
  }

  /** Checks {@code target} and creates its staging file (and missing parent folders). */
  public static OutputFile begin(Path target, boolean overwrite) throws IOException {
    check(target, overwrite);
    Path abs = target.toAbsolutePath().normalize();
    Files.createDirectories(abs.getParent());
    Path staging = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".tmp-", "");
    return new OutputFile(abs, staging);
  }

  /** Where to write the content. */
  public Path staging() {
    return staging;
  }

  /** The final file. */
  public Path target() {
    return target;
  }

  /** Moves the staged file into place with one atomic rename. */
  public void commit() throws IOException {
    Files.move(
        staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
  }

  /** Deletes the staged file if the run did not commit. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      Files.deleteIfExists(staging);
    }
  }
}
