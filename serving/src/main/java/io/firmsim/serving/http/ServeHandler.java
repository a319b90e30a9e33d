package io.firmsim.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.embedding.SimilarFirm;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.metrics.ServeMetrics;
import io.firmsim.serving.protocol.InferRequest;
import io.firmsim.serving.protocol.InferRequestParser;
import io.firmsim.serving.protocol.InferResponseWriter;
import io.firmsim.serving.protocol.Metadata;
import io.firmsim.serving.protocol.ProtocolJson;
import io.firmsim.serving.repository.IndexEntry;
import io.firmsim.serving.repository.LoadedArtifact;
import io.firmsim.serving.repository.ModelLease;
import io.firmsim.serving.repository.ServingRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the protocol's paths to the repository, the runners and the registered actions. */
final class ServeHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ServeHandler.class);
  private static final String GET = "GET";
  private static final String POST = "POST";

  /** The {@code model} label of infer requests for models the repository does not know. */
  static final String UNKNOWN_MODEL = "_unknown";

  private final ServingRepository repository;
  private final ServeMetrics metrics;
  private final long maxRequestBytes;
  private final long timeoutNanos;
  private final Map<String, ModelAction> actions;
  private final InputObserver observer;
  private final BooleanSupplier stopping;
  private final byte[] serverMetadata;
  private final Map<String, ServedEmbedding> embeddings;

  ServeHandler(
      ServingRepository repository,
      ServeMetrics metrics,
      long maxRequestBytes,
      long timeoutNanos,
      Map<String, ModelAction> actions,
      InputObserver observer,
      BooleanSupplier stopping,
      byte[] serverMetadata,
      Map<String, ServedEmbedding> embeddings) {
    this.embeddings = Map.copyOf(embeddings);
    this.repository = repository;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
    this.timeoutNanos = timeoutNanos;
    this.actions = Map.copyOf(actions);
    this.observer = observer;
    this.stopping = stopping;
    this.serverMetadata = serverMetadata.clone();
  }

  /** Thrown for a body over the limit: 413. */
  private static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    List<String> s = segments(path);
    try {
      route(s, method, request, response, callback);
    } catch (InferenceException e) {
      HttpAnswers.error(response, callback, e);
    } catch (TooLarge e) {
      // The client may still be sending the body. Closing with its bytes unread makes the
      // connection reset, which can destroy the answer before the client reads it: read and drop
      // a declared body of up to twice the limit first, and close the connection after the answer.
      drainDeclared(request, 2 * maxRequestBytes);
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      HttpAnswers.error(response, callback, 413, e.getMessage());
    } catch (MethodNotAllowed e) {
      response.getHeaders().put(HttpHeader.ALLOW, e.allowed);
      HttpAnswers.error(response, callback, 405, e.getMessage());
    } catch (Exception e) {
      LOG.error("{} {} failed", method, path, e);
      if (!response.isCommitted()) {
        HttpAnswers.error(response, callback, 500, "internal error: " + e);
      } else {
        callback.failed(e);
      }
    }
    return true;
  }

  private void route(
      List<String> s, String method, Request request, Response response, Callback callback)
      throws Exception {
    int n = s.size();
    if (n == 1 && s.get(0).equals("metrics")) {
      allow(method, GET);
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      metrics.write(out);
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, metrics.contentType());
      response.write(true, java.nio.ByteBuffer.wrap(out.toByteArray()), callback);
      return;
    }
    if (n == 0 || !s.get(0).equals("v2")) {
      throw notFound(s);
    }
    if (n == 1) {
      allow(method, GET);
      HttpAnswers.json(response, callback, 200, serverMetadata);
      return;
    }
    switch (s.get(1)) {
      case "health" -> health(s, method, response, callback);
      case "repository" -> repositoryEndpoint(s, method, request, response, callback);
      case "models" -> models(s, method, request, response, callback);
      default -> throw notFound(s);
    }
  }

  private void health(List<String> s, String method, Response response, Callback callback)
      throws Exception {
    if (s.size() != 3) {
      throw notFound(s);
    }
    ObjectNode body = ProtocolJson.MAPPER.createObjectNode();
    switch (s.get(2)) {
      case "live" -> {
        allow(method, GET);
        body.put("live", true);
        HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(body));
      }
      case "ready" -> {
        allow(method, GET);
        boolean ready = !stopping.getAsBoolean() && repository.ready();
        body.put("ready", ready);
        if (!ready) {
          body.put(
              "error",
              stopping.getAsBoolean()
                  ? "shutting down"
                  : repository.initialLoadDone()
                      ? "not every model of the repository is loaded (see /v2/repository/index)"
                      : "loading the repository");
          response.getHeaders().put(HttpHeader.RETRY_AFTER, HttpAnswers.RETRY_AFTER_SECONDS);
        }
        HttpAnswers.json(response, callback, ready ? 200 : 503, ProtocolJson.bytes(body));
      }
      default -> throw notFound(s);
    }
  }

  private void repositoryEndpoint(
      List<String> s, String method, Request request, Response response, Callback callback)
      throws Exception {
    int n = s.size();
    if (n == 3 && s.get(2).equals("index")) {
      allow(method, POST);
      byte[] body = readBody(request);
      boolean readyOnly = false;
      if (body.length > 0) {
        JsonNode tree;
        try {
          tree = ProtocolJson.MAPPER.readTree(body);
        } catch (IOException e) {
          throw new InferenceException(
              InferenceException.Reason.INVALID, "malformed JSON: " + e.getMessage());
        }
        if (tree != null && tree.has("ready")) {
          readyOnly = tree.get("ready").asBoolean(false);
        }
      }
      ArrayNode array = ProtocolJson.MAPPER.createArrayNode();
      for (IndexEntry e : repository.index()) {
        if (readyOnly && e.state() != io.firmsim.serving.repository.ArtifactState.READY) {
          continue;
        }
        ObjectNode o = array.addObject();
        o.put("name", e.name());
        o.put("version", e.version());
        o.put("state", e.state().name());
        o.put("reason", e.reason());
        ArrayNode models = o.putArray("models");
        e.models().forEach(models::add);
      }
      HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(array));
      return;
    }
    if (n == 5 && s.get(2).equals("models")) {
      String name = s.get(3);
      switch (s.get(4)) {
        case "load" -> {
          allow(method, POST);
          Content.consume(request);
          LoadedArtifact loaded = repository.load(name);
          ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
          o.put("name", loaded.name());
          o.put("version", loaded.version());
          o.put("state", "READY");
          ArrayNode models = o.putArray("models");
          loaded.runners().keySet().forEach(models::add);
          HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
          return;
        }
        case "unload" -> {
          allow(method, POST);
          Content.consume(request);
          repository.unload(name);
          ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
          o.put("name", name);
          o.put("state", "UNAVAILABLE");
          HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
          return;
        }
        default -> throw notFound(s);
      }
    }
    throw notFound(s);
  }

  private void models(
      List<String> s, String method, Request request, Response response, Callback callback)
      throws Exception {
    int n = s.size();
    if (n < 3) {
      throw notFound(s);
    }
    String model = s.get(2);
    String version = null;
    int rest = 3;
    if (n >= 5 && s.get(3).equals("versions")) {
      version = s.get(4);
      rest = 5;
    } else if (n == 4 && s.get(3).equals("versions")) {
      throw notFound(s);
    }
    if (n > rest + 1) {
      throw notFound(s);
    }
    String action = n == rest ? null : s.get(rest);
    ServedEmbedding embedding = embeddings.get(model);
    if (embedding != null) {
      embeddingModel(embedding, version, action, s, method, request, response, callback);
      return;
    }
    if (action != null && !action.equals("ready") && !action.equals("infer")) {
      ModelAction handler = actions.get(action);
      if (handler == null) {
        throw notFound(s);
      }
      if (repository.isArtifact(model)) {
        runAction(handler, model, version, request, response, callback);
        return;
      }
      // A served model: the action gets its artifact, and the model's name as an attribute.
      String artifact = repository.artifactOf(model).orElseThrow(() -> notFound(s));
      request.setAttribute(ModelAction.MODEL_ATTRIBUTE, model);
      runAction(handler, artifact, version, request, response, callback);
      return;
    }
    if (!repository.isModel(model)) {
      if (repository.isArtifact(model)) {
        throw new InferenceException(
            InferenceException.Reason.NOT_FOUND,
            model
                + " is an artifact; its served models are "
                + repository.modelNames().stream().filter(m -> m.startsWith(model + "-")).toList());
      }
      if (action != null && action.equals("infer")) {
        // Not the requested name: clients must not be able to add label values at will.
        metrics.requestRefused(UNKNOWN_MODEL, InferenceException.Reason.NOT_FOUND);
      }
      throw new InferenceException(InferenceException.Reason.NOT_FOUND, "unknown model " + model);
    }
    if (action == null) {
      allow(method, GET);
      try (ModelLease lease = repository.acquire(model, version)) {
        HttpAnswers.json(
            response,
            callback,
            200,
            Metadata.model(model, List.of(lease.version()), lease.runner().signature()));
      }
    } else if (action.equals("ready")) {
      allow(method, GET);
      ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
      o.put("name", model);
      try (ModelLease lease = repository.acquire(model, version)) {
        o.put("version", lease.version());
        o.put("ready", true);
        HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
      } catch (InferenceException e) {
        if (e.reason() != InferenceException.Reason.UNAVAILABLE) {
          throw e;
        }
        o.put("ready", false);
        o.put("error", e.getMessage());
        response.getHeaders().put(HttpHeader.RETRY_AFTER, HttpAnswers.RETRY_AFTER_SECONDS);
        HttpAnswers.json(response, callback, 503, ProtocolJson.bytes(o));
      }
    } else {
      allow(method, POST);
      infer(model, version, request, response, callback);
    }
  }

  private void infer(
      String model, String version, Request request, Response response, Callback callback)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    if (stopping.getAsBoolean()) {
      metrics.requestRefused(model, InferenceException.Reason.UNAVAILABLE);
      throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "shutting down");
    }
    ModelLease lease;
    try {
      lease = repository.acquire(model, version);
    } catch (InferenceException e) {
      metrics.requestRefused(model, e.reason());
      throw e;
    }
    metrics.requestStarted(model);
    InferenceException.Reason failure = InferenceException.Reason.ENGINE;
    try (lease) {
      byte[] body;
      try {
        body = readBody(request);
      } catch (TooLarge e) {
        failure = InferenceException.Reason.INVALID;
        throw e;
      }
      InferenceRunner runner = lease.runner();
      InferRequest parsed = InferRequestParser.parse(body, model, runner.signature());
      observe(model, lease.version(), parsed.inputs());
      List<HostTensor> outputs = runner.infer(parsed.inputs(), deadline);
      if (System.nanoTime() - deadline > 0) {
        throw new InferenceException(
            InferenceException.Reason.TIMEOUT,
            model + ": the answer took longer than the request time limit");
      }
      byte[] answer = InferResponseWriter.write(model, lease.version(), parsed, outputs);
      failure = null;
      HttpAnswers.json(response, callback, 200, answer);
    } catch (InferenceException e) {
      failure = e.reason();
      throw e;
    } finally {
      metrics.requestFinished(model, (System.nanoTime() - start) / 1e9, failure);
    }
  }

  /**
   * An embedding model: its metadata ({@code GET}, the encoder's signature), {@code POST .../infer}
   * (the encoder) and {@code GET .../similar?firm=ID&k=K}; it has one version, "1".
   */
  private void embeddingModel(
      ServedEmbedding served,
      String version,
      String action,
      List<String> s,
      String method,
      Request request,
      Response response,
      Callback callback)
      throws Exception {
    EmbeddingService embedding = served.service();
    if (version != null && !version.equals(EMBEDDING_VERSION)) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND,
          embedding.name()
              + " has no version "
              + version
              + " (it serves "
              + EMBEDDING_VERSION
              + ")");
    }
    if (action == null) {
      allow(method, GET);
      ObjectNode o =
          (ObjectNode)
              ProtocolJson.MAPPER.readTree(
                  Metadata.model(
                      embedding.name(), List.of(EMBEDDING_VERSION), served.encoder().signature()));
      o.put("firms", embedding.firms());
      o.putArray("extensions").add("similar");
      HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
      return;
    }
    if (action.equals("ready")) {
      allow(method, GET);
      ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
      o.put("name", embedding.name());
      o.put("version", EMBEDDING_VERSION);
      o.put("ready", true);
      HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
      return;
    }
    if (action.equals("infer")) {
      allow(method, POST);
      embeddingInfer(embedding.name(), served.encoder(), request, response, callback);
      return;
    }
    if (!action.equals("similar")) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND,
          "no such path: /"
              + String.join("/", s)
              + " ("
              + embedding.name()
              + " serves infer and similar)");
    }
    allow(method, GET);
    org.eclipse.jetty.util.Fields query = Request.extractQueryParameters(request);
    long firm = longParameter(query, "firm", null);
    long k = longParameter(query, "k", 10L);
    if (k < 1 || k > EmbeddingService.MAX_K) {
      throw new InferenceException(
          InferenceException.Reason.INVALID,
          "k must be in 1.." + EmbeddingService.MAX_K + ", found " + k);
    }
    List<SimilarFirm> found = embedding.similar(firm, (int) k);
    ObjectNode o = ProtocolJson.MAPPER.createObjectNode();
    o.put("model", embedding.name());
    o.put("firm", firm);
    ArrayNode neighbours = o.putArray("neighbours");
    for (SimilarFirm f : found) {
      ObjectNode n = neighbours.addObject();
      n.put("firm_id", f.firmId());
      n.put("end_year", f.endYear());
      n.put("distance", f.distance());
    }
    HttpAnswers.json(response, callback, 200, ProtocolJson.bytes(o));
  }

  /** Runs an embedding model's encoder: parsed, checked and answered as a repository model. */
  private void embeddingInfer(
      String model, InferenceRunner encoder, Request request, Response response, Callback callback)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    if (stopping.getAsBoolean()) {
      throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "shutting down");
    }
    byte[] body = readBody(request);
    InferRequest parsed = InferRequestParser.parse(body, model, encoder.signature());
    List<HostTensor> outputs = encoder.infer(parsed.inputs(), deadline);
    if (System.nanoTime() - deadline > 0) {
      throw new InferenceException(
          InferenceException.Reason.TIMEOUT,
          model + ": the answer took longer than the request time limit");
    }
    HttpAnswers.json(
        response,
        callback,
        200,
        InferResponseWriter.write(model, EMBEDDING_VERSION, parsed, outputs));
  }

  /** The version every embedding model answers to. */
  static final String EMBEDDING_VERSION = "1";

  /** A query parameter as a long: 400 when missing (and no default), repeated or not a number. */
  private static long longParameter(
      org.eclipse.jetty.util.Fields query, String name, Long defaultValue)
      throws InferenceException {
    List<String> values = query.getValues(name);
    if (values == null || values.isEmpty()) {
      if (defaultValue == null) {
        throw new InferenceException(
            InferenceException.Reason.INVALID, "the query parameter '" + name + "' is required");
      }
      return defaultValue;
    }
    if (values.size() > 1) {
      throw new InferenceException(
          InferenceException.Reason.INVALID, "the query parameter '" + name + "' is repeated");
    }
    try {
      return Long.parseLong(values.get(0).strip());
    } catch (NumberFormatException e) {
      throw new InferenceException(
          InferenceException.Reason.INVALID,
          "the query parameter '" + name + "' is not an integer: '" + values.get(0) + "'");
    }
  }

  private void observe(String model, String version, List<HostTensor> inputs) {
    try {
      observer.observe(model, version, inputs);
    } catch (RuntimeException e) {
      LOG.warn("input observer failed on {}/{}", model, version, e);
    }
  }

  private void runAction(
      ModelAction handler,
      String name,
      String version,
      Request request,
      Response response,
      Callback callback)
      throws Exception {
    if (stopping.getAsBoolean()) {
      throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "shutting down");
    }
    LoadedArtifact artifact = repository.acquireArtifact(name, version);
    Callback releasing = Callback.from(callback, artifact::release);
    try {
      handler.handle(artifact, request, response, releasing);
    } catch (InferenceException e) {
      if (!response.isCommitted()) {
        HttpAnswers.error(response, releasing, e);
      } else {
        releasing.failed(e);
      }
    } catch (Exception e) {
      LOG.error("action on {} failed", name, e);
      if (!response.isCommitted()) {
        HttpAnswers.error(response, releasing, 500, "internal error: " + e);
      } else {
        releasing.failed(e);
      }
    }
  }

  /**
   * Reads the body, refusing more than the limit (by Content-Length up front, else as it comes).
   */
  private byte[] readBody(Request request) throws IOException, TooLarge {
    long declared = request.getLength();
    if (declared > maxRequestBytes) {
      throw new TooLarge(
          "the request body has " + declared + " bytes, the limit is " + maxRequestBytes);
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.max(64, Math.min(declared, 1 << 20)));
    // Sized to the declared body (one read for the usual small request), at most 64 KiB.
    byte[] buf = new byte[declared >= 0 ? (int) Math.min(declared + 1, 65536) : 8192];
    long total = 0;
    try (InputStream in = Request.asInputStream(request)) {
      int r;
      while ((r = in.read(buf)) >= 0) {
        total += r;
        if (total > maxRequestBytes) {
          throw new TooLarge("the request body exceeds the limit of " + maxRequestBytes + " bytes");
        }
        out.write(buf, 0, r);
      }
    }
    return out.toByteArray();
  }

  /** Reads and drops the body when its declared length is at most {@code cap}; else nothing. */
  private static void drainDeclared(Request request, long cap) {
    long declared = request.getLength();
    if (declared < 0 || declared > cap) {
      return;
    }
    byte[] buf = new byte[65536];
    try (InputStream in = Request.asInputStream(request)) {
      while (in.read(buf) >= 0) {
        // dropped
      }
    } catch (IOException e) {
      // The client went away: nothing left to answer.
    }
  }

  private static void allow(String method, String allowed) throws MethodNotAllowed {
    if (!method.equals(allowed)) {
      throw new MethodNotAllowed(allowed);
    }
  }

  private static InferenceException notFound(List<String> s) {
    return new InferenceException(
        InferenceException.Reason.NOT_FOUND, "no such path: /" + String.join("/", s));
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    if (path == null) {
      return out;
    }
    Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).forEach(out::add);
    return out;
  }

  /** A path served with another method: 405 with {@code Allow}. */
  static final class MethodNotAllowed extends Exception {
    private static final long serialVersionUID = 1L;
    final String allowed;

    MethodNotAllowed(String allowed) {
      super("method not allowed: use " + allowed);
      this.allowed = allowed;
    }
  }

  /** Draining what a client sent with a request whose body is not read. */
  private static final class Content {
    static void consume(Request request) throws IOException {
      org.eclipse.jetty.io.Content.Source.consumeAll(request);
    }
  }
}
