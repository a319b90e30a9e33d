package io.firmsim.zoo.artifact;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Finishes an artifact whose files have been written: hashes each of them (streamed, so files of
 * any size take constant memory) and writes {@value ArtifactMetadata#FILE} last, listing them. A
 * reader that finds the metadata therefore finds every file it lists complete; writers put the
 * folder in place only afterwards (a staging folder renamed, or {@code OutputDirectory}).
 *
 * <p>Stateless and thread-safe.
 */
public final class ArtifactWriter {
  private ArtifactWriter() {}

  /**
   * Lists the files and writes the metadata.
   *
   * @param dir the artifact folder, holding the files
   * @param metadata everything but the file list (its {@code files} are replaced)
   * @param files the paths of the artifact's files relative to {@code dir}, {@code /}-separated;
   *     {@value ArtifactMetadata#MODEL_FILE} must be among them
   * @return the metadata as written, with the file list sorted by path
   * @throws IOException when a file cannot be read or the metadata cannot be written
   * @throws IllegalArgumentException when the metadata or the file list is inconsistent (a bug of
   *     the caller: a path listed twice or not a plain relative path, a missing file, a format
   *     other than this build's)
   */
  public static ArtifactMetadata write(Path dir, ArtifactMetadata metadata, List<String> files)
      throws IOException {
    Objects.requireNonNull(dir, "dir");
    if (!ArtifactMetadata.FORMAT.equals(metadata.format())
        || metadata.formatVersion() != ArtifactMetadata.FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "metadata must be format "
              + ArtifactMetadata.FORMAT
              + " version "
              + ArtifactMetadata.FORMAT_VERSION
              + ", found "
              + metadata.format()
              + " version "
              + metadata.formatVersion());
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String path : files) {
      if (!ArtifactJson.validListedPath(path)) {
        throw new IllegalArgumentException("not a listable artifact path: '" + path + "'");
      }
      if (!sorted.add(path)) {
        throw new IllegalArgumentException("artifact path listed twice: " + path);
      }
    }
    if (!sorted.contains(ArtifactMetadata.MODEL_FILE)) {
      throw new IllegalArgumentException("an artifact needs " + ArtifactMetadata.MODEL_FILE);
    }
    List<ArtifactMetadata.FileEntry> entries = new ArrayList<>();
    for (String path : sorted) {
      Path file = dir.resolve(path);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("artifact file " + file + " was not written");
      }
      entries.add(new ArtifactMetadata.FileEntry(path, Files.size(file), Hashing.sha256(file)));
    }
    entries.sort(Comparator.comparing(ArtifactMetadata.FileEntry::path));
    ArtifactMetadata unsealed = metadata.withFiles(entries, ArtifactMetadata.CHECKSUM_PLACEHOLDER);
    String text = new String(ArtifactJson.MAPPER.writeValueAsBytes(unsealed), UTF_8);
    String checksum = Hashing.sha256(text);
    ArtifactMetadata complete = unsealed.withFiles(entries, checksum);
    Files.write(dir.resolve(ArtifactMetadata.FILE), ArtifactJson.seal(text, checksum));
    return complete;
  }
}
