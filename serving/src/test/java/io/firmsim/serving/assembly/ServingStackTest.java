package io.firmsim.serving.assembly;

import static io.firmsim.serving.testing.SimulationFixtures.assertAggregatesEqual;
import static io.firmsim.serving.testing.SimulationFixtures.cli;
import static io.firmsim.serving.testing.SimulationFixtures.csv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.serving.batching.BatchPolicy;
import io.firmsim.serving.http.InferenceServer;
import io.firmsim.serving.simulation.SimulationLimits;
import io.firmsim.serving.testing.Http;
import io.firmsim.serving.testing.Http.Answer;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server {@code firmsim serve} runs, end to end on a loopback port: concurrent single-row
 * requests are merged into batches and answer exactly what the same requests answer on a server
 * without batching; an input window like the training data keeps every feature's PSI under 0.1 and
 * a shifted one pushes the shifted feature's over 0.25 (in the drift report and the gauges); the
 * simulate endpoint answers the command's aggregates bit for bit.
 *
 * <p>The model: the paper model with a reference profile of its year graph made from 4,000 start-up
 * firms (seed 1), exported in float64.
 */
class ServingStackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String YEAR = "m-year-mean-float64";
  private static final int S = StateVariable.count();
  private static final int REQUESTS = 16;
  private static final int WINDOW = 1000;

  @TempDir static Path tmp;
  private static InferenceServer batched;
  private static InferenceServer plain;
  private static Http batchedHttp;
  private static Http plainHttp;

  @BeforeAll
  static void start() throws Exception {
    ModelSpec paper = PaperModel.load();
    Population reference = new StartupPopulation(1, 4000, paper.constants()).slice(0, 4000);
    List<FeatureProfile> year = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      year.add(FeatureProfile.fromValues(v.name(), column(reference, v), 10));
    }
    ModelSpec spec =
        paper.withReferenceProfile(
            ReferenceProfile.of(10, List.of(new GraphProfile("year", "state", year))));
    Path dir = Files.createDirectories(tmp.resolve("repo/m/1"));
    ArtifactExporter.standard().export(spec, "m", "1", EnumSet.of(OnnxDType.FLOAT64), dir);

    // Requests wait up to 5 s for others until REQUESTS rows are there: the concurrent ones merge.
    batched =
        ServingStack.build(
            builder(),
            Optional.of(new BatchPolicy(REQUESTS, Duration.ofSeconds(5), 256)),
            WINDOW,
            SimulationLimits.defaults());
    plain = ServingStack.build(builder(), Optional.empty(), WINDOW, SimulationLimits.defaults());
    batched.start();
    plain.start();
    assertTrue(batched.awaitLoaded(Duration.ofSeconds(120)));
    assertTrue(plain.awaitLoaded(Duration.ofSeconds(120)));
    batchedHttp = new Http(batched.uri());
    plainHttp = new Http(plain.uri());
  }

  private static InferenceServer.Builder builder() {
    return InferenceServer.builder()
        .setRepository(tmp.resolve("repo"))
        .optHost("127.0.0.1")
        .optPort(0)
        .optHttpThreads(2 * REQUESTS + 8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (batched != null) {
      batched.close();
    }
    if (plain != null) {
      plain.close();
    }
  }

  @Test
  void concurrentSingleRowRequestsAreMergedAndAnswerExactlyWhatUnbatchedOnesAnswer()
      throws Exception {
    Population firms =
        new StartupPopulation(2, REQUESTS, PaperModel.load().constants()).slice(0, REQUESTS);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      bodies.add(yearBody(firms, i, i + 1, null, 1));
    }
    List<JsonNode> alone = new ArrayList<>();
    for (String body : bodies) {
      Answer a = plainHttp.post("/v2/models/" + YEAR + "/infer", body);
      assertEquals(200, a.status(), a.text());
      alone.add(a.json().get("outputs"));
    }
    double runsBefore = sample(batchedHttp, "firmsim_batch_rows_count", YEAR);
    double rowsBefore = sample(batchedHttp, "firmsim_batch_rows_sum", YEAR);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (String body : bodies) {
      answers.add(
          batchedHttp
              .client()
              .sendAsync(
                  batchedHttp
                      .request("/v2/models/" + YEAR + "/infer")
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < REQUESTS; i++) {
      HttpResponse<String> r = answers.get(i).get(60, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      // JSON numbers round-trip doubles exactly: equal trees are equal bits.
      assertEquals(alone.get(i), JSON.readTree(r.body()).get("outputs"), "request " + i);
    }
    double runs = sample(batchedHttp, "firmsim_batch_rows_count", YEAR) - runsBefore;
    double rows = sample(batchedHttp, "firmsim_batch_rows_sum", YEAR) - rowsBefore;
    assertEquals(REQUESTS, rows, "rows answered");
    assertTrue(runs < REQUESTS, "the " + REQUESTS + " requests ran in " + runs + " runs");
    assertTrue(sample(batchedHttp, "firmsim_queue_duration_seconds_count", YEAR) >= REQUESTS);
  }

  @Test
  void driftStaysLowForTrainingLikeInputsAndFlagsAShiftedFeature() throws Exception {
    Population like =
        new StartupPopulation(3, WINDOW, PaperModel.load().constants()).slice(0, WINDOW);
    Answer a = plainHttp.post("/v2/models/" + YEAR + "/infer", yearBody(like, 0, WINDOW, null, 1));
    assertEquals(200, a.status(), a.text());
    JsonNode report = plainHttp.get("/v2/models/" + YEAR + "/drift").json();
    assertEquals(WINDOW, report.get("rows_in_window").asInt(), report.toString());
    assertEquals("ok", report.get("status").asText(), report.toString());
    for (JsonNode f : report.get("features")) {
      assertTrue(f.get("psi").asDouble() < 0.1, f.toString());
    }

    // A column that varies among the firms, scaled by 3 in a whole new window.
    StateVariable shifted = varyingColumn(like);
    a = plainHttp.post("/v2/models/" + YEAR + "/infer", yearBody(like, 0, WINDOW, shifted, 3));
    assertEquals(200, a.status(), a.text());
    report = plainHttp.get("/v2/models/" + YEAR + "/drift").json();
    assertEquals("critical", report.get("status").asText(), report.toString());
    for (JsonNode f : report.get("features")) {
      double psi = f.get("psi").asDouble();
      if (f.get("feature").asText().equals(shifted.name())) {
        assertTrue(psi > 0.25, f.toString());
        assertEquals("critical", f.get("status").asText());
        double gauge =
            sample(plainHttp, "firmsim_drift_psi", YEAR, "feature=\"" + shifted.name() + "\"");
        assertEquals(psi, gauge, 1e-12, "the gauge shows the report's value");
      } else {
        assertTrue(psi < 0.1, f.toString());
      }
    }
    // The artifact's report lists its monitored models.
    JsonNode all = plainHttp.get("/v2/models/m/drift").json();
    assertEquals("m", all.get("artifact").asText());
    assertTrue(all.get("models").size() >= 1);
    // The equation graphs have no profile in this model.
    Answer none = plainHttp.get("/v2/models/m-T07-mean-float64/drift");
    assertEquals(404, none.status());
    assertTrue(none.error().contains("no reference profile"), none.error());
  }

  @Test
  void simulateEndpointAnswersTheCommandsAggregates() throws Exception {
    Population firms = new StartupPopulation(5, 200, PaperModel.load().constants()).slice(0, 200);
    Path population = tmp.resolve("population.csv");
    Files.writeString(population, csv(firms));
    Path out = tmp.resolve("cli");
    cli("--population " + population + " --years 3 --seed 9 --mode sample --out " + out);
    HttpResponse<String> r =
        batchedHttp
            .client()
            .send(
                batchedHttp
                    .request("/v2/models/m/simulate?years=3&seed=9&mode=sample")
                    .header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofString(csv(firms)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertAggregatesEqual(
        Files.readAllLines(out.resolve("aggregates.csv")), JSON.readTree(r.body()).get("years"));
  }

  // ------------------------------------------------------------------ helpers

  private static double[] column(Population p, StateVariable v) {
    double[] c = new double[p.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = p.value(i, v);
    }
    return c;
  }

  /** A state column with at least 100 distinct positive values among the firms. */
  private static StateVariable varyingColumn(Population p) {
    for (StateVariable v : StateVariable.all()) {
      double[] c = column(p, v);
      if (java.util.Arrays.stream(c).allMatch(x -> x > 0)
          && java.util.Arrays.stream(c).distinct().count() >= 100) {
        return v;
      }
    }
    throw new AssertionError("no varying column");
  }

  /** An infer body for the year graph: rows [from, to) of the firms, one column scaled. */
  private static String yearBody(
      Population p, int from, int to, StateVariable scaled, double factor) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    ObjectNode state = inputs.addObject();
    state.put("name", "state").put("datatype", "FP64");
    state.putArray("shape").add(to - from).add(S);
    ArrayNode data = state.putArray("data");
    for (int i = from; i < to; i++) {
      for (StateVariable v : StateVariable.all()) {
        data.add(p.value(i, v) * (v == scaled ? factor : 1));
      }
    }
    ObjectNode macro = inputs.addObject();
    macro.put("name", "macro").put("datatype", "FP64");
    macro.putArray("shape").add(2);
    macro.putArray("data").add(0.02).add(0.03);
    return body.toString();
  }

  /** One sample of /metrics for a model (and more labels), 0 when absent. */
  private static double sample(Http http, String name, String model, String... labels)
      throws Exception {
    String text = http.get("/metrics").text();
    String prefix = name + "{";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix) && line.contains("model=\"" + model + "\"")) {
        boolean all = true;
        for (String l : labels) {
          all &= line.contains(l);
        }
        if (all) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return 0;
  }
}
