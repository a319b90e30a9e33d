package io.firmsim.simulator.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ModelRepositoryException;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model} resolves to the embedded model (no repository touched), a model file, an artifact
 * folder (verified), or a repository name ({@code paper} materialized on first use), and refuses
 * what it cannot use with a bad-input exception naming it.
 */
class ModelSourceTest {
  @TempDir Path tmp;

  static ModelSpec withProvenance() {
    ObjectNode json = ModelSpecWriter.toJson(PaperModel.load());
    json.putObject("provenance").put("seed", 9).put("trainer", "test");
    return ModelSpecReader.parse(json, "test");
  }

  static Path exportTo(Path dir, ModelSpec spec, String name, String version) throws IOException {
    Files.createDirectories(dir);
    ArtifactExporter.standard().export(spec, name, version, EnumSet.of(OnnxDType.FLOAT32), dir);
    return dir;
  }

  @Test
  void noModelIsTheEmbeddedPaperModelAndWritesNothing() {
    ResolvedModel r = ModelSource.resolve(null, tmp.resolve("repo"));
    assertTrue(r.isEmbedded());
    assertSame(PaperModel.load(), r.spec());
    assertTrue(r.recordEntry().isEmpty());
    assertFalse(Files.exists(tmp.resolve("repo")));
  }

  @Test
  void aFileIsAModelFileAndAFolderAnArtifact() throws IOException {
    ModelSpec spec = withProvenance();
    Path json = tmp.resolve("m.json");
    ModelSpecWriter.write(spec, json);
    ResolvedModel file = ModelSource.resolve(json.toString(), null);
    assertEquals(json, file.jsonFile().orElseThrow());
    assertEquals(spec.provenance(), file.spec().provenance());

    Path art = exportTo(tmp.resolve("art"), spec, "small", "4");
    for (String given : new String[] {art.toString(), art.resolve("metadata.json").toString()}) {
      ResolvedModel a = ModelSource.resolve(given, tmp.resolve("unused-repo"));
      assertEquals("small", a.artifact().orElseThrow().name());
      assertArrayEquals(ModelSpecWriter.bytes(spec), ModelSpecWriter.bytes(a.spec()));
      assertEquals("artifact", a.recordEntry().orElseThrow().get("source"));
      assertEquals("4", a.recordEntry().orElseThrow().get("version"));
    }
    assertFalse(Files.exists(tmp.resolve("unused-repo")));
  }

  @Test
  void aNameResolvesInTheRepositoryAndPaperIsMaterialized() throws IOException {
    Path repo = tmp.resolve("repo");
    exportTo(repo.resolve("small/2"), withProvenance(), "small", "2");
    exportTo(repo.resolve("small/11"), withProvenance(), "small", "11");
    assertEquals("11", ModelSource.resolve("small", repo).artifact().orElseThrow().version());
    assertEquals("2", ModelSource.resolve("small/2", repo).artifact().orElseThrow().version());

    ResolvedModel paper = ModelSource.resolve("paper", repo);
    assertEquals(repo.resolve("paper/1"), paper.artifact().orElseThrow().dir());
    assertArrayEquals(
        ModelSpecWriter.bytes(PaperModel.load()), ModelSpecWriter.bytes(paper.spec()));
    assertTrue(Files.isRegularFile(repo.resolve("paper/1/onnx/year-sample-float64.onnx")));
    assertTrue(Files.isRegularFile(repo.resolve("paper/1/onnx/T24-mean-float32.onnx")));

    ModelRepositoryException unknown =
        assertThrows(ModelRepositoryException.class, () -> ModelSource.resolve("big", repo));
    assertTrue(unknown.getMessage().contains("paper/1, small/2, small/11"), unknown.getMessage());
  }

  @Test
  void whatCannotBeUsedIsRefusedAsBadInputNamingIt() throws IOException {
    BadInputException missing =
        assertThrows(
            BadInputException.class,
            () -> ModelSource.resolve(tmp.resolve("none.json").toString(), null));
    assertTrue(missing.getMessage().contains("none.json"), missing.getMessage());
    assertThrows(
        BadInputException.class,
        () -> ModelSource.resolve(tmp.resolve("a/b/c").toString(), tmp.resolve("repo")));
    assertThrows(BadInputException.class, () -> ModelSource.resolve(" ", null));

    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{");
    ModelSpecException json =
        assertThrows(ModelSpecException.class, () -> ModelSource.resolve(bad.toString(), null));
    assertTrue(json.getMessage().contains(bad.toString()), json.getMessage());

    Path art = exportTo(tmp.resolve("art"), withProvenance(), "small", "1");
    Path params = art.resolve("djl/year-0000.params");
    byte[] b = Files.readAllBytes(params);
    b[b.length / 2] ^= 1;
    Files.write(params, b);
    ArtifactException damaged =
        assertThrows(ArtifactException.class, () -> ModelSource.resolve(art.toString(), null));
    assertEquals(params, damaged.file());
  }
}
