package io.firmsim.zoo.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantile bins of a column (point masses, constants, infinite tails), the profile block's round
 * trip through a model file, and its refusal when damaged or of an unknown version.
 */
class ReferenceProfileTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A profile of the paper model's year and equations T01, T03 from random columns. */
  static ReferenceProfile randomProfile(ModelSpec spec, long seed, int rows) {
    Random rnd = new Random(seed);
    List<GraphProfile> graphs = new ArrayList<>();
    List<FeatureProfile> year = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      year.add(FeatureProfile.fromValues(v.name(), gaussian(rnd, rows), 10));
    }
    graphs.add(new GraphProfile("year", "state", year));
    for (int t : new int[] {3, 1}) {
      EquationSpec e = spec.equations().get(t - 1);
      List<FeatureProfile> fs = new ArrayList<>();
      for (String f : ReferenceProfile.equationFeatures(e)) {
        fs.add(FeatureProfile.fromValues(f, gaussian(rnd, rows), 10));
      }
      graphs.add(new GraphProfile(ReferenceProfile.equationGraph(t), "features", fs));
    }
    return ReferenceProfile.of(10, graphs);
  }

  private static double[] gaussian(Random rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextGaussian() * 1000;
    }
    return v;
  }

  @Test
  void decilesOfOneToHundredCutAtTensAndHoldTenPercentEach() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      v[99 - i] = i + 1; // reversed: order must not matter
    }
    FeatureProfile p = FeatureProfile.fromValues("x", v, 10);
    assertArrayEquals(new double[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, p.edges());
    double[] tenth = new double[10];
    java.util.Arrays.fill(tenth, 0.1);
    assertArrayEquals(tenth, p.proportions(), 1e-15);
    assertEquals(100, p.count());
    // Upper-inclusive bins, open tails.
    assertEquals(0, p.bin(Double.NEGATIVE_INFINITY));
    assertEquals(0, p.bin(10));
    assertEquals(1, p.bin(10.000001));
    assertEquals(9, p.bin(90.5));
    assertEquals(9, p.bin(Double.POSITIVE_INFINITY));
    assertEquals(9, p.bin(Double.NaN));
  }

  @Test
  void pointMassGetsOneBinAndConstantColumnTwo() {
    // 60 zeros and 40 distinct positives: the cut points at 10%..60% merge into one at 0.
    double[] v = new double[100];
    for (int i = 60; i < 100; i++) {
      v[i] = i;
    }
    FeatureProfile p = FeatureProfile.fromValues("x", v, 10);
    assertEquals(0.0, p.edges()[0]);
    assertEquals(0.6, p.proportions()[0], 1e-15);
    assertEquals(p.binCount(), p.edges().length + 1);
    assertEquals(5, p.binCount()); // 0 | 69 | 79 | 89 | rest
    double sum = 0;
    for (double x : p.proportions()) {
      sum += x;
    }
    assertEquals(1.0, sum, 1e-12);

    FeatureProfile c = FeatureProfile.fromValues("c", new double[] {7, 7, 7, 7}, 10);
    assertArrayEquals(new double[] {7}, c.edges());
    assertArrayEquals(new double[] {1, 0}, c.proportions());
    assertEquals(1, c.bin(7.5));

    // Infinite values take no cut point; they sit in the open tails.
    FeatureProfile inf =
        FeatureProfile.fromValues(
            "i", new double[] {Double.NEGATIVE_INFINITY, 1, 2, 3, Double.POSITIVE_INFINITY}, 5);
    // -inf is the lowest cut candidate and is dropped: (-inf, 1] holds -inf and 1.
    assertArrayEquals(new double[] {1, 2, 3}, inf.edges());
    assertArrayEquals(new double[] {0.4, 0.2, 0.2, 0.2}, inf.proportions(), 1e-15);
  }

  @Test
  void profileSurvivesModelWriteAndReadExactly(@TempDir Path tmp) {
    ModelSpec paper = PaperModel.load();
    assertTrue(paper.referenceProfile().isEmpty());
    ReferenceProfile profile = randomProfile(paper, 1, 500);
    ModelSpec with = paper.withReferenceProfile(profile);
    Path file = tmp.resolve("model.json");
    try {
      ModelSpecWriter.write(with, file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ModelSpec again = ModelSpecReader.read(file);
    assertEquals(profile, again.referenceProfile().orElseThrow());
    assertEquals(List.of("year", "T01", "T03"), graphNames(again.referenceProfile().get()));
    assertArrayEquals(
        ModelSpecWriter.bytes(with), ModelSpecWriter.bytes(again), "writing is a fixed point");
    assertTrue(again.referenceProfile().get().graph("T02").isEmpty());
  }

  private static List<String> graphNames(ReferenceProfile p) {
    List<String> out = new ArrayList<>();
    p.graphs().forEach(g -> out.add(g.graph()));
    return out;
  }

  private static String refusal(Path dir, Consumer<ObjectNode> damage) throws Exception {
    ModelSpec with =
        PaperModel.load().withReferenceProfile(randomProfile(PaperModel.load(), 2, 50));
    ObjectNode root = ModelSpecWriter.toJson(with);
    damage.accept((ObjectNode) root.get("referenceProfile"));
    Path file = dir.resolve("model.json");
    Files.write(file, MAPPER.writeValueAsBytes(root));
    ModelSpecException e = assertThrows(ModelSpecException.class, () -> ModelSpecReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
    return e.getMessage();
  }

  private static ObjectNode firstYearColumn(ObjectNode p) {
    return (ObjectNode) p.get("graphs").get("year").get("features").get(0);
  }

  @Test
  void damagedOrUnknownProfilesAreRefusedNamingFileAndKey(@TempDir Path tmp) throws Exception {
    assertTrue(
        refusal(tmp, p -> p.put("formatVersion", 2))
            .contains("referenceProfile.formatVersion: unsupported reference profile format"));
    assertTrue(refusal(tmp, p -> p.put("format", "other")).contains("referenceProfile.format"));
    assertTrue(
        refusal(tmp, p -> p.put("colour", 1)).contains("referenceProfile: unknown key 'colour'"));
    assertTrue(
        refusal(tmp, p -> firstYearColumn(p).put("extra", 1))
            .contains("referenceProfile.graphs.year.features[0]: unknown key 'extra'"));
    assertTrue(
        refusal(tmp, p -> ((ArrayNode) firstYearColumn(p).get("proportions")).set(0, 0.99))
            .contains("referenceProfile.graphs.year.features[0] (CA): 'proportions' sum to"));
    assertTrue(
        refusal(tmp, p -> ((ArrayNode) firstYearColumn(p).get("edges")).set(1, -1e9))
            .contains("'edges' must increase strictly"));
    assertTrue(
        refusal(tmp, p -> ((ArrayNode) firstYearColumn(p).get("edges")).remove(0))
            .contains("'proportions' needs"));
    assertTrue(
        refusal(tmp, p -> firstYearColumn(p).put("count", 0))
            .contains("'count' must be at least 1"));
    assertTrue(
        refusal(tmp, p -> ((ObjectNode) p.get("graphs")).set("T25", MAPPER.createObjectNode()))
            .contains("referenceProfile.graphs.T25: unknown graph"));
    // Columns that are not the graph's input columns (here: two swapped).
    String swapped =
        refusal(
            tmp,
            p -> {
              ArrayNode fs = (ArrayNode) p.get("graphs").get("T03").get("features");
              var first = fs.get(0);
              fs.set(0, fs.get(1));
              fs.set(1, first);
            });
    assertTrue(swapped.contains("referenceProfile.graphs.T03: columns"), swapped);
    assertFalse(swapped.contains("Exception"), swapped);
  }
}
