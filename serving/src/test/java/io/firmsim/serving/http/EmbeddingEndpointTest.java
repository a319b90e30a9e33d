package io.firmsim.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.embedding.SimilarFirm;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.testing.Http;
import io.firmsim.serving.testing.TestArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding extension point alone (no trainer): a hand-made {@link EmbeddingService} served
 * beside a repository model. Its answers are known in advance, so the JSON is checked field by
 * field; the service's encoder graph is a paper graph (only its signature matters here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingEndpointTest {
  @TempDir static Path repo;
  private InferenceServer server;
  private Http http;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private byte[] graph;

  /** Firm 5 has neighbours 9 (2019, 0.25) and 3 (2018, 1.5); other firms are unknown. */
  private final class HandMade implements EmbeddingService {
    @Override
    public String name() {
      return "hand";
    }

    @Override
    public int firms() {
      return 3;
    }

    @Override
    public byte[] encoderGraph() {
      return graph;
    }

    @Override
    public List<SimilarFirm> similar(long firmId, int k) throws InferenceException {
      calls.add(firmId + "/" + k);
      if (firmId != 5) {
        throw new InferenceException(InferenceException.Reason.NOT_FOUND, "firm " + firmId + "?");
      }
      List<SimilarFirm> all =
          List.of(new SimilarFirm(9, 2019, 0.25), new SimilarFirm(3, 2018, 1.5));
      return all.subList(0, Math.min(k, all.size()));
    }

    @Override
    public void close() {}
  }

  @BeforeAll
  void start() throws Exception {
    Path artifact = TestArtifacts.installPaper(repo, "1");
    try (Stream<Path> files = Files.walk(artifact)) {
      Path onnx =
          files
              .filter(p -> p.getFileName().toString().equals("T07-mean-float64.onnx"))
              .findFirst()
              .orElseThrow();
      graph = Files.readAllBytes(onnx);
    }
    server =
        InferenceServer.builder()
            .setRepository(repo)
            .optPort(0)
            .optHttpThreads(8)
            .optEmbeddingService(new HandMade())
            .build();
    server.start();
    assertTrue(server.awaitLoaded(Duration.ofSeconds(60)));
    http = new Http(server.uri());
  }

  @AfterAll
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void similarAnswersTheServicesNeighboursAsJson() throws Exception {
    Http.Answer a = http.get("/v2/models/hand/similar?firm=5&k=1");
    assertEquals(200, a.status(), a.text());
    assertEquals(
        "{\"model\":\"hand\",\"firm\":5,\"neighbours\":"
            + "[{\"firm_id\":9,\"end_year\":2019,\"distance\":0.25}]}",
        a.text());
    Http.Answer d = http.get("/v2/models/hand/similar?firm=5");
    assertEquals(2, d.json().get("neighbours").size());
    assertTrue(calls.contains("5/10"), "k defaults to 10: " + calls);
    assertEquals(404, http.get("/v2/models/hand/similar?firm=6").status());
    int before = calls.size();
    assertEquals(400, http.get("/v2/models/hand/similar?firm=5&k=0").status());
    assertEquals(400, http.get("/v2/models/hand/similar").status());
    assertEquals(before, calls.size(), "a bad request never reaches the service");
  }

  @Test
  void metadataIsTheEncodersSignatureAndTheRepositoryStillServes() throws Exception {
    JsonNode meta = http.get("/v2/models/hand").json();
    JsonNode paper = http.get("/v2/models/paper-T07-mean-float64").json();
    assertEquals(paper.get("inputs"), meta.get("inputs"));
    assertEquals(paper.get("outputs"), meta.get("outputs"));
    assertEquals(3, meta.get("firms").asInt());
    assertEquals(200, http.get("/v2/models/hand/ready").status());
    assertTrue(
        http.get("/v2").json().get("extensions").toString().contains("similar"),
        "the server metadata lists the extension");
    assertEquals(404, http.get("/v2/models/hand/drift").status());
  }

  @Test
  void twoServicesOfOneNameAreRefused() {
    InferenceServer.Builder b = InferenceServer.builder().setRepository(repo);
    b.optEmbeddingService(new HandMade());
    assertThrows(IllegalArgumentException.class, () -> b.optEmbeddingService(new HandMade()));
  }
}
