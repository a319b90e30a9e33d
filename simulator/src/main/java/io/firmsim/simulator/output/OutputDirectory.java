package io.firmsim.simulator.output;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An output folder that appears whole or not at all. A run writes its files into one staging folder
 * beside the target ({@code .NAME.tmp-*}); {@link #commit()} moves that folder into place with one
 * rename, so a reader never sees a panel without its aggregates, and a run that fails, is
 * interrupted or is killed leaves the target as it was:
 *
 * <ul>
 *   <li>{@link #check(Path, boolean)} refuses, before any work and with the path named, a target
 *       that is a file, has no parent (the root), sits in a folder that cannot be written, or is a
 *       non-empty folder (without {@code overwrite}), or is a non-empty folder that is not a
 *       previous firmsim output (with it: firmsim replaces its own outputs as a whole, never merges
 *       into other folders);
 *   <li>a shutdown hook removes the staging folders of this process on SIGINT or SIGTERM;
 *   <li>staging folders left by a process that no longer runs (kill -9) are removed by the next run
 *       that writes beside them; each holds an owner file with its process id.
 * </ul>
 *
 * <p>Every committed folder holds a marker file {@value #MARKER} (format version, command) that
 * identifies it as a firmsim output, so {@code --overwrite} can tell it from a user's folder.
 */
public final class OutputDirectory implements AutoCloseable {
  /** Marker file of a committed firmsim output folder. */
  public static final String MARKER = ".firmsim-output";

  /** Format version written into the marker. */
  public static final int MARKER_FORMAT_VERSION = 1;

  private static final String OWNER = ".owner";
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Path p : LIVE) {
                    deleteTreeQuietly(p);
                  }
                },
                "firmsim-staging-cleanup"));
  }

  private final Path target;
  private final Path staging;
  private final boolean overwrite;
  private final String command;
  private boolean committed;

  private OutputDirectory(Path target, Path staging, boolean overwrite, String command) {
    this.target = target;
    this.staging = staging;
    this.overwrite = overwrite;
    this.command = command;
  }

  /**
   * Checks an output location before any work is done; throws {@link BadInputException} naming the
   * location when it cannot be used (see the class comment).
   */
  public static void check(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null) {
      throw new BadInputException("output folder " + abs + " is the root: choose a folder in it");
    }
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new BadInputException("output folder " + abs + " exists and is a file");
    }
    Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new BadInputException("output folder " + abs + ": " + existing + " is not a folder");
    }
    if (!canWrite(existing)) {
      throw new BadInputException("output folder " + abs + ": cannot write in " + existing);
    }
    if (Files.isDirectory(abs) && !isEmpty(abs)) {
      if (!overwrite) {
        throw new BadInputException(
            "output folder "
                + abs
                + " exists and is not empty: choose another, or give --overwrite to replace a"
                + " previous firmsim output");
      }
      if (!Files.isRegularFile(abs.resolve(MARKER))) {
        throw new BadInputException(
            "output folder "
                + abs
                + " is not a firmsim output (no "
                + MARKER
                + "): --overwrite replaces only firmsim outputs; choose another folder");
      }
    }
  }

  /**
   * Checks {@code target} ({@link #check}), removes staging folders that dead runs left beside it,
   * and creates this run's staging folder.
   *
   * @param command the command writing the folder, recorded in the marker
   */
  public static OutputDirectory begin(Path target, boolean overwrite, String command)
      throws IOException {
    check(target, overwrite);
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    removeAbandoned(parent, abs.getFileName().toString());
    // Not createTempDirectory: its owner-only permissions would carry over to the output.
    Path staging = parent.resolve(stagingPrefix(abs) + UUID.randomUUID());
    Files.createDirectory(staging);
    LIVE.add(staging);
    Files.writeString(
        staging.resolve(OWNER),
        Long.toString(ProcessHandle.current().pid()) + "\n",
        StandardCharsets.UTF_8);
    return new OutputDirectory(abs, staging, overwrite, command);
  }

  /** Where to write a file that will end up as {@code target/name}. */
  public Path file(String name) {
    return staging.resolve(name);
  }

  /** The staging folder (for writers that create several files or folders). */
  public Path staging() {
    return staging;
  }

  /** The final folder. */
  public Path target() {
    return target;
  }

  /**
   * Moves the staging folder into place with one rename. A previous firmsim output at the target
   * (allowed only with {@code overwrite}) is first renamed aside and removed after the move.
   */
  public void commit() throws IOException {
    Files.deleteIfExists(staging.resolve(OWNER));
    Files.writeString(
        staging.resolve(MARKER),
        "{\"format\": \"firmsim-output\", \"formatVersion\": "
            + MARKER_FORMAT_VERSION
            + ", \"command\": \""
            + command
            + "\"}\n",
        StandardCharsets.UTF_8);
    Path aside = null;
    if (Files.isDirectory(target)) {
      if (isEmpty(target)) {
        Files.delete(target);
      } else {
        check(target, overwrite); // the folder may have changed during the run
        aside = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
      }
    } else if (Files.exists(target)) {
      throw new BadInputException("output folder " + target + " exists and is a file");
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      throw new BadInputException("output folder " + target + " appeared during the run", e);
    }
    committed = true;
    LIVE.remove(staging);
    if (aside != null) {
      deleteTree(aside);
    }
  }

  /** Deletes the staging folder if the run did not commit. */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    try {
      deleteTree(staging);
    } finally {
      LIVE.remove(staging);
    }
  }

  private static String stagingPrefix(Path abs) {
    return "." + abs.getFileName() + ".tmp-";
  }

  /** Removes staging folders of {@code name} whose owner process no longer runs. */
  private static void removeAbandoned(Path parent, String name) throws IOException {
    String prefix = "." + name + ".tmp-";
    String asidePrefix = "." + name + ".old-";
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (!Files.isDirectory(p)) {
          continue;
        }
        if (n.startsWith(prefix) && !ownerAlive(p)) {
          deleteTree(p);
        } else if (n.startsWith(asidePrefix)) {
          deleteTree(p);
        }
      }
    } catch (AccessDeniedException e) {
      // A folder we may not list: nothing of ours can be there.
    }
  }

  private static boolean ownerAlive(Path stagingFolder) {
    try {
      String text = Files.readString(stagingFolder.resolve(OWNER), StandardCharsets.UTF_8).trim();
      long pid = Long.parseLong(text);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NoSuchFileException e) {
      return false; // an owner file is written first thing; without one the run died at once
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether a file can be created in {@code dir}, found by creating and deleting one (permission
   * bits alone say nothing for root, nor for read-only mounts).
   */
  static boolean canWrite(Path dir) {
    try {
      Path probe = Files.createTempFile(dir, ".firmsim-probe-", ".tmp");
      Files.delete(probe);
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static boolean isEmpty(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Deletes a folder and everything below it (nothing if it does not exist). */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException("cannot remove " + p, e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }

  private static void deleteTreeQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (RuntimeException e) {
      // shutting down: a writer may still be adding files; nothing more can be done
    }
  }
}
