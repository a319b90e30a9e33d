package io.firmsim.simulator.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a run's output files into a temporary directory beside the target and moves them into the
 * target only when the run succeeds ({@link #commit()}); on failure ({@link #close()} without
 * commit) the temporary directory is deleted and the target is left as it was. The temporary
 * directory sits next to the target so that the final moves stay on one file system and are atomic
 * per file.
 */
public final class OutputDirectory implements AutoCloseable {
  private final Path target;
  private final Path staging;
  private boolean committed;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Creates the staging directory for {@code target}. */
  public static OutputDirectory begin(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException(abs + " exists and is not a directory");
    }
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
    return new OutputDirectory(abs, staging);
  }

  /** Where to write a file that will end up as {@code target/name}. */
  public Path file(String name) {
    return staging.resolve(name);
  }

  /** The final directory. */
  public Path target() {
    return target;
  }

  /** Moves every staged file into the target directory (created if needed). */
  public void commit() throws IOException {
    Files.createDirectories(target);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path f : files) {
        Files.move(
            f,
            target.resolve(f.getFileName().toString()),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Files.delete(staging);
    committed = true;
  }

  /** Deletes the staging directory if the run did not commit. */
  @Override
  public void close() {
    if (committed || !Files.exists(staging)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      walk.sorted(Comparator.reverseOrder()).forEach(OutputDirectory::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove staging directory " + staging, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p, e);
    }
  }
}
