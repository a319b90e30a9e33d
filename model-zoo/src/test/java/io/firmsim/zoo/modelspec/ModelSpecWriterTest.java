package io.firmsim.zoo.modelspec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.PaperModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model read and written again keeps its coefficients and its provenance block. */
class ModelSpecWriterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode paperWithProvenance() throws Exception {
    ObjectNode root;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      root = (ObjectNode) MAPPER.readTree(in);
    }
    ObjectNode p = root.putObject("provenance");
    p.putObject("data").put("panel", "panel.csv").put("sha256", "ab".repeat(32)).put("rows", 123);
    p.put("seed", 7).put("device", "cpu");
    p.putObject("firmsim").put("version", "0.1.0").put("commit", "c0ffee");
    root.putObject("fit").putArray("notEstimated").addObject().put("submodel", "SMA.prob");
    return root;
  }

  @Test
  void provenanceSurvivesReadWriteRead(@TempDir Path tmp) throws Exception {
    ObjectNode json = paperWithProvenance();
    ModelSpec read = ModelSpecReader.parse(json, "in");
    assertEquals(json.get("provenance"), read.provenance().orElseThrow());
    Path file = tmp.resolve("model.json");
    ModelSpecWriter.write(read, file);
    ModelSpec again = ModelSpecReader.read(file);
    assertEquals(json.get("provenance"), again.provenance().orElseThrow());
    assertEquals(json.get("fit"), again.fit().orElseThrow());
    JsonNode written = MAPPER.readTree(file.toFile());
    assertEquals(json.get("provenance"), written.get("provenance"));
    for (int k = 0; k < 24; k++) {
      for (SubmodelSpec s : read.equations().get(k).submodels()) {
        SubmodelSpec t = again.equations().get(k).submodel(s.name());
        assertEquals(s.features(), t.features());
        assertArrayEquals(s.coefficients(), t.coefficients());
        assertArrayEquals(s.intercepts(), t.intercepts());
        assertEquals(s.scale(), t.scale());
      }
    }
    // Writing is a fixed point: the second write gives the same bytes.
    assertArrayEquals(Files.readAllBytes(file), ModelSpecWriter.bytes(again));
  }

  @Test
  void provenanceIsACopy() throws Exception {
    ModelSpec read = ModelSpecReader.parse(paperWithProvenance(), "in");
    ((ObjectNode) read.provenance().orElseThrow()).put("seed", 99);
    assertEquals(7, read.provenance().orElseThrow().get("seed").asInt());
  }

  @Test
  void paperModelHasNoProvenanceAndANonObjectOneIsRefused() throws Exception {
    assertTrue(PaperModel.load().provenance().isEmpty());
    ObjectNode json = paperWithProvenance();
    json.put("provenance", "text");
    ModelSpecException e =
        assertThrows(ModelSpecException.class, () -> ModelSpecReader.parse(json, "bad.json"));
    assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("provenance"));
  }
}
