package io.firmsim.serving.testing;

import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Paper-model artifacts (float64 graphs only, to keep the tests fast) exported once per JVM and
 * version, and copied into each test's repository.
 */
public final class TestArtifacts {
  private static final Map<String, Path> EXPORTED = new HashMap<>();
  private static Path root;

  private TestArtifacts() {}

  /** Copies the paper artifact of {@code version} into {@code repo/paper/version}. */
  public static Path installPaper(Path repo, String version) throws IOException {
    Path source = exported(version);
    Path target = repo.resolve("paper").resolve(version);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.sorted().toList()) {
        Path t = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return target;
  }

  /** The exported artifact folder of {@code version} (do not modify). */
  public static synchronized Path exported(String version) throws IOException {
    Path dir = EXPORTED.get(version);
    if (dir == null) {
      if (root == null) {
        root = Files.createTempDirectory("firmsim-serving-artifacts");
        Path r = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(r)));
      }
      dir = Files.createDirectory(root.resolve("paper-" + version));
      ArtifactExporter.standard()
          .export(PaperModel.load(), "paper", version, EnumSet.of(OnnxDType.FLOAT64), dir);
      EXPORTED.put(version, dir);
    }
    return dir;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a temporary folder.
    }
  }
}
