package io.firmsim.simulator.output;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 *   <li>a shutdown hook removes the staging folders of this process on SIGINT or SIGTERM. Other
 *       threads keep running while shutdown hooks run, so a writer may still be adding to the
 *       folder: the hook first renames it (a writer's next file then fails to open, files already
 *       open are written into the renamed folder and unlinked with it) and then deletes it,
 *       repeating until it is gone;
 *   <li>staging folders left by a process that no longer runs (kill -9) are removed by the next run
 *       that writes beside them; each holds an owner file with its process id. A previous output
 *       that a dead run had moved aside to replace it, without moving the new one in, is moved
 *       back.
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

  /**
   * Longest accepted name of the output folder: the staging folder's name adds 59 characters
   * ({@code .NAME.tmp-UUID.removing}) and most file systems allow 255.
   */
  private static final int MAX_NAME = 196;

  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  /** Attempts of the shutdown hook to remove a staging folder that writers still fill. */
  private static final int HOOK_ATTEMPTS = 50;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(OutputDirectory::removeLive, "firmsim-staging-cleanup"));
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
    if (abs.getFileName().toString().length() > MAX_NAME) {
      throw new BadInputException(
          "output folder "
              + abs
              + ": the name is longer than "
              + MAX_NAME
              + " characters (the staging folder beside it adds "
              + (255 - MAX_NAME)
              + " to it)");
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
    removeAbandoned(abs);
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
        aside =
            target.resolveSibling(
                asidePrefix(target.getFileName().toString())
                    + ProcessHandle.current().pid()
                    + "-"
                    + UUID.randomUUID());
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
      try {
        deleteTree(aside);
      } catch (UncheckedIOException e) {
        // The new output is in place; the next run beside it removes what is left of the old one.
      }
    }
  }

  /** Deletes the staging folder if the run did not commit. Never throws. */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    // What cannot be removed now (a file still held) is removed by the next run beside it.
    deleteWithRetries(staging, 5);
    LIVE.remove(staging);
  }

  private static String stagingPrefix(Path abs) {
    return "." + abs.getFileName() + ".tmp-";
  }

  private static String asidePrefix(String name) {
    return "." + name + ".old-";
  }

  /**
   * Cleans up after runs that died beside {@code target} (kill -9, a crash): removes their staging
   * folders, and of the previous outputs they had moved aside, moves one back when the target is
   * missing (the run died between its two renames) and removes the others.
   */
  private static void removeAbandoned(Path target) throws IOException {
    Path parent = target.getParent();
    String name = target.getFileName().toString();
    String prefix = stagingPrefix(target);
    String asidePrefix = asidePrefix(name);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (n.startsWith(prefix) && !ownerAlive(p)) {
          deleteTree(p);
        } else if (n.startsWith(asidePrefix) && !pidAlive(n.substring(asidePrefix.length()))) {
          if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
          } else {
            deleteTree(p);
          }
        }
      }
    } catch (AccessDeniedException e) {
      // A folder we may not list: nothing of ours can be there.
    }
  }

  /** Whether the process whose id starts {@code text} (digits, then anything) still runs. */
  static boolean pidAlive(String text) {
    int end = 0;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    if (end == 0) {
      return false;
    }
    try {
      return ProcessHandle.of(Long.parseLong(text.substring(0, end)))
          .map(ProcessHandle::isAlive)
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
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
      throw new BadInputException("output folder " + dir + " cannot be read: " + e, e);
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

  /**
   * The shutdown hook: removes every staging folder of this process. Each is first renamed (so that
   * no writer can create a file in it any more) and then deleted, again and again while a writer
   * still adds to it, for at most {@value #HOOK_ATTEMPTS} attempts.
   */
  /** Has the shutdown hook remove {@code staging} (a folder or a file) if the JVM stops. */
  static void track(Path staging) {
    LIVE.add(staging);
  }

  /** Undoes {@link #track}: the staging path was committed or removed. */
  static void untrack(Path staging) {
    LIVE.remove(staging);
  }

  static void removeLive() {
    for (Path p : LIVE) {
      Path doomed = p.resolveSibling(p.getFileName() + ".removing");
      try {
        Files.move(p, doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        doomed = p; // already gone (committed or closed), or cannot be renamed: delete in place
      }
      deleteWithRetries(doomed, HOOK_ATTEMPTS);
      LIVE.remove(p);
    }
  }

  /** Deletes {@code root} and everything below it, retrying while something gets in the way. */
  static boolean deleteWithRetries(Path root, int attempts) {
    for (int i = 0; i < attempts; i++) {
      try {
        deleteTree(root);
      } catch (RuntimeException e) {
        // a file appeared or vanished during the walk: try again
      }
      if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
