package io.firmsim.serving.simulation;

import static io.firmsim.serving.testing.SimulationFixtures.assertAggregatesEqual;
import static io.firmsim.serving.testing.SimulationFixtures.cli;
import static io.firmsim.serving.testing.SimulationFixtures.csv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulate endpoint end to end, over HTTP on a bare Jetty server: its numbers against what
 * {@code firmsim simulate} writes for the same inputs (run in-process), its streamed panel against
 * the command's file, its refusals, and its cancellation when the client goes away.
 */
class SimulateActionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Firms and firm-years of the cancelled run: 16 chunks of 512 firms, 4 years each. */
  private static final int CANCEL_FIRMS = 8192;

  private static final int CANCEL_YEARS = 4;

  @TempDir static Path shared;

  private static Server server;
  private static URI base;
  private static URI impatientBase;

  /**
   * Idle timeout of the impatient connector. An idle timeout during a write is the client's (one
   * that stops reading), so it must outlast a write to a client starved of CPU: at 100 ms the panel
   * case failed once while other tests ran on the same 2 cores.
   */
  private static final long IDLE_TIMEOUT_MS = 300;

  private static Artifact artifact;
  private static Path populationFile;
  private static Population population;

  private static final AtomicLong cancelStepped = new AtomicLong();
  private static final CountDownLatch cancelDone = new CountDownLatch(1);
  private static final AtomicReference<String> cancelOutcome = new AtomicReference<>();

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createDirectories(shared.resolve("models/paper/1"));
    ArtifactExporter.standard()
        .export(PaperModel.load(), "paper", "1", EnumSet.of(OnnxDType.FLOAT64), dir);
    artifact = ArtifactReader.open(dir);
    population = new StartupPopulation(11, 300, PaperModel.load().constants()).slice(0, 300);
    populationFile = shared.resolve("population.csv");
    Files.writeString(populationFile, csv(population));

    SimulateAction normal = new SimulateAction(SimulationLimits.defaults());
    SimulateAction tight = new SimulateAction(new SimulationLimits(1_000, 200, 5, 100_000));
    SimulateAction cancelling =
        new SimulateAction(SimulationLimits.defaults(), 512, cancelStepped::addAndGet);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    // A connector whose idle timeout is far shorter than the slow action's run.
    ServerConnector impatient = new ServerConnector(server);
    impatient.setHost("127.0.0.1");
    impatient.setPort(0);
    impatient.setIdleTimeout(IDLE_TIMEOUT_MS);
    server.addConnector(impatient);
    SimulateAction slow =
        new SimulateAction(SimulationLimits.defaults(), 512, firms -> slowEngine());
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (path.startsWith("/cancel")) {
              Callback recording =
                  new Callback() {
                    @Override
                    public void succeeded() {
                      cancelOutcome.set("succeeded");
                      callback.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                      cancelOutcome.set("failed: " + x);
                      callback.failed(x);
                    }
                  };
              try {
                cancelling.handle("paper", "1", artifact, request, response, recording);
              } finally {
                cancelDone.countDown();
              }
            } else {
              SimulateAction action =
                  path.startsWith("/tight") ? tight : path.startsWith("/slow") ? slow : normal;
              action.handle("paper", "1", artifact, request, response, callback);
            }
            return true;
          }
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    impatientBase = URI.create("http://127.0.0.1:" + impatient.getLocalPort());
  }

  /** A chunk-year of the slow action takes this long more than the engine's time. */
  private static void slowEngine() {
    try {
      Thread.sleep(3 * IDLE_TIMEOUT_MS / 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  // ---------------------------------------------------------------- agreement with the command

  /**
   * The aggregates equal, bit for bit, the command's aggregates.csv for the same population file.
   */
  @ParameterizedTest
  @CsvSource({"sample,float64,djl", "mean,float64,djl", "mean,float32,djl", "sample,float64,onnx"})
  void aggregatesEqualTheCommandsBitForBit(String mode, String dtype, String backend)
      throws Exception {
    Path out = tmp.resolve("cli");
    cli(
        "--population "
            + populationFile
            + " --years 3 --seed 7 --mode "
            + mode
            + " --dtype "
            + dtype
            + " --backend "
            + backend
            + " --out "
            + out);
    HttpResponse<String> r =
        postCsv(
            "/sim?years=3&seed=7&mode=" + mode + "&dtype=" + dtype + "&backend=" + backend,
            csv(population));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = JSON.readTree(r.body());
    assertEquals("paper", body.get("model_name").asText());
    assertEquals("1", body.get("model_version").asText());
    assertEquals(mode, body.get("mode").asText());
    assertEquals(dtype, body.get("dtype").asText());
    assertEquals(backend, body.get("backend").asText());
    assertEquals(7, body.get("seed").asLong());
    assertEquals(300, body.get("firms").asLong());
    assertEquals(900, body.get("firm_years").asLong());
    assertAggregatesEqual(Files.readAllLines(out.resolve("aggregates.csv")), body.get("years"));
  }

  /**
   * A JSON request with a macro path, a first year and a burn-in gives the command's aggregates for
   * the same --macro file, --start-year and --burn-in.
   */
  @Test
  void jsonRequestWithMacroStartYearAndBurnInEqualsTheCommand() throws Exception {
    Path macro = tmp.resolve("macro.csv");
    Files.writeString(macro, "year,dgnp,realr\n2000,15000,0.02\n2001,-3000.5,0.035\n");
    Path out = tmp.resolve("cli");
    cli(
        "--population "
            + populationFile
            + " --years 2 --seed 3 --start-year 2000 --burn-in 1"
            + " --macro "
            + macro
            + " --out "
            + out);
    ObjectNode request = JSON.createObjectNode();
    request.put("population_csv", csv(population));
    request.put("years", 2).put("seed", 3).put("start_year", 2000).put("burn_in", 1);
    ArrayNode path = request.putArray("macro");
    path.addObject().put("year", 2000).put("dgnp", 15000).put("realr", 0.02);
    path.addObject().put("year", 2001).put("dgnp", -3000.5).put("realr", 0.035);
    HttpResponse<String> r = postJson("/sim", request.toString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(900, body.get("firm_years").asLong()); // 300 firms x (2 years + 1 burn-in)
    assertAggregatesEqual(Files.readAllLines(out.resolve("aggregates.csv")), body.get("years"));
  }

  /** With panel=true the streamed body is, byte for byte, the command's panel.csv. */
  @Test
  void streamedPanelEqualsTheCommandsPanelFile() throws Exception {
    Path out = tmp.resolve("cli");
    cli("--population " + populationFile + " --years 3 --seed 5 --panel csv --out " + out);
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/sim?years=3&seed=5&panel=true"))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofFile(populationFile))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    byte[] expected = Files.readAllBytes(out.resolve("panel.csv"));
    assertEquals(1 + 300 * 3, new String(expected, StandardCharsets.US_ASCII).split("\n").length);
    assertArrayEquals(expected, r.body());
  }

  /**
   * A panel file holding several years, sent as the body with population_year, continues from that
   * year as the command does with --population-year.
   */
  @Test
  void panelBodyWithPopulationYearEqualsTheCommand() throws Exception {
    Path first = tmp.resolve("first");
    cli("--population " + populationFile + " --years 3 --seed 2 --panel csv --out " + first);
    Path panel = first.resolve("panel.csv");
    Path out = tmp.resolve("cli");
    cli("--population " + panel + " --population-year 2 --years 2 --seed 4 --out " + out);
    HttpResponse<String> r =
        postCsv("/sim?years=2&seed=4&population_year=2", Files.readString(panel));
    assertEquals(200, r.statusCode(), r.body());
    assertAggregatesEqual(
        Files.readAllLines(out.resolve("aggregates.csv")), JSON.readTree(r.body()).get("years"));
    // without the year the panel is refused, as by the command
    assertError(
        postCsv("/sim?years=2", Files.readString(panel)),
        400,
        "body, column 'year': the file holds 3 years (1, 2, 3)");
  }

  /** The population as JSON rows, as CSV text in JSON, and as a CSV body gives the same answer. */
  @Test
  void jsonRowsCsvTextAndCsvBodyGiveTheSameAnswer() throws Exception {
    ObjectNode rows = JSON.createObjectNode();
    ArrayNode array = rows.putArray("population");
    for (int i = 0; i < population.size(); i++) {
      ObjectNode firm = array.addObject();
      firm.put("firm_id", population.firmId(i));
      // keys in reverse column order: the columns are found by name
      List<StateVariable> vars = new ArrayList<>(StateVariable.all());
      java.util.Collections.reverse(vars);
      for (StateVariable v : vars) {
        firm.put(v.name(), population.value(i, v));
      }
    }
    rows.put("years", 2).put("seed", 9).put("mode", "sample");
    ObjectNode text = JSON.createObjectNode();
    text.put("population_csv", csv(population)).put("years", 2).put("seed", 9);

    HttpResponse<String> fromRows = postJson("/sim", rows.toString());
    HttpResponse<String> fromText = postJson("/sim", text.toString());
    HttpResponse<String> fromBody = postCsv("/sim?years=2&seed=9", csv(population));
    assertEquals(200, fromRows.statusCode(), fromRows.body());
    assertEquals(200, fromText.statusCode(), fromText.body());
    assertEquals(200, fromBody.statusCode(), fromBody.body());
    assertEquals(fromBody.body(), fromRows.body());
    assertEquals(fromBody.body(), fromText.body());
    // and a different seed gives a different answer: the comparison can fail
    HttpResponse<String> other = postCsv("/sim?years=2&seed=10", csv(population));
    assertFalse(other.body().equals(fromBody.body()));
  }

  /**
   * A run much longer than the connector's idle timeout, with nothing written meanwhile, is
   * answered: computing is not idleness. Each of the 8 chunk-years (1024 firms in chunks of 512, 4
   * years) takes 1.5 idle timeouts longer.
   */
  @ParameterizedTest
  @CsvSource({"false", "true"})
  void runLongerThanTheIdleTimeoutIsAnswered(boolean panel) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(impatientBase.resolve("/slow?years=4&mode=mean&panel=" + panel))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv(many(1024))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    if (panel) {
      assertEquals(1 + 1024 * 4, r.body().split("\n").length);
    } else {
      assertEquals(1024, JSON.readTree(r.body()).get("firms").asLong());
    }
  }

  // ------------------------------------------------------------------------------ refusals

  @Test
  void malformedJsonIsRefusedWithItsPosition() throws Exception {
    HttpResponse<String> r = postJson("/sim", "{\"years\": 3, \"population\": [");
    assertError(r, 400, "malformed JSON at line 1");
  }

  @Test
  void missingColumnIsNamed() throws Exception {
    String text = dropColumn(csv(population), "CA");
    assertError(postCsv("/sim?years=2", text), 400, "body, row 1, column 'CA': missing column");
    ObjectNode request = JSON.createObjectNode().put("population_csv", text);
    assertError(postJson("/sim", request.toString()), 400, "population_csv, row 1, column 'CA'");
  }

  @Test
  void badValueNamesRowAndColumn() throws Exception {
    // the third firm (line 4 of the file) gets a CA that is not a number
    String[] lines = csv(population).split("\n");
    List<String> header = List.of(lines[0].split(","));
    String[] cells = lines[3].split(",");
    cells[header.indexOf("CA")] = "abc";
    lines[3] = String.join(",", cells);
    assertError(
        postCsv("/sim?years=2", String.join("\n", lines) + "\n"),
        400,
        "body, row 4, column 'CA': not a number: 'abc'");

    ObjectNode request = JSON.createObjectNode();
    ArrayNode array = request.putArray("population");
    for (int i = 0; i < 3; i++) {
      ObjectNode firm = array.addObject().put("firm_id", population.firmId(i));
      for (StateVariable v : StateVariable.all()) {
        firm.put(v.name(), population.value(i, v));
      }
    }
    ((ObjectNode) array.get(2)).put("CA", -1e9); // far below zero: a sign rule
    assertError(postJson("/sim", request.toString()), 400, "population[2], key 'CA': negative CA");
    ((ObjectNode) array.get(2)).put("CA", "12");
    assertError(
        postJson("/sim", request.toString()), 400, "population[2], key 'CA': must be a number");
    ((ObjectNode) array.get(2)).put("CA", population.value(2, StateVariable.CA));
    ((ObjectNode) array.get(2)).put("firm_id", population.firmId(0));
    assertError(
        postJson("/sim", request.toString()),
        400,
        "population[2], key 'firm_id': duplicate firm id "
            + population.firmId(0)
            + ": also on"
            + " population[0]");
  }

  @Test
  void unknownModeDtypeFieldAndParameterAreNamed() throws Exception {
    assertError(
        postCsv("/sim?mode=median", csv(population)),
        400,
        "'mode' must be sample or mean, found 'median'");
    ObjectNode request = JSON.createObjectNode().put("population_csv", csv(population));
    assertError(
        postJson("/sim", request.deepCopy().put("dtype", "float16").toString()),
        400,
        "'dtype' must be float32 or float64, found 'float16'");
    assertError(
        postJson("/sim", request.deepCopy().put("year", 3).toString()),
        400,
        "unknown field 'year'");
    assertError(postCsv("/sim?yeras=3", csv(population)), 400, "unknown query parameter 'yeras'");
    assertError(
        postJson("/sim", request.deepCopy().put("years", "3").toString()),
        400,
        "'years' must be an integer, found \"3\"");
    assertError(
        post("/sim", "text/plain", csv(population)), 400, "Content-Type must be application/json");
    HttpResponse<String> get =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/sim")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(get, 405, "simulate takes POST, not GET");
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void limitsAreEnforcedAndNamed() throws Exception {
    // tight: 1,000 firm-years, 200 firms, 5 years, 100,000 bytes
    Population small = population.slice(0, 150);
    assertError(postCsv("/tight?years=6", csv(small)), 400, "limit of 5 years (maxYears)");
    assertError(
        postCsv("/tight?years=5&burn_in=2", csv(small)),
        400,
        "150 firms over 7 years (years plus burn_in) are 1050 firm-years, more than the limit of"
            + " 1000 firm-years (maxFirmYears)");
    assertError(
        postCsv("/tight?years=1", csv(population.slice(0, 201))),
        400,
        "201 firms, more than the limit of 200 firms (maxFirms)");
    String big = csv(population); // about 180 kB
    assertTrue(big.length() > 100_000);
    assertError(postCsv("/tight?years=1", big), 413, "limit of 100000 bytes (maxBodyBytes)");
    // within every limit the same action answers
    HttpResponse<String> ok = postCsv("/tight?years=5", csv(population.slice(0, 20)));
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(5, JSON.readTree(ok.body()).get("years").size());
  }

  // -------------------------------------------------------------------------- cancellation

  /**
   * A client that reads the first bytes of a large panel and hangs up stops the simulation: the
   * action returns, its callback fails, and fewer firm-years were stepped than the run has.
   */
  @Test
  void clientThatHangsUpStopsTheSimulation() throws Exception {
    String body = csv(many(CANCEL_FIRMS));
    byte[] head =
        ("POST /cancel?years="
                + CANCEL_YEARS
                + "&mode=mean&panel=true HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: text/csv\r\n"
                + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    Set<Path> workBefore = workFolders();
    byte[] first = new byte[4096];
    int read = 0;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write(body.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      while (read < first.length) {
        int n = in.read(first, read, first.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      socket.setSoLinger(true, 0); // hang up hard, with the rest of the panel unread
    }
    String start = new String(first, 0, read, StandardCharsets.US_ASCII);
    assertTrue(start.startsWith("HTTP/1.1 200"), start);
    assertTrue(start.contains("firm_id,year,"), start);
    assertTrue(cancelDone.await(60, TimeUnit.SECONDS), "the action did not return");
    long total = (long) CANCEL_FIRMS * CANCEL_YEARS;
    long stepped = cancelStepped.get();
    assertNotNull(cancelOutcome.get());
    assertTrue(cancelOutcome.get().startsWith("failed"), cancelOutcome.get());
    assertTrue(stepped > 0 && stepped < total, stepped + " of " + total + " firm-years stepped");
    assertEquals(workBefore, workFolders(), "the request's temporary folder is removed");
  }

  /** The simulate action's temporary folders that exist now. */
  private static Set<Path> workFolders() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("firmsim-simulate-"))
          .collect(Collectors.toSet());
    }
  }

  // ------------------------------------------------------------------------------- helpers

  /** Start-up firms. */
  private static Population many(int firms) {
    return new StartupPopulation(3, firms, PaperModel.load().constants()).slice(0, firms);
  }

  private static String dropColumn(String csv, String column) {
    String[] lines = csv.split("\n");
    int c = List.of(lines[0].split(",")).indexOf(column);
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      List<String> cells = new ArrayList<>(List.of(line.split(",")));
      cells.remove(c);
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  private static void assertError(HttpResponse<String> r, int status, String message)
      throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = JSON.readTree(r.body());
    String error = body.get("error").asText();
    assertTrue(error.contains(message), error);
  }

  private static HttpResponse<String> postCsv(String path, String body) throws Exception {
    return post(path, "text/csv", body);
  }

  private static HttpResponse<String> postJson(String path, String body) throws Exception {
    return post(path, "application/json", body);
  }

  private static HttpResponse<String> post(String path, String type, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", type)
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
