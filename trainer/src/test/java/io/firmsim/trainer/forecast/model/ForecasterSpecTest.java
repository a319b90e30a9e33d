package io.firmsim.trainer.forecast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ForecasterSpec}: JSON round trip per kind, defaults, refusals naming the key, build. */
class ForecasterSpecTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }

  @Test
  void everyKindRoundTripsThroughJson() throws Exception {
    List<ForecasterSpec> specs =
        List.of(
            ForecasterSpec.builder(ForecasterKind.NBEATS_GENERIC)
                .optStacks(3)
                .optBlocksPerStack(2)
                .optWidth(16)
                .optLayers(2)
                .optSharedWeights(true)
                .optLookbackMultiple(5)
                .optScaling(WindowScaling.MAX)
                .build(),
            ForecasterSpec.builder(ForecasterKind.NBEATS_INTERPRETABLE)
                .optTrendWidth(8)
                .optSeasonalityWidth(12)
                .optDegree(2)
                .optBlocksPerStack(1)
                .optSharedWeights(false)
                .optScaling(WindowScaling.LAST)
                .build(),
            ForecasterSpec.builder(ForecasterKind.LSTM).optHiddenSize(7).optLayers(2).build());
    for (ForecasterSpec s : specs) {
      String text = MAPPER.writeValueAsString(s.toJson());
      ForecasterSpec back = ForecasterSpec.fromJson(json(text));
      assertEquals(s, back);
      assertEquals(text, MAPPER.writeValueAsString(back.toJson()));
      assertEquals(ForecasterSpec.keys(s.kind()), iterate(back.toJson()));
    }
  }

  private static List<String> iterate(JsonNode n) {
    List<String> keys = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void absentSettingsTakeThePaperDefaults() throws Exception {
    ForecasterSpec g = ForecasterSpec.fromJson(json("{\"kind\":\"nbeats-generic\"}"));
    assertEquals(30, g.stacks());
    assertEquals(512, g.width());
    assertEquals(4, g.layers());
    assertEquals(1, g.blocksPerStack());
    ForecasterSpec i = ForecasterSpec.fromJson(json("{\"kind\":\"nbeats-interpretable\"}"));
    assertEquals(256, i.trendWidth());
    assertEquals(2048, i.seasonalityWidth());
    assertEquals(3, i.degree());
    assertTrue(i.sharedWeights());
    ForecasterSpec defaults =
        ForecasterSpec.builder(ForecasterKind.LSTM).optHiddenSize(9).optLookbackMultiple(3).build();
    ForecasterSpec l = ForecasterSpec.fromJson(json("{\"layers\":2}"), defaults);
    assertEquals(9, l.hiddenSize());
    assertEquals(3, l.lookbackMultiple());
    assertEquals(2, l.layers());
  }

  @Test
  void refusalsNameTheKey() throws Exception {
    assertKey("kind", "{\"width\":3}");
    assertKey("kind", "{\"kind\":\"transformer\"}");
    assertKey("hiddenSize", "{\"kind\":\"nbeats-generic\",\"hiddenSize\":3}");
    assertKey("widht", "{\"kind\":\"nbeats-generic\",\"widht\":3}");
    assertKey("width", "{\"kind\":\"nbeats-generic\",\"width\":0}");
    assertKey("width", "{\"kind\":\"nbeats-generic\",\"width\":1.5}");
    assertKey("width", "{\"kind\":\"nbeats-generic\",\"width\":\"8\"}");
    assertKey("sharedWeights", "{\"kind\":\"nbeats-generic\",\"sharedWeights\":1}");
    assertKey("degree", "{\"kind\":\"nbeats-interpretable\",\"degree\":-1}");
    assertKey("scaling", "{\"kind\":\"lstm\",\"scaling\":\"log\"}");
    assertKey("lookbackMultiple", "{\"kind\":\"lstm\",\"lookbackMultiple\":0}");
    ForecasterSpecException e =
        assertThrows(
            ForecasterSpecException.class,
            () -> ForecasterSpec.builder(ForecasterKind.LSTM).optWidth(3));
    assertEquals("width", e.key());
  }

  private static void assertKey(String key, String text) throws Exception {
    JsonNode node = json(text);
    ForecasterSpecException e =
        assertThrows(ForecasterSpecException.class, () -> ForecasterSpec.fromJson(node), text);
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
  }

  @Test
  void buildMakesTheDescribedBlock() {
    Block g =
        ForecasterSpec.builder(ForecasterKind.NBEATS_GENERIC)
            .optStacks(3)
            .optWidth(8)
            .optLookbackMultiple(3)
            .build()
            .build(4, 7);
    NBeatsBlock n = assertInstanceOf(NBeatsBlock.class, g);
    assertEquals(12, n.lookback());
    assertEquals(4, n.horizon());
    assertEquals(3, n.stacks().size());
    assertEquals(8, n.stacks().get(0).width());
    assertEquals(7, n.seed());
    NBeatsBlock i =
        (NBeatsBlock)
            ForecasterSpec.builder(ForecasterKind.NBEATS_INTERPRETABLE)
                .optTrendWidth(5)
                .optSeasonalityWidth(6)
                .optDegree(2)
                .build()
                .build(4, 1);
    assertEquals(StackKind.TREND, i.stacks().get(0).kind());
    assertEquals(2, i.stacks().get(0).degree());
    assertEquals(6, i.stacks().get(1).width());
    LstmForecaster l =
        (LstmForecaster)
            ForecasterSpec.builder(ForecasterKind.LSTM).optHiddenSize(5).build().build(3, 2);
    assertEquals(6, l.lookback());
    assertEquals(5, l.hiddenSize());
    assertThrows(
        IllegalArgumentException.class,
        () -> ForecasterSpec.builder(ForecasterKind.NBEATS_INTERPRETABLE).build().build(3, 1));
  }
}
