package io.firmsim.zoo.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's root, its references ({@code NAME} is the highest version in numeric-aware
 * order, {@code NAME/VERSION} one version), its errors (listing what it holds), installation, and
 * the paper model materialized once, whole, even when two writers race.
 */
class ModelRepositoryTest {
  @TempDir Path tmp;

  @Test
  void rootIsExplicitThenEnvironmentThenHome() {
    Path home = Path.of("/home/someone");
    assertEquals(
        Path.of("/x"),
        ModelRepository.locate(Path.of("/x"), Map.of(ModelRepository.ENV, "/y"), home));
    assertEquals(
        Path.of("/y"), ModelRepository.locate(null, Map.of(ModelRepository.ENV, "/y"), home));
    assertEquals(
        home.resolve(".firmsim/models"),
        ModelRepository.locate(null, Map.of(ModelRepository.ENV, " "), home));
    assertEquals(home.resolve(".firmsim/models"), ModelRepository.locate(null, Map.of(), home));
  }

  @Test
  void versionOrderIsNumericAware() {
    List<String> expected =
        List.of("1", "1.0", "1.0.1", "1.2", "1.10", "1.beta", "2", "2-rc1", "10", "10a", "b");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.sort(ModelRepository.VERSION_ORDER);
    assertEquals(expected, shuffled);
    // against a plain string sort, which puts 10 before 2
    assertTrue(ModelRepository.VERSION_ORDER.compare("10", "2") > 0);
    assertTrue("10".compareTo("2") < 0);
  }

  @Test
  void nameResolvesToTheHighestVersionAndNameSlashVersionToThatOne() throws IOException {
    Path root = tmp.resolve("repo");
    ModelSpec spec = TestArtifacts.specWithProvenance();
    for (String v : List.of("2", "10", "9")) {
      TestArtifacts.write(root.resolve("small").resolve(v), spec, "small", v);
    }
    ModelRepository repo = new ModelRepository(root, new TestArtifacts.CountingBuilder(0));
    assertEquals("10", repo.resolve("small").version());
    assertEquals("9", repo.resolve("small/9").version());
    assertEquals(List.of("small/2", "small/9", "small/10"), repo.list());
    assertEquals(root.resolve("small/10"), repo.resolve("small").dir());

    ModelRepositoryException unknown =
        assertThrows(ModelRepositoryException.class, () -> repo.resolve("big"));
    assertTrue(unknown.getMessage().contains("no model 'big'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("small/2, small/9, small/10"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("paper"), unknown.getMessage());
    ModelRepositoryException version =
        assertThrows(ModelRepositoryException.class, () -> repo.resolve("small/3"));
    assertTrue(version.getMessage().contains("versions 2, 9, 10"), version.getMessage());
    for (String bad : List.of("../small", "small/../x", ".x", "a/b/c", "", "small/")) {
      assertThrows(ModelRepositoryException.class, () -> repo.resolve(bad), bad);
      assertFalse(ModelRepository.isReference(bad), bad);
    }
  }

  @Test
  void damagedArtifactInTheRepositoryIsRefusedNamingTheFile() throws IOException {
    Path root = tmp.resolve("repo");
    Path dir = root.resolve("small/1");
    TestArtifacts.write(dir, TestArtifacts.specWithProvenance(), "small", "1");
    Path params = dir.resolve(TestArtifacts.PARAMS);
    byte[] b = Files.readAllBytes(params);
    b[100] ^= 0x40;
    Files.write(params, b);
    ModelRepository repo = new ModelRepository(root, new TestArtifacts.CountingBuilder(0));
    ArtifactException e = assertThrows(ArtifactException.class, () -> repo.resolve("small"));
    assertEquals(params, e.file());
  }

  @Test
  void paperIsMaterializedOnceFromTheEmbeddedModel() throws IOException {
    Path root = tmp.resolve("repo");
    TestArtifacts.CountingBuilder builder = new TestArtifacts.CountingBuilder(0);
    ModelRepository repo = new ModelRepository(root, builder);
    assertTrue(repo.list().isEmpty());
    Artifact paper = repo.resolve("paper");
    assertEquals(root.resolve("paper/1"), paper.dir());
    assertArrayEquals(
        ModelSpecWriter.bytes(PaperModel.load()), Files.readAllBytes(paper.file("model.json")));
    assertEquals(List.of("paper/1"), repo.list());
    repo.resolve("paper/1");
    repo.resolve("paper");
    assertEquals(1, builder.calls.get(), "materialized more than once");
    assertEquals(List.of("1"), listNames(root.resolve("paper")), "staging left behind");
  }

  @Test
  void twoWritersRacingForThePaperModelBothGetOneWholeArtifact() throws Exception {
    Path root = tmp.resolve("repo");
    TestArtifacts.CountingBuilder builder = new TestArtifacts.CountingBuilder(200);
    int writers = 3;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Artifact>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return new ModelRepository(root, builder).resolve("paper");
                }));
      }
      for (Future<Artifact> f : results) {
        assertEquals(root.resolve("paper/1"), f.get().dir());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(writers, builder.calls.get(), "the writers did not race");
    assertEquals(List.of("1"), listNames(root.resolve("paper")), "staging left behind");
    ArtifactReader.open(root.resolve("paper/1"));
  }

  @Test
  void abandonedStagingFoldersOfDeadProcessesAreRemoved() throws IOException {
    Path root = tmp.resolve("repo");
    long deadPid = ProcessHandle.current().pid() + 1_000_000_000L;
    Path abandoned = root.resolve("paper/.1.tmp-" + deadPid + "-x");
    Files.createDirectories(abandoned);
    Files.writeString(abandoned.resolve("model.json"), "half");
    new ModelRepository(root, new TestArtifacts.CountingBuilder(0)).resolve("paper");
    assertEquals(List.of("1"), listNames(root.resolve("paper")));
  }

  @Test
  void installCopiesAVerifiedArtifactAndRefusesToReplaceOne() throws IOException {
    Path out = tmp.resolve("exported");
    ModelSpec spec = TestArtifacts.specWithProvenance();
    TestArtifacts.write(out, spec, "trained", "3");
    Files.writeString(out.resolve(ArtifactReader.OUTPUT_MARKER), "{}\n");
    ModelRepository repo =
        new ModelRepository(tmp.resolve("repo"), new TestArtifacts.CountingBuilder(0));
    Artifact installed = repo.install(ArtifactReader.open(out));
    assertEquals(tmp.resolve("repo/trained/3"), installed.dir());
    assertEquals(spec.provenance(), repo.resolve("trained").provenance());
    assertFalse(Files.exists(installed.dir().resolve(ArtifactReader.OUTPUT_MARKER)));
    ModelRepositoryException again =
        assertThrows(ModelRepositoryException.class, () -> repo.install(ArtifactReader.open(out)));
    assertTrue(again.getMessage().contains("already holds trained/3"), again.getMessage());
  }

  @Test
  void withoutABuilderServiceThePaperModelCannotBeBuiltAndSaysWhy() {
    // model-zoo alone has no ArtifactBuilder on its class path
    ModelRepository repo = new ModelRepository(tmp.resolve("repo"));
    ModelRepositoryException e =
        assertThrows(ModelRepositoryException.class, () -> repo.resolve("paper"));
    assertTrue(e.getMessage().contains("ArtifactBuilder"), e.getMessage());
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
