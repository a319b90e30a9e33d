package io.firmsim.simulator.macro;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A set of macro paths read from a folder ({@code simulate --macro-paths DIR}): every regular file
 * of the folder whose name ends in {@code .csv} is one path in the format of {@link
 * MacroPathReader}, and the paths are ordered by file name (Java's {@link String#compareTo}, so
 * {@code path10.csv} sorts before {@code path2.csv}: pad numbers with zeros). Other files and
 * subfolders are ignored. A path's name is its file name without {@code .csv}.
 *
 * <p>The whole set is read before anything is simulated, so a broken file (the reader's message
 * names the file, the row and the column), an empty folder or a path that is not a folder is
 * reported as a {@link BadInputException} before any output exists.
 *
 * <p>Class is immutable.
 */
public final class MacroPathSet {
  /** One macro path of the set: its name (the file stem), its file and the path read from it. */
  public record Entry(String name, Path file, MacroPath path) {
    /** Checks that no part is missing. */
    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(path, "path");
    }
  }

  private static final String SUFFIX = ".csv";

  private final Path folder;
  private final List<Entry> entries;

  private MacroPathSet(Path folder, List<Entry> entries) {
    this.folder = folder;
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
  }

  /**
   * Reads every {@code *.csv} file of {@code folder}, each for the years {@code firstYear ..
   * firstYear + years - 1} (see {@link MacroPathReader#read}).
   *
   * @throws BadInputException if {@code folder} is not a folder or cannot be listed, holds no
   *     {@code *.csv} file, or one of its files is not a valid macro path
   */
  public static MacroPathSet read(Path folder, int firstYear, int years) {
    Objects.requireNonNull(folder, "folder");
    if (!Files.isDirectory(folder)) {
      throw new BadInputException(
          "--macro-paths "
              + folder
              + (Files.exists(folder) ? " is not a folder" : " does not exist")
              + ": give a folder of macro path files (year,dgnp,realr)");
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(folder)) {
      for (Path p : list) {
        if (p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new BadInputException("--macro-paths " + folder + " cannot be listed: " + e, e);
    }
    if (files.isEmpty()) {
      throw new BadInputException(
          "--macro-paths " + folder + " holds no *.csv file: give at least one macro path");
    }
    files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    List<Entry> entries = new ArrayList<>(files.size());
    for (Path f : files) {
      String n = f.getFileName().toString();
      if (n.length() == SUFFIX.length()) {
        throw new BadInputException(
            f + ": a macro path file needs a name before .csv (it names the path's output folder)");
      }
      entries.add(
          new Entry(
              n.substring(0, n.length() - SUFFIX.length()),
              f,
              MacroPathReader.read(f, firstYear, years)));
    }
    return new MacroPathSet(folder, entries);
  }

  /** The folder the paths were read from. */
  public Path folder() {
    return folder;
  }

  /** The paths, ordered by file name; never empty. */
  public List<Entry> entries() {
    return entries;
  }

  /** Number of paths. */
  public int size() {
    return entries.size();
  }
}
