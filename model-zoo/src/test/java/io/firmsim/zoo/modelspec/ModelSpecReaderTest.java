package io.firmsim.zoo.modelspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.Feature;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelSpecReaderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode paperJson() throws Exception {
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      return (ObjectNode) MAPPER.readTree(in);
    }
  }

  @Test
  void paperModelLoadsWithTwentyFourEquationsInTableOrder() throws Exception {
    ModelSpec spec = PaperModel.load();
    assertEquals(24, spec.equations().size());
    JsonNode raw = paperJson();
    for (int i = 0; i < 24; i++) {
      EquationSpec e = spec.equations().get(i);
      JsonNode re = raw.get("equations").get(i);
      assertEquals(re.get("table").asInt(), e.table());
      assertEquals(re.get("target").asText(), e.target());
      assertEquals(re.get("method").asText(), e.method().name());
      for (SubmodelSpec s : e.submodels()) {
        JsonNode rs = re.get("submodels").get(s.name());
        assertEquals(rs.get("features").size(), s.features().size());
        for (int j = 0; j < s.features().size(); j++) {
          assertEquals(rs.get("features").get(j).asText(), s.features().get(j).name());
          assertEquals(rs.get("coefficients").get(j).asDouble(), s.coefficients()[j]);
        }
      }
    }
    assertEquals(0.28, spec.constants().taxRate());
    assertEquals(100000, spec.constants().minShareCapital());
  }

  @Test
  void dependencyDepthsFollowTheFeaturesEachEquationReads() {
    DependencyGraph g = PaperModel.load().dependencyGraph();
    // Every equation is deeper than each equation whose current-year output it reads.
    ModelSpec spec = PaperModel.load();
    for (EquationSpec e : spec.equations()) {
      for (SubmodelSpec s : e.submodels()) {
        for (Feature f : s.features()) {
          for (String src : f.sources()) {
            if (src.equals(Feature.MPA)) {
              continue;
            }
            int j = ModelSpec.TARGETS.indexOf(src);
            assertTrue(
                g.depthOf(e.table() - 1) > g.depthOf(j), e + " reads " + f + " of T" + (j + 1));
          }
        }
      }
    }
    assertEquals(0, g.depthOf(0)); // EDEPMA reads only lagged features
    assertEquals(1, g.depthOf(1)); // SMA reads EDEPMAt
    // ROT reads PALLO (sumallozpft) which needs MPA, which needs OTA, which needs TL...
    assertEquals(g.depthCount() - 1, g.depthOf(23));
    int total = 0;
    for (int d = 0; d < g.depthCount(); d++) {
      total += g.equationsAt(d).size();
    }
    assertEquals(24, total);
  }

  static Stream<Arguments> brokenModels() {
    return Stream.of(
        Arguments.of(
            "unknown feature",
            (Consumer<ObjectNode>)
                m -> ((ArrayNode) sub(m, 2, "latent").get("features")).set(0, "nosuchfeature"),
            "equation T3 (IMA), submodel 'latent': unknown feature 'nosuchfeature'"),
        Arguments.of(
            "coefficient count",
            (Consumer<ObjectNode>)
                m -> ((ArrayNode) sub(m, 0, "level").get("coefficients")).remove(0),
            "equation T1 (EDEPMA), submodel 'level': 21 features but 20 coefficients"),
        Arguments.of(
            "unknown method",
            (Consumer<ObjectNode>) m -> eq(m, 6).put("method", "OLS"),
            "equation T7 (DCA): unknown method 'OLS'"),
        Arguments.of(
            "missing submodel",
            (Consumer<ObjectNode>)
                m -> ((ObjectNode) eq(m, 1).get("submodels")).remove("level_neg"),
            "equation T2 (SMA): method MUNO needs submodel 'level_neg'"),
        Arguments.of(
            "wrong link",
            (Consumer<ObjectNode>) m -> sub(m, 7, "prob").put("link", "cloglog"),
            "equation T8 (DLL), submodel 'prob': method LLN needs link 'logit'"),
        Arguments.of(
            "unordered thresholds",
            (Consumer<ObjectNode>)
                m -> ((ArrayNode) sub(m, 1, "prob").get("intercepts")).set(0, 5.0),
            "equation T2 (SMA), submodel 'prob': ordinal thresholds must be ordered"),
        Arguments.of(
            "non-positive Tobit scale",
            (Consumer<ObjectNode>) m -> sub(m, 2, "latent").put("scale", -1.0),
            "equation T3 (IMA), submodel 'latent': Tobit scale must be positive"),
        Arguments.of(
            "dependency cycle",
            (Consumer<ObjectNode>)
                m -> ((ArrayNode) sub(m, 0, "level").get("features")).set(0, "IMAt"),
            "dependency cycle"),
        Arguments.of(
            "future format version",
            (Consumer<ObjectNode>) m -> m.put("formatVersion", 99),
            "unsupported model format version 99"),
        Arguments.of(
            "unknown key",
            (Consumer<ObjectNode>) m -> sub(m, 3, "prob").put("offset", 1.0),
            "equation T4 (EDEPBU), submodel 'prob': unknown key 'offset'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenModels")
  void brokenModelIsRejectedNamingEquationAndSubmodel(
      String label, Consumer<ObjectNode> breakIt, String expected) throws Exception {
    ObjectNode m = paperJson();
    breakIt.accept(m);
    ModelSpecException e =
        assertThrows(ModelSpecException.class, () -> ModelSpecReader.parse(m, "broken.json"));
    assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("broken.json"), e.getMessage());
  }

  private static ObjectNode eq(ObjectNode m, int index) {
    return (ObjectNode) m.get("equations").get(index);
  }

  private static ObjectNode sub(ObjectNode m, int index, String name) {
    return (ObjectNode) eq(m, index).get("submodels").get(name);
  }
}
