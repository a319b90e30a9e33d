package io.firmsim.zoo.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An artifact written by {@link ArtifactWriter} opens with its metadata, model and provenance as
 * written; every kind of damage (a changed byte in any file, a truncated, missing or extra file, an
 * unknown format version, an invalid model) is refused with an {@link ArtifactException} (a {@link
 * ModelSpecException}, exit 2) naming the file.
 */
class ArtifactReaderTest {
  @TempDir Path tmp;
  private Path dir;
  private ModelSpec spec;

  @BeforeEach
  void write() throws IOException {
    dir = tmp.resolve("art");
    spec = TestArtifacts.specWithProvenance();
    TestArtifacts.write(dir, spec, "small", "1.2");
  }

  @Test
  void opensWhatWasWrittenWithProvenance() throws IOException {
    Artifact a = ArtifactReader.open(dir);
    assertEquals("small", a.name());
    assertEquals("1.2", a.version());
    assertEquals(dir.toAbsolutePath().normalize(), a.dir());
    // The provenance survives: the same tree in the model and in the metadata as in the spec.
    JsonNode expected = spec.provenance().orElseThrow();
    assertEquals(expected, a.provenance().orElseThrow());
    assertEquals(expected, a.metadata().provenance());
    assertEquals(42, a.provenance().orElseThrow().get("seed").asInt());
    assertArrayEquals(ModelSpecWriter.bytes(spec), ModelSpecWriter.bytes(a.spec()));
    // Listed sizes and hashes are the files' own, computed here independently.
    assertEquals(4, a.metadata().files().size());
    for (ArtifactMetadata.FileEntry f : a.metadata().files()) {
      byte[] content = Files.readAllBytes(dir.resolve(f.path()));
      assertEquals(content.length, f.bytes(), f.path());
      assertEquals(Hashing.sha256(content), f.sha256(), f.path());
    }
    // The metadata reads back to an equal record, on disk in the documented shape.
    JsonNode tree = TestArtifacts.mapper().readTree(dir.resolve("metadata.json").toFile());
    assertEquals("firmsim-model-artifact", tree.get("format").asText());
    assertEquals(1, tree.get("formatVersion").asInt());
    assertEquals("N", tree.at("/onnx/graphs/0/inputs/0/shape/0").asText());
    assertEquals(StateVariable.count(), tree.at("/onnx/graphs/0/inputs/0/shape/1").asInt());
    assertEquals(a.metadata(), ArtifactReader.open(dir).metadata());
  }

  @Test
  void aChangedByteInEveryFileIsRefusedNamingThatFile() throws IOException {
    List<Path> files = allFiles(dir);
    assertEquals(5, files.size(), files.toString()); // 4 listed + metadata.json
    for (Path file : files) {
      for (int position : positions(Files.size(file))) {
        byte[] original = Files.readAllBytes(file);
        byte[] changed = original.clone();
        changed[position] ^= 0x01;
        Files.write(file, changed);
        try {
          ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
          assertEquals(file, e.file(), "byte " + position + " of " + file + ": " + e.getMessage());
          assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        } finally {
          Files.write(file, original);
        }
      }
    }
    ArtifactReader.open(dir); // restored: opens again
  }

  @Test
  void truncatedFileIsRefusedNamingIt() throws IOException {
    Path params = dir.resolve(TestArtifacts.PARAMS);
    byte[] b = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(b, b.length - 1));
    ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(params, e.file());
    assertTrue(
        e.getMessage().contains("4095 bytes") && e.getMessage().contains("4096"), e.getMessage());
  }

  @Test
  void missingFileIsRefusedNamingIt() throws IOException {
    Path onnx = dir.resolve(TestArtifacts.YEAR_ONNX);
    Files.delete(onnx);
    ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(onnx, e.file());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void unlistedFilesAreRefusedNamingThemButTheOutputMarkerIsAllowed() throws IOException {
    Files.writeString(dir.resolve(ArtifactReader.OUTPUT_MARKER), "{}\n");
    ArtifactReader.open(dir);
    for (String extra : List.of("notes.txt", ".hidden", "onnx/T02-mean-float64.onnx", "x/y/z")) {
      Path file = dir.resolve(extra);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "extra");
      ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
      assertEquals(file, e.file(), e.getMessage());
      assertTrue(e.getMessage().contains("not listed"), e.getMessage());
      Files.delete(file);
    }
    // An empty sub-folder holds no file: nothing to refuse.
    Files.createDirectories(dir.resolve("empty"));
    ArtifactReader.open(dir);
  }

  @Test
  void missingOrUnparseableMetadataIsRefused() throws IOException {
    Path meta = dir.resolve("metadata.json");
    byte[] original = Files.readAllBytes(meta);
    Files.writeString(meta, "{ not json");
    ArtifactException bad = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(meta, bad.file());
    assertTrue(bad.getMessage().contains("not valid JSON"), bad.getMessage());
    Files.delete(meta);
    ArtifactException missing = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(meta, missing.file());
    assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
    Files.write(meta, original);
    ArtifactReader.open(dir);
    ArtifactException noFolder =
        assertThrows(ArtifactException.class, () -> open(tmp.resolve("nothing")));
    assertEquals(tmp.resolve("nothing"), noFolder.file());
  }

  @Test
  void unknownFormatVersionAndFormatAreRefusedEvenWithAMatchingChecksum() throws IOException {
    rewriteMetadata(m -> m.put("formatVersion", 2));
    ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(dir.resolve("metadata.json"), e.file());
    assertTrue(e.getMessage().contains("unsupported artifact format version 2"), e.getMessage());
    rewriteMetadata(m -> m.put("formatVersion", 1).put("format", "something-else"));
    ArtifactException f = assertThrows(ArtifactException.class, () -> open(dir));
    assertTrue(f.getMessage().contains("format must be 'firmsim-model-artifact'"), f.getMessage());
    rewriteMetadata(m -> m.put("format", "firmsim-model-artifact").put("extraKey", 1));
    ArtifactException k = assertThrows(ArtifactException.class, () -> open(dir));
    assertTrue(k.getMessage().contains("extraKey"), k.getMessage());
  }

  @Test
  void invalidModelFileIsRefusedNamingIt() throws IOException {
    // A model file with valid hashes but no valid model: written and listed as such.
    Path other = tmp.resolve("other");
    TestArtifacts.write(other, spec, "small", "1");
    Path model = other.resolve("model.json");
    Files.writeString(model, "{\"name\": \"x\"}");
    ArtifactWriter.write(
        other,
        ArtifactReader.readMetadata(other.resolve("metadata.json")),
        List.of(
            "model.json",
            TestArtifacts.PARAMS,
            TestArtifacts.YEAR_ONNX,
            TestArtifacts.EQUATION_ONNX));
    ArtifactException e = assertThrows(ArtifactException.class, () -> open(other));
    assertEquals(model.toAbsolutePath().normalize(), e.file());
  }

  @Test
  void provenanceThatDisagreesWithTheModelIsRefused() throws IOException {
    rewriteMetadata(m -> ((ObjectNode) m.get("provenance")).put("seed", 43));
    ArtifactException e = assertThrows(ArtifactException.class, () -> open(dir));
    assertEquals(dir.resolve("metadata.json"), e.file());
    assertTrue(e.getMessage().contains("provenance"), e.getMessage());
  }

  @Test
  void refusalsAreModelSpecExceptions() {
    assertTrue(ModelSpecException.class.isAssignableFrom(ArtifactException.class));
    assertTrue(ModelSpecException.class.isAssignableFrom(ModelRepositoryException.class));
  }

  /** Edits the metadata's JSON and seals it again with a valid checksum. */
  private void rewriteMetadata(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path meta = dir.resolve("metadata.json");
    ObjectNode tree = (ObjectNode) TestArtifacts.mapper().readTree(meta.toFile());
    edit.accept(tree);
    tree.put("checksum", ArtifactMetadata.CHECKSUM_PLACEHOLDER);
    String text = TestArtifacts.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    Files.write(meta, ArtifactJson.seal(text, Hashing.sha256(text)));
  }

  private static Artifact open(Path dir) {
    return ArtifactReader.open(dir);
  }

  private static List<Path> allFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    return files;
  }

  /** A few positions of a file: first, last, and spread between. */
  private static int[] positions(long size) {
    int n = (int) size;
    return new int[] {0, n / 3, n / 2, (2 * n) / 3, n - 1};
  }

  static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
