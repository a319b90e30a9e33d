package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.embed.TrajectoryGraphExporter;
import io.firmsim.serving.cli.ServeCommand;
import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.http.InferenceServer;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.Neighbour;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code firmsim serve --embedding} end to end: a simulated panel (60 start-up firms, 5 years)
 * written as {@code simulate --panel csv} writes it, {@code embed}, then the launcher's {@code
 * serve} command (parsed by {@link Main#commandLine()}, so its trainer-backed loader is the one
 * under test) on 127.0.0.1 with an ephemeral port and an empty model repository. The independent
 * evidence: the artifact's own index, loaded apart, and its {@link EmbeddingIndex#query(long,
 * int)}; for infer, the index's vectors, which {@code embed} computed with the DJL encoder.
 */
class ServeEmbeddingTest {
  private static final int FIRMS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path artifact;
  private static Path csv;
  private static EmbeddingIndex reference;
  private static List<EmbeddingService> services;
  private static InferenceServer server;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private record Answer(int status, JsonNode json) {}

  @BeforeAll
  static void embedAndServe() throws Exception {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), FIRMS, 5, 3, 17);
    csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    artifact = tmp.resolve("emb");
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of(
                "embed",
                "--panel",
                csv.toString(),
                "--out",
                artifact.toString(),
                "--window",
                "3",
                "--dim",
                "4",
                "--hidden",
                "8",
                "--steps",
                "20",
                "--seed",
                "3"));
    assertEquals(0, o.code(), o.err());
    reference = EmbeddingArtifact.open(artifact).loadIndex();

    Path repository = Files.createDirectories(tmp.resolve("models"));
    ServeCommand serve = serveCommand(repository, "--embedding", "firms=" + artifact);
    services = serve.openEmbeddings();
    server = serve.buildServer(services);
    server.start();
    assertTrue(server.awaitLoaded(Duration.ofSeconds(30)));
  }

  private static ServeCommand serveCommand(Path repository, String... more) {
    CommandLine cli = Main.commandLine();
    String[] args = new String[5 + more.length];
    args[0] = "serve";
    args[1] = "--repository";
    args[2] = repository.toString();
    args[3] = "--port";
    args[4] = "0";
    System.arraycopy(more, 0, args, 5, more.length);
    cli.parseArgs(args);
    return cli.getSubcommands().get("serve").getCommand();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (services != null) {
      services.forEach(EmbeddingService::close);
    }
    if (reference != null) {
      reference.close();
    }
  }

  private static Answer send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static Answer get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)));
  }

  private static void assertSameAsIndex(long firm, int k, JsonNode body) {
    List<Neighbour> expected = reference.query(firm, k);
    assertEquals("firms", body.get("model").asText());
    assertEquals(firm, body.get("firm").asLong());
    JsonNode got = body.get("neighbours");
    assertEquals(expected.size(), got.size(), "firm " + firm + ", k " + k);
    for (int i = 0; i < expected.size(); i++) {
      Neighbour n = expected.get(i);
      JsonNode g = got.get(i);
      assertEquals(n.firmId(), g.get("firm_id").asLong(), "firm " + firm + ", rank " + i);
      assertEquals(n.endYear(), g.get("end_year").asInt(), "firm " + firm + ", rank " + i);
      // exact: the JSON double is Java's shortest round-tripping decimal
      assertEquals(n.distance(), g.get("distance").asDouble(), 0.0, "firm " + firm + ", rank " + i);
    }
  }

  @Test
  void similarAnswersWhatTheArtifactsIndexAnswers() throws Exception {
    for (int row : new int[] {0, 7, FIRMS - 1}) {
      long firm = reference.table().firmId(row);
      Answer a = get("/v2/models/firms/similar?firm=" + firm + "&k=5");
      assertEquals(200, a.status(), a.json().toString());
      assertSameAsIndex(firm, 5, a.json());
      for (JsonNode n : a.json().get("neighbours")) {
        assertFalse(n.get("firm_id").asLong() == firm, "the query firm is left out");
      }
    }
    long firm = reference.table().firmId(3);
    Answer byDefault = get("/v2/models/firms/similar?firm=" + firm);
    assertEquals(200, byDefault.status());
    assertEquals(10, byDefault.json().get("neighbours").size(), "k defaults to 10");
    assertSameAsIndex(firm, 10, byDefault.json());
    Answer all = get("/v2/models/firms/versions/1/similar?firm=" + firm + "&k=1000");
    assertEquals(200, all.status());
    assertEquals(FIRMS - 1, all.json().get("neighbours").size(), "every other firm, no more");
    assertSameAsIndex(firm, 1000, all.json());
    double last = -1;
    for (JsonNode n : all.json().get("neighbours")) {
      assertTrue(n.get("distance").asDouble() >= last, "nearest first");
      last = n.get("distance").asDouble();
    }
  }

  @Test
  void inferRunsTheEncoderAsDjlDidWithin1e5() throws Exception {
    // The index's vectors are the DJL encoder's embeddings of each firm's latest window (embed).
    FirmWindows latest =
        FirmWindows.fromCsv(
            csv,
            3,
            EmbeddingArtifact.open(artifact).featureScaling(),
            FirmWindows.Selection.LATEST);
    int n = 7;
    ObjectNode body = JSON.createObjectNode();
    ObjectNode x = body.putArray("inputs").addObject();
    x.put("name", TrajectoryGraphExporter.INPUT);
    x.put("datatype", "FP32");
    x.putArray("shape").add(n).add(latest.length()).add(latest.features());
    ArrayNode data = x.putArray("data");
    for (float v : latest.flat(0, n)) {
      data.add(v);
    }
    Answer a =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/firms/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    assertEquals(200, a.status(), a.json().toString());
    JsonNode out = a.json().get("outputs").get(0);
    assertEquals(TrajectoryGraphExporter.OUTPUT, out.get("name").asText());
    int d = reference.table().dimension();
    assertEquals(n * d, out.get("data").size());
    int checked = 0;
    for (int w = 0; w < n; w++) {
      for (int r = 0; r < reference.table().rows(); r++) {
        if (reference.table().firmId(r) == latest.firmId(w)) {
          float[] expected = reference.table().vector(r);
          for (int j = 0; j < d; j++) {
            assertEquals(
                expected[j], out.get("data").get(w * d + j).asDouble(), 1e-5, "window " + w);
          }
          checked++;
        }
      }
    }
    assertEquals(n, checked, "every window's firm is in the index");
    Answer meta = get("/v2/models/firms");
    assertEquals(
        TrajectoryGraphExporter.INPUT, meta.json().get("inputs").get(0).get("name").asText());
    Answer wrong =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/firms/infer"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}")));
    assertEquals(400, wrong.status(), wrong.json().toString());
  }

  @Test
  void anUnknownFirmIs404NamingIt() throws Exception {
    Answer a = get("/v2/models/firms/similar?firm=987654321&k=3");
    assertEquals(404, a.status());
    assertTrue(a.json().get("error").asText().contains("firm 987654321"), a.json().toString());
  }

  @Test
  void aBadOrMissingFirmOrKIs400() throws Exception {
    long firm = reference.table().firmId(0);
    for (String query :
        new String[] {
          "k=3",
          "firm=abc",
          "firm=1.5",
          "firm=" + firm + "&k=0",
          "firm=" + firm + "&k=-2",
          "firm=" + firm + "&k=x",
          "firm=" + firm + "&k=10001",
          "firm=" + firm + "&firm=" + firm
        }) {
      Answer a = get("/v2/models/firms/similar?" + query);
      assertEquals(400, a.status(), query + ": " + a.json());
      assertTrue(a.json().has("error"), query);
    }
  }

  @Test
  void metadataHealthAndOtherPaths() throws Exception {
    Answer meta = get("/v2/models/firms");
    assertEquals(200, meta.status());
    assertEquals(FIRMS, meta.json().get("firms").asInt());
    assertEquals("similar", meta.json().get("extensions").get(0).asText());
    assertEquals(200, get("/v2/health/ready").status(), "an empty repository is ready");
    Answer post =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/v2/models/firms/similar?firm=1"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, post.status());
    assertEquals(404, get("/v2/models/firms/versions/2/similar?firm=1").status());
    assertEquals(404, get("/v2/models/nobody/similar?firm=1").status());
  }

  @Test
  void aFolderThatIsNoEmbeddingArtifactExitsTwoNamingIt() throws IOException {
    Path repository = Files.createDirectories(tmp.resolve("models2"));
    Path bogus = Files.createDirectories(tmp.resolve("not-an-artifact"));
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of(
                "serve",
                "--repository",
                repository.toString(),
                "--port",
                "0",
                "--embedding",
                bogus.toString()));
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains("not-an-artifact"), o.err());
    ServeCommand twice =
        serveCommand(repository, "--embedding", "a=" + artifact, "--embedding", "a=" + artifact);
    BadInputException e = assertThrows(BadInputException.class, twice::openEmbeddings);
    assertTrue(e.getMessage().contains("already named a"), e.getMessage());
    ServeCommand badName = serveCommand(repository, "--embedding", "a/b=" + artifact);
    assertThrows(BadInputException.class, badName::openEmbeddings);
  }
}
