package io.firmsim.zoo.artifact;

import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The check every firmsim artifact folder shares (model, forecaster and embedding artifacts): the
 * folder holds exactly the files its metadata lists, each of the listed size and SHA-256, besides
 * the metadata file itself and the output marker {@value ArtifactReader#OUTPUT_MARKER}.
 *
 * <p>Sizes are compared first for every file, then the files are hashed (in a stream, so files of
 * hundreds of MB take constant memory): a changed size is found without reading the others.
 * Stateless and thread-safe.
 */
public final class ListedFiles {
  private ListedFiles() {}

  /**
   * The entry of a written file of an artifact: its path relative to {@code root}, its size and its
   * SHA-256.
   */
  public static ArtifactMetadata.FileEntry entry(Path root, String path) throws IOException {
    Path file = root.resolve(path);
    return new ArtifactMetadata.FileEntry(path, Files.size(file), Hashing.sha256(file));
  }

  /**
   * Verifies the folder {@code root} against the files its metadata lists.
   *
   * @param metadataFile the metadata's file name in {@code root}, which the folder also holds
   * @param files the listed files, paths relative to {@code root}
   * @param artifact what the folder is, for the message (e.g. "a forecaster artifact")
   * @throws ArtifactException naming the first file that is missing, not a regular file, of another
   *     size or SHA-256, or not listed
   */
  public static void verify(
      Path root, String metadataFile, List<ArtifactMetadata.FileEntry> files, String artifact) {
    for (ArtifactMetadata.FileEntry f : files) {
      Path file = root.resolve(f.path());
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new ArtifactException(
            file,
            (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "not a regular file" : "missing")
                + ", but listed in "
                + metadataFile);
      }
      try {
        long size = Files.size(file);
        if (size != f.bytes()) {
          throw new ArtifactException(
              file, "changed: " + size + " bytes, " + metadataFile + " lists " + f.bytes());
        }
      } catch (IOException e) {
        throw new ArtifactException(file, "cannot read: " + e.getMessage(), e);
      }
    }
    for (ArtifactMetadata.FileEntry f : files) {
      Path file = root.resolve(f.path());
      String sha;
      try {
        sha = Hashing.sha256(file);
      } catch (IOException e) {
        throw new ArtifactException(file, "cannot read: " + e.getMessage(), e);
      }
      if (!sha.equals(f.sha256())) {
        throw new ArtifactException(
            file, "changed: its SHA-256 is " + sha + ", " + metadataFile + " lists " + f.sha256());
      }
    }
    Set<Path> allowed = new HashSet<>();
    allowed.add(root.resolve(metadataFile));
    allowed.add(root.resolve(ArtifactReader.OUTPUT_MARKER));
    for (ArtifactMetadata.FileEntry f : files) {
      allowed.add(root.resolve(f.path()));
    }
    List<Path> extra;
    try (Stream<Path> walk = Files.walk(root)) {
      extra =
          walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .filter(p -> !allowed.contains(p))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      throw new ArtifactException(root, "cannot list the artifact folder: " + e.getMessage(), e);
    }
    if (!extra.isEmpty()) {
      throw new ArtifactException(
          extra.get(0),
          "not listed in "
              + metadataFile
              + (extra.size() > 1 ? " (nor are " + (extra.size() - 1) + " other files)" : "")
              + ": "
              + artifact
              + " holds only the files it lists");
    }
  }
}
