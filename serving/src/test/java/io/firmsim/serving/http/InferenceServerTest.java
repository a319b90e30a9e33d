package io.firmsim.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.serving.testing.ControlledRunners;
import io.firmsim.serving.testing.Http;
import io.firmsim.serving.testing.Http.Answer;
import io.firmsim.serving.testing.TestArtifacts;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server on 127.0.0.1, an ephemeral port, over a repository holding the paper artifact (float64
 * graphs), spoken to with the JDK HTTP client: every endpoint and error class, with infer answers
 * checked against a direct ONNX Runtime session on the same graph file and, for an equation,
 * against the DJL block the graph was exported from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceServerTest {
  private static final String YEAR = "paper-year-sample-float64";
  private static final String T07 = "paper-T07-mean-float64";
  private static final long MAX_BYTES = 256 * 1024;

  @TempDir static Path repo;
  private final ControlledRunners control = new ControlledRunners();
  private InferenceServer server;
  private Http http;
  private Path artifact;
  private final List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    artifact = TestArtifacts.installPaper(repo, "1");
    Files.createDirectories(repo.resolve("paper/latest")); // not numeric: ignored
    server =
        InferenceServer.builder()
            .setRepository(repo)
            .optPort(0)
            .optMaxRequestBytes(MAX_BYTES)
            .optRequestTimeout(Duration.ofMillis(1500))
            .optHttpThreads(16)
            .optRunnerWrapper(control)
            .optAction("describe", InferenceServerTest::describe)
            .optAction(
                "explode",
                (a, req, resp, cb) -> {
                  throw new IllegalStateException("action exploded");
                })
            .optInputObserver(
                (model, version, inputs) -> {
                  observed.add(model + "/" + version + " " + inputs);
                  if (model.equals(YEAR)) {
                    throw new IllegalStateException("an observer failure does not fail requests");
                  }
                })
            .build();
    server.start();
    assertTrue(server.awaitLoaded(Duration.ofSeconds(120)));
    http = new Http(server.uri());
  }

  @AfterAll
  void stop() throws Exception {
    server.stop();
  }

  @AfterEach
  void reset() {
    control.clear();
  }

  @Test
  void healthAndServerMetadata() throws Exception {
    assertEquals(200, http.get("/v2/health/live").status());
    Answer ready = http.get("/v2/health/ready");
    assertEquals(200, ready.status());
    assertTrue(ready.json().get("ready").asBoolean());
    Answer meta = http.get("/v2");
    assertEquals("firmsim", meta.json().get("name").asText());
    assertNotNull(meta.json().get("version").asText());
    assertTrue(meta.json().get("extensions").toString().contains("model_repository"));
    assertTrue(server.uri().toString().startsWith("http://127.0.0.1:"));
  }

  @Test
  void modelMetadataIsTheGraphsSignature() throws Exception {
    for (String path : List.of("/v2/models/" + YEAR, "/v2/models/" + YEAR + "/versions/1")) {
      JsonNode m = http.get(path).json();
      assertEquals(YEAR, m.get("name").asText());
      assertEquals("[\"1\"]", m.get("versions").toString());
      assertEquals("onnxruntime_onnx", m.get("platform").asText());
      JsonNode state = m.get("inputs").get(0);
      assertEquals("state", state.get("name").asText());
      assertEquals("FP64", state.get("datatype").asText());
      assertEquals("[-1," + StateVariable.count() + "]", state.get("shape").toString());
      assertEquals("[2]", m.get("inputs").get(2).get("shape").toString());
      assertEquals("new_state", m.get("outputs").get(0).get("name").asText());
    }
    Answer ready = http.get("/v2/models/" + T07 + "/ready");
    assertEquals(200, ready.status());
    assertTrue(ready.json().get("ready").asBoolean());
    assertEquals(200, http.get("/v2/models/" + T07 + "/versions/1/ready").status());
  }

  @Test
  void yearInferEqualsADirectSessionOnTheGraphFile() throws Exception {
    int n = 3;
    int s = StateVariable.count();
    int u = http.get("/v2/models/" + YEAR).json().get("inputs").get(1).get("shape").get(1).asInt();
    SplittableRandom rnd = new SplittableRandom(11);
    double[] state = new double[n * s];
    for (int i = 0; i < state.length; i++) {
      state[i] = Math.floor(rnd.nextDouble(0, 5e5));
    }
    double[] uniforms = new double[n * u];
    for (int i = 0; i < uniforms.length; i++) {
      uniforms[i] = rnd.nextDouble(1e-6, 1 - 1e-6);
    }
    double[] macro = {0.04, 0.01};
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", "year-1");
    body.put("parameters", Map.of("note", "kept"));
    body.put(
        "inputs",
        List.of(
            tensor("state", new long[] {n, s}, state),
            tensor("uniforms", new long[] {n, u}, uniforms),
            tensor("macro", new long[] {2}, macro)));
    body.put("outputs", List.of(Map.of("name", "balance_gap"), Map.of("name", "new_state")));
    Answer a = http.post("/v2/models/" + YEAR + "/infer", Http.json(body));
    assertEquals(200, a.status(), a.text());
    assertEquals(YEAR, a.json().get("model_name").asText());
    assertEquals("1", a.json().get("model_version").asText());
    assertEquals("year-1", a.json().get("id").asText());
    assertEquals("kept", a.json().get("parameters").get("note").asText());
    JsonNode outs = a.json().get("outputs");
    assertEquals(2, outs.size());
    assertEquals("balance_gap", outs.get(0).get("name").asText());
    assertEquals("[" + n + "," + s + "]", outs.get(1).get("shape").toString());

    OrtEnvironment env = OrtEnvironments.shared();
    Path file = artifact.resolve("onnx/year-sample-float64.onnx");
    try (OrtSession direct = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor ts = OnnxTensor.createTensor(env, rows(state, n, s));
        OnnxTensor tu = OnnxTensor.createTensor(env, rows(uniforms, n, u));
        OnnxTensor tm = OnnxTensor.createTensor(env, macro);
        OrtSession.Result r = direct.run(Map.of("state", ts, "uniforms", tu, "macro", tm))) {
      double[][] expected = (double[][]) r.get("new_state").orElseThrow().getValue();
      double[] served = doubles(outs.get(1).get("data"));
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < s; j++) {
          assertEquals(
              expected[i][j], served[i * s + j], 1e-9 * (1 + Math.abs(expected[i][j])), "state");
        }
      }
      assertArrayEquals(
          (double[]) r.get("balance_gap").orElseThrow().getValue(),
          doubles(outs.get(0).get("data")),
          1e-12);
    }

    // The same request with nested data answers the same.
    body.put(
        "inputs",
        List.of(
            Map.of(
                "name",
                "state",
                "shape",
                List.of(n, s),
                "datatype",
                "FP64",
                "data",
                rows(state, n, s)),
            Map.of(
                "name",
                "uniforms",
                "shape",
                List.of(n, u),
                "datatype",
                "FP64",
                "data",
                rows(uniforms, n, u)),
            tensor("macro", new long[] {2}, macro)));
    Answer nested = http.post("/v2/models/" + YEAR + "/infer", Http.json(body));
    assertEquals(a.json().get("outputs"), nested.json().get("outputs"));
  }

  @Test
  void equationInferEqualsTheDjlBlock() throws Exception {
    int n = 4;
    EquationBlock block = EquationBlock.of(PaperModel.load().equations().get(6), ForwardMode.MEAN);
    int k = block.features().size();
    SplittableRandom rnd = new SplittableRandom(5);
    double[] x = new double[n * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextDouble(-1, 1);
    }
    Answer a =
        http.post(
            "/v2/models/" + T07 + "/infer",
            Http.json(Map.of("inputs", List.of(tensor("features", new long[] {n, k}, x)))));
    assertEquals(200, a.status(), a.text());
    double[] served = doubles(a.json().get("outputs").get(0).get("data"));
    double[] djl;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      block.initialize(m, DataType.FLOAT64, new Shape(n, k));
      NDList in = new NDList(m.create(x, new Shape(n, k)));
      djl =
          block.forward(new ParameterStore(m, false), in, false).singletonOrThrow().toDoubleArray();
    }
    assertEquals(n, served.length);
    for (int i = 0; i < n; i++) {
      assertEquals(djl[i], served[i], 1e-9 * (1 + Math.abs(djl[i])), "row " + i);
    }
  }

  @Test
  void concurrentRequestsGetTheirOwnAnswers() throws Exception {
    int k = width(T07);
    int clients = 8;
    int each = 6;
    List<String> bodies = new java.util.ArrayList<>();
    List<JsonNode> alone = new java.util.ArrayList<>();
    for (int c = 0; c < clients * each; c++) {
      double[] x = new double[2 * k];
      SplittableRandom rnd = new SplittableRandom(100 + c);
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextDouble(-1, 1);
      }
      bodies.add(Http.json(Map.of("inputs", List.of(tensor("features", new long[] {2, k}, x)))));
    }
    for (String body : bodies) {
      alone.add(http.post("/v2/models/" + T07 + "/infer", body).json().get("outputs"));
    }
    assertEquals(bodies.size(), new java.util.HashSet<>(alone).size(), "distinct answers");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      List<java.util.concurrent.Future<List<JsonNode>>> futures = new java.util.ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(
            pool.submit(
                () -> {
                  List<JsonNode> answers = new java.util.ArrayList<>();
                  for (int r = 0; r < each; r++) {
                    answers.add(
                        http.post("/v2/models/" + T07 + "/infer", bodies.get(client * each + r))
                            .json());
                  }
                  return answers;
                }));
      }
      for (int c = 0; c < clients; c++) {
        List<JsonNode> answers = futures.get(c).get(60, java.util.concurrent.TimeUnit.SECONDS);
        for (int r = 0; r < each; r++) {
          assertEquals(alone.get(c * each + r), answers.get(r).get("outputs"), "client " + c);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badRequestsAnswer400WithAnErrorBody() throws Exception {
    String path = "/v2/models/" + T07 + "/infer";
    Answer malformed = http.post(path, "{\"inputs\": [");
    assertEquals(400, malformed.status());
    assertTrue(malformed.error().startsWith("malformed JSON"), malformed.error());
    Answer missing = http.post(path, "{\"inputs\": []}");
    assertEquals(400, missing.status());
    assertTrue(missing.error().contains("missing input 'features'"), missing.error());
    Answer nan =
        http.post(
            path,
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,"
                + width(T07)
                + "],\"datatype\":\"FP64\",\"data\":["
                + "0,".repeat(width(T07) - 1)
                + "NaN]}]}");
    assertEquals(400, nan.status());
    assertTrue(nan.error().contains("data[" + (width(T07) - 1) + "] is NaN"), nan.error());
    Answer type =
        http.post(
            path,
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[1]}]}");
    assertEquals(400, type.status());
    assertTrue(type.error().contains("datatype FP32"), type.error());
  }

  @Test
  void unknownThingsAnswer404AndWrongMethods405() throws Exception {
    Answer model = http.post("/v2/models/nope/infer", "{}");
    assertEquals(404, model.status());
    assertTrue(model.error().contains("unknown model nope"));
    assertEquals(404, http.get("/v2/models/nope").status());
    Answer artifactName = http.get("/v2/models/paper");
    assertEquals(404, artifactName.status());
    assertTrue(artifactName.error().contains(YEAR), artifactName.error());
    Answer version = http.get("/v2/models/" + YEAR + "/versions/7");
    assertEquals(404, version.status());
    assertTrue(version.error().contains("no version 7"), version.error());
    assertEquals(404, http.get("/v2/nothing").status());
    assertEquals(404, http.get("/elsewhere").status());
    assertEquals(404, http.get("/v2/models/paper/simulate").status(), "no action registered");

    Answer get = http.get("/v2/models/" + YEAR + "/infer");
    assertEquals(405, get.status());
    assertEquals("POST", get.response().headers().firstValue("Allow").orElse(""));
    assertNotNull(get.error());
    assertEquals(405, http.post("/v2/health/live", "").status());
    assertEquals(405, http.get("/v2/repository/index").status());
  }

  @Test
  void bodiesOverTheLimitAnswer413() throws Exception {
    String big = "{\"inputs\":[" + " ".repeat((int) MAX_BYTES) + "]}";
    Answer a = http.post("/v2/models/" + T07 + "/infer", big);
    assertEquals(413, a.status());
    assertTrue(a.error().contains("limit"), a.error());
    // The server still answers on.
    assertEquals(200, http.get("/v2/health/live").status());
  }

  @Test
  void slowRunnersAnswer504AndFailingOnes500() throws Exception {
    String body = featuresBody(T07, 2);
    control.set(T07, ControlledRunners.Behaviour.SLOW);
    Answer slow = http.post("/v2/models/" + T07 + "/infer", body);
    assertEquals(504, slow.status(), slow.text());
    assertTrue(slow.error().contains("time limit"), slow.error());

    control.set(T07, ControlledRunners.Behaviour.THROW);
    Answer thrown = http.post("/v2/models/" + T07 + "/infer", body);
    assertEquals(500, thrown.status());
    assertTrue(thrown.error().contains("injected failure"), thrown.error());

    control.set(T07, ControlledRunners.Behaviour.ENGINE);
    Answer engine = http.post("/v2/models/" + T07 + "/infer", body);
    assertEquals(500, engine.status());
    assertEquals("injected engine failure in " + T07, engine.error());
    assertTrue(engine.response().headers().firstValue("Retry-After").isEmpty());

    control.clear();
    assertEquals(200, http.post("/v2/models/" + T07 + "/infer", body).status());
    Answer v1 = http.post("/v2/models/" + T07 + "/versions/1/infer", body);
    assertEquals(200, v1.status());
    assertEquals("1", v1.json().get("model_version").asText());
    assertEquals(404, http.post("/v2/models/" + T07 + "/versions/2/infer", body).status());
  }

  @Test
  void unloadedModelsAnswer503UntilLoadedAgain() throws Exception {
    String t01 = "paper-T01-mean-float64";
    String body = featuresBody(t01, 1);
    assertEquals(200, http.post("/v2/repository/models/paper/unload", "").status());
    try {
      Answer a = http.post("/v2/models/" + t01 + "/infer", body);
      assertEquals(503, a.status());
      assertTrue(a.error().contains("unloaded"), a.error());
      assertEquals("1", a.response().headers().firstValue("Retry-After").orElse(""));
      assertEquals(503, http.get("/v2/models/" + t01 + "/ready").status());
      JsonNode index = http.post("/v2/repository/index", "").json();
      assertEquals("UNAVAILABLE", index.get(0).get("state").asText());
      assertEquals("unloaded", index.get(0).get("reason").asText());
      assertEquals(404, http.post("/v2/repository/models/nope/unload", "").status());
    } finally {
      Answer load = http.post("/v2/repository/models/paper/load", "");
      assertEquals(200, load.status(), load.text());
      assertEquals("1", load.json().get("version").asText());
    }
    assertEquals(200, http.post("/v2/models/" + t01 + "/infer", body).status());
    JsonNode index = http.post("/v2/repository/index", "{\"ready\": true}").json();
    assertEquals(1, index.size());
    assertEquals("READY", index.get(0).get("state").asText());
    assertEquals(50, index.get(0).get("models").size());
  }

  @Test
  void metricsParseAsPrometheusTextAndCountersMove() throws Exception {
    String body = featuresBody(T07, 2);
    double ok = sample("firmsim_infer_success_total", "model=\"" + T07 + "\"");
    double bad = sample("firmsim_infer_failure_total", "model=\"" + T07 + "\",reason=\"invalid\"");
    double runs = sample("firmsim_batch_rows_count", "model=\"" + T07 + "\"");
    assertEquals(200, http.post("/v2/models/" + T07 + "/infer", body).status());
    assertEquals(200, http.post("/v2/models/" + T07 + "/infer", body).status());
    assertEquals(400, http.post("/v2/models/" + T07 + "/infer", "{").status());
    assertEquals(ok + 2, sample("firmsim_infer_success_total", "model=\"" + T07 + "\""));
    assertEquals(
        bad + 1, sample("firmsim_infer_failure_total", "model=\"" + T07 + "\",reason=\"invalid\""));
    assertEquals(runs + 2, sample("firmsim_batch_rows_count", "model=\"" + T07 + "\""));
    assertEquals(0, sample("firmsim_pending_requests", "model=\"" + T07 + "\""));
    assertTrue(sample("firmsim_model_load_duration_seconds_count", "artifact=\"paper\"") >= 1);
    double unknown =
        sample("firmsim_infer_failure_total", "model=\"_unknown\",reason=\"not_found\"");
    assertEquals(404, http.post("/v2/models/made-up-name/infer", body).status());
    assertEquals(
        unknown + 1,
        sample("firmsim_infer_failure_total", "model=\"_unknown\",reason=\"not_found\""));
    assertEquals(
        0, sample("firmsim_infer_failure_total", "model=\"made-up-name\",reason=\"not_found\""));
  }

  @Test
  void actionsGetTheArtifactVersionAndObserversTheCheckedInputs() throws Exception {
    Answer a = http.get("/v2/models/paper/describe");
    assertEquals(200, a.status(), a.text());
    assertEquals("paper", a.json().get("name").asText());
    assertEquals("1", a.json().get("version").asText());
    assertEquals(50, a.json().get("graphs").asInt());
    assertEquals(
        artifact.toRealPath().toString(),
        Path.of(a.json().get("dir").asText()).toRealPath().toString());
    assertEquals(200, http.get("/v2/models/paper/versions/1/describe").status());
    assertEquals(404, http.get("/v2/models/paper/versions/9/describe").status());
    Answer post = http.post("/v2/models/paper/describe", "{}");
    assertEquals(405, post.status());
    assertNotNull(post.error());
    assertTrue(a.json().get("model").isNull(), "an artifact path names no model");
    // A served model's path reaches its artifact's action, with the model's name.
    Answer byModel = http.get("/v2/models/" + YEAR + "/describe");
    assertEquals(200, byModel.status(), byModel.text());
    assertEquals("paper", byModel.json().get("name").asText());
    assertEquals(YEAR, byModel.json().get("model").asText());
    assertEquals(404, http.get("/v2/models/made-up/describe").status(), "not a model");
    Answer exploded = http.get("/v2/models/paper/explode");
    assertEquals(500, exploded.status());
    assertTrue(exploded.error().contains("action exploded"), exploded.error());
    assertTrue(http.get("/v2").json().get("extensions").toString().contains("describe"));

    observed.clear();
    int k = width(T07);
    assertEquals(200, http.post("/v2/models/" + T07 + "/infer", featuresBody(T07, 2)).status());
    assertEquals(List.of(T07 + "/1 [features:FP64[2, " + k + "]]"), observed);
  }

  private static void describe(
      io.firmsim.serving.repository.LoadedArtifact artifact,
      org.eclipse.jetty.server.Request request,
      org.eclipse.jetty.server.Response response,
      org.eclipse.jetty.util.Callback callback) {
    if (!request.getMethod().equals("GET")) {
      HttpAnswers.error(response, callback, 405, "describe takes GET");
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", artifact.name());
    body.put("version", artifact.version());
    body.put("graphs", artifact.artifact().metadata().onnx().graphs().size());
    body.put("dir", artifact.dir().toString());
    body.put("model", request.getAttribute(ModelAction.MODEL_ATTRIBUTE));
    HttpAnswers.json(
        response, callback, 200, Http.json(body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Reads one sample of /metrics, after checking that every line is valid text format. */
  private double sample(String name, String labels) throws Exception {
    Answer a = http.get("/metrics");
    assertEquals(200, a.status());
    assertTrue(
        a.response().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    Pattern line =
        Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\",?)*)\\})?"
                + " (-?[0-9.eE+-]+|NaN|[+-]Inf)( [0-9]+)?");
    Double found = null;
    for (String l : a.text().split("\n")) {
      if (l.isEmpty() || l.startsWith("# HELP ") || l.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = line.matcher(l);
      assertTrue(m.matches(), "not Prometheus text: " + l);
      if (m.group(1).equals(name) && labels.equals(m.group(3))) {
        found = Double.parseDouble(m.group(4));
      }
    }
    return found == null ? 0 : found;
  }

  private int width(String model) throws Exception {
    return http.get("/v2/models/" + model).json().get("inputs").get(0).get("shape").get(1).asInt();
  }

  private String featuresBody(String model, int n) throws Exception {
    int k = width(model);
    return Http.json(
        Map.of("inputs", List.of(tensor("features", new long[] {n, k}, new double[n * k]))));
  }

  static Map<String, Object> tensor(String name, long[] shape, double[] data) {
    return Map.of("name", name, "shape", shape, "datatype", "FP64", "data", data);
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).doubleValue();
    }
    return out;
  }

  static double[][] rows(double[] flat, int n, int k) {
    double[][] out = new double[n][k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * k, out[i], 0, k);
    }
    return out;
  }
}
