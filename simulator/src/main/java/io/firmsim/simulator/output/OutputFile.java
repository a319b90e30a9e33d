package io.firmsim.simulator.output;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A single output file (a fitted submodel, a model JSON) that appears whole or not at all: it is
 * written to a staging file beside the target ({@code .NAME.tmp-*}) and moved into place with one
 * atomic rename by {@link #commit()}; {@link #close()} without a commit deletes the staging file.
 * {@link #check(Path, boolean)} refuses, before any work and naming the path, a target that is a
 * folder, has no parent, sits in a folder that cannot be written, or exists (without {@code
 * overwrite}).
 *
 * <p>The staging file's name holds the id of the process writing it ({@code .NAME.tmp-PID-*}): the
 * shutdown hook of {@link OutputDirectory} removes it on SIGINT or SIGTERM, and the next {@link
 * #begin} beside it removes one whose process no longer runs (kill -9).
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
    String prefix = stagingPrefix(abs);
    removeAbandoned(abs.getParent(), prefix);
    Path staging =
        Files.createTempFile(abs.getParent(), prefix + ProcessHandle.current().pid() + "-", "");
    OutputDirectory.track(staging);
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
    OutputDirectory.untrack(staging);
  }

  private static String stagingPrefix(Path abs) {
    return "." + abs.getFileName() + ".tmp-";
  }

  /** Removes staging files of the target whose process no longer runs. */
  private static void removeAbandoned(Path parent, String prefix) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path p : entries) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            && !OutputDirectory.pidAlive(p.getFileName().toString().substring(prefix.length()))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (AccessDeniedException e) {
      // A folder we may not list: nothing of ours can be there.
    }
  }

  /** Deletes the staged file if the run did not commit. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      Files.deleteIfExists(staging);
      OutputDirectory.untrack(staging);
    }
  }
}
