package io.firmsim.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.repository.RunnerWrapper;
import io.firmsim.serving.testing.ControlledRunners;
import io.firmsim.serving.testing.Http;
import io.firmsim.serving.testing.Http.Answer;
import io.firmsim.serving.testing.TestArtifacts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's life around its repository, each test with its own server: not ready until every model
 * is warmed up, hot reload (a damaged version is refused and the serving one keeps serving, a good
 * one replaces it while a request in progress finishes on the old one, whose sessions close only
 * then), polling, and a graceful stop that answers every request in flight.
 */
class RepositoryLifecycleTest {
  private static final String YEAR = "paper-year-sample-float64";
  private static final String T07 = "paper-T07-mean-float64";

  @TempDir Path repo;

  private static InferenceServer start(InferenceServer.Builder b) throws Exception {
    InferenceServer server = b.optPort(0).build();
    server.start();
    return server;
  }

  @Test
  void notReadyUntilEveryModelIsLoadedAndWarmedUp() throws Exception {
    TestArtifacts.installPaper(repo, "1");
    CountDownLatch wrapping = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    RunnerWrapper holding =
        (model, version, session) -> {
          wrapping.countDown();
          try {
            proceed.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return session;
        };
    InferenceServer server =
        start(InferenceServer.builder().setRepository(repo).optRunnerWrapper(holding));
    try {
      Http http = new Http(server.uri());
      assertTrue(wrapping.await(60, TimeUnit.SECONDS));
      assertEquals(200, http.get("/v2/health/live").status());
      Answer ready = http.get("/v2/health/ready");
      assertEquals(503, ready.status());
      assertFalse(ready.json().get("ready").asBoolean());
      assertNotNull(ready.error());
      Answer infer = http.post("/v2/models/" + YEAR + "/infer", "{}");
      assertEquals(503, infer.status());
      assertTrue(infer.error().contains("loading"), infer.error());
      assertEquals("1", infer.response().headers().firstValue("Retry-After").orElse(""));
      assertEquals(503, http.get("/v2/models/" + YEAR + "/ready").status());
      JsonNode index = http.post("/v2/repository/index", "").json();
      assertEquals("LOADING", index.get(0).get("state").asText());

      proceed.countDown();
      assertTrue(server.awaitLoaded(Duration.ofSeconds(120)));
      assertEquals(200, http.get("/v2/health/ready").status());
      assertEquals(200, http.get("/v2/models/" + YEAR + "/ready").status());
    } finally {
      proceed.countDown();
      server.stop();
    }
  }

  @Test
  void aDamagedVersionIsRefusedAndAGoodOneReplacesTheServingOneAfterItDrains() throws Exception {
    TestArtifacts.installPaper(repo, "1");
    ControlledRunners control = new ControlledRunners();
    InferenceServer server =
        start(InferenceServer.builder().setRepository(repo).optRunnerWrapper(control));
    try {
      assertTrue(server.awaitLoaded(Duration.ofSeconds(120)));
      Http http = new Http(server.uri());

      Path v2 = TestArtifacts.installPaper(repo, "2");
      flipByte(v2.resolve("onnx/T01-mean-float64.onnx"));
      Answer failed = http.post("/v2/repository/models/paper/load", "");
      assertEquals(400, failed.status(), failed.text());
      assertTrue(failed.error().contains("T01-mean-float64.onnx"), failed.error());
      JsonNode index = http.post("/v2/repository/index", "").json();
      assertEquals("1", index.get(0).get("version").asText());
      assertEquals("READY", index.get(0).get("state").asText());
      assertEquals("2", index.get(1).get("version").asText());
      assertEquals("UNAVAILABLE", index.get(1).get("state").asText());
      assertTrue(index.get(1).get("reason").asText().contains("T01-mean-float64.onnx"));
      Answer still = http.post("/v2/models/" + T07 + "/infer", features(http, 1));
      assertEquals(200, still.status());
      assertEquals("1", still.json().get("model_version").asText());

      // A request holds version 1 while version 3 loads and takes over.
      control.set(T07, ControlledRunners.Behaviour.BLOCK);
      control.arm(1);
      CompletableFuture<HttpResponse<String>> inFlight =
          http.client()
              .sendAsync(
                  http.request("/v2/models/" + T07 + "/infer")
                      .POST(HttpRequest.BodyPublishers.ofString(features(http, 2)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertTrue(control.awaitEntered(60));
      TestArtifacts.installPaper(repo, "3");
      Answer loaded = http.post("/v2/repository/models/paper/load", "");
      assertEquals(200, loaded.status(), loaded.text());
      assertEquals("3", loaded.json().get("version").asText());
      Answer year = http.get("/v2/models/" + YEAR);
      assertEquals("[\"3\"]", year.json().get("versions").toString());
      assertEquals(0, control.closed(), "version 1 is in use: its sessions stay open");

      control.release();
      Answer held = Http.answer(inFlight.get(60, TimeUnit.SECONDS));
      assertEquals(200, held.status(), held.text());
      assertEquals("1", held.json().get("model_version").asText());
      assertTrue(control.awaitClosings(50, 30), "version 1's 50 sessions close once drained");
      control.clear();
      Answer now = http.post("/v2/models/" + T07 + "/infer", features(http, 1));
      assertEquals("3", now.json().get("model_version").asText());
      assertEquals(404, http.get("/v2/models/" + T07 + "/versions/1").status());
      index = http.post("/v2/repository/index", "").json();
      assertEquals("replaced by version 3", index.get(0).get("reason").asText());
      assertEquals("READY", index.get(2).get("state").asText());
    } finally {
      control.release();
      server.stop();
    }
  }

  @Test
  void pollingLoadsANewVersion() throws Exception {
    TestArtifacts.installPaper(repo, "1");
    InferenceServer server = start(InferenceServer.builder().setRepository(repo).optPollSeconds(1));
    try {
      assertTrue(server.awaitLoaded(Duration.ofSeconds(120)));
      Http http = new Http(server.uri());
      TestArtifacts.installPaper(repo, "3");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String version = "1";
      while (!version.equals("3") && System.nanoTime() < until) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        version = http.get("/v2/models/" + YEAR).json().get("versions").get(0).asText();
      }
      assertEquals("3", version);
    } finally {
      server.stop();
    }
  }

  @Test
  void aGracefulStopAnswersEveryRequestInFlight() throws Exception {
    TestArtifacts.installPaper(repo, "1");
    ControlledRunners control = new ControlledRunners();
    InferenceServer server =
        start(
            InferenceServer.builder()
                .setRepository(repo)
                .optRunnerWrapper(control)
                .optHttpThreads(16)
                .optShutdownTimeout(Duration.ofSeconds(20)));
    Thread stopper = null;
    try {
      assertTrue(server.awaitLoaded(Duration.ofSeconds(120)));
      Http http = new Http(server.uri());
      String body = features(http, 3);
      Http idle = new Http(server.uri()); // keeps an open connection to ask on during the stop
      assertEquals(200, idle.get("/v2/health/live").status());
      control.set(T07, ControlledRunners.Behaviour.BLOCK);
      int n = 4;
      control.arm(n);
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        inFlight.add(
            http.client()
                .sendAsync(
                    http.request("/v2/models/" + T07 + "/infer")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
      }
      assertTrue(control.awaitEntered(60));
      stopper =
          new Thread(
              () -> {
                try {
                  server.stop();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      stopper.start();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!server.isStopping() && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertTrue(server.isStopping());
      assertTrue(stopper.isAlive(), "the stop waits for the requests in flight");
      Answer late = idle.post("/v2/models/" + T07 + "/infer", body);
      assertEquals(503, late.status(), late.text());
      assertEquals("shutting down", late.error());

      control.release();
      for (CompletableFuture<HttpResponse<String>> f : inFlight) {
        Answer a = Http.answer(f.get(60, TimeUnit.SECONDS));
        assertTrue(a.status() == 200 || a.status() == 503, a.text());
        assertNotNull(a.json(), "a JSON body, never a reset: " + a.text());
        if (a.status() == 200) {
          assertEquals(3, a.json().get("outputs").get(0).get("data").size());
        } else {
          assertNotNull(a.error());
        }
      }
      stopper.join(30_000);
      assertFalse(stopper.isAlive());
      assertTrue(control.awaitClosings(50, 30), "every session is closed after the stop");
      assertThrows(IOException.class, () -> http.get("/v2/health/live"));
    } finally {
      control.release();
      if (stopper == null) {
        server.stop();
      }
    }
  }

  private static String features(Http http, int n) throws Exception {
    int k = http.get("/v2/models/" + T07).json().get("inputs").get(0).get("shape").get(1).asInt();
    return Http.json(
        Map.of(
            "inputs",
            List.of(
                Map.of(
                    "name",
                    "features",
                    "shape",
                    List.of(n, k),
                    "datatype",
                    "FP64",
                    "data",
                    new double[n * k]))));
  }

  private static void flipByte(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }
}
