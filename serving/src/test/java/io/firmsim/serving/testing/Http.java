package io.firmsim.serving.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JDK {@link HttpClient} front for the server tests (HTTP/1.1, JSON bodies). */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI base;

  /** An answer: status, body as JSON (null when it is not JSON) and the raw text. */
  public record Answer(int status, JsonNode json, String text, HttpResponse<String> response) {
    /** The {@code error} field of a failure. */
    public String error() {
      return json == null || !json.has("error") ? null : json.get("error").asText();
    }
  }

  public Http(URI base) {
    this.base = base;
  }

  public HttpClient client() {
    return client;
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public Answer post(String path, String body) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  public Answer send(HttpRequest request) throws IOException, InterruptedException {
    return answer(client.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  public static Answer answer(HttpResponse<String> r) {
    JsonNode json;
    try {
      json = JSON.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    return new Answer(r.statusCode(), json, r.body(), r);
  }

  /** JSON text of a tree or value. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
