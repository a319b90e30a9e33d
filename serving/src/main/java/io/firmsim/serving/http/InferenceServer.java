package io.firmsim.serving.http;

import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.metrics.ServeMetrics;
import io.firmsim.serving.protocol.Metadata;
import io.firmsim.serving.protocol.ProtocolJson;
import io.firmsim.serving.repository.RunnerWrapper;
import io.firmsim.serving.repository.ServingRepository;
import io.firmsim.serving.runtime.OrtModelRunner;
import io.firmsim.serving.runtime.RunListener;
import io.firmsim.serving.runtime.SessionSettings;
import io.firmsim.zoo.BuildInfo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * firmsim's HTTP inference server: the Open Inference Protocol v2 over a {@link ServingRepository},
 * on Jetty 12 core handlers with a bounded thread pool, a request body limit, a per-request time
 * limit, an access log (SLF4J logger {@code org.eclipse.jetty.server.RequestLog}) and graceful
 * shutdown.
 *
 * <p>Endpoints: {@code GET /v2/health/live}, {@code GET /v2/health/ready}, {@code GET /v2}, {@code
 * GET /v2/models/{m}[/versions/{v}]}, {@code GET .../ready}, {@code POST .../infer}, {@code POST
 * /v2/repository/index}, {@code POST /v2/repository/models/{NAME}/load|unload}, {@code GET
 * /metrics}, and the registered {@link ModelAction}s at {@code /v2/models/{NAME}[/versions/{v}]/
 * {action}}. Every failure answers {@code {"error": "..."}} with the status of its {@link
 * InferenceException.Reason} (413 for a body over the limit, 405 for another method).
 *
 * <p>{@link #start()} binds the port and returns; the repository loads in the background ({@code
 * /v2/health/ready} answers 503 until every model is loaded and warmed up). {@link #stop()} stops
 * accepting connections, lets the requests in progress finish for up to the shutdown timeout
 * (requests arriving meanwhile on open connections are answered 503 with {@code {"error"}}), then
 * releases the sessions.
 *
 * <p>Build one with {@link #builder()}; thread-safe.
 */
public final class InferenceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

  private final Builder config;
  private final ServeMetrics metrics;
  private final ServingRepository repository;
  private final Server server;
  private final ServerConnector connector;
  private final GracefulHandler graceful;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final Object stopLock = new Object();
  private volatile boolean stopped;
  private final Map<String, ServedEmbedding> embeddings;

  private InferenceServer(Builder b) {
    this.config = b;
    this.metrics = b.metrics != null ? b.metrics : new ServeMetrics();
    this.repository =
        ServingRepository.builder()
            .setDirectory(b.directory)
            .optSessionSettings(b.sessionSettings)
            .optRunnerWrapper(b.wrapper)
            .optMetrics(metrics)
            .optPollSeconds(b.pollSeconds)
            .build();

    this.embeddings = openEncoders(b);

    QueuedThreadPool pool = new QueuedThreadPool(b.httpThreads, Math.min(8, b.httpThreads));
    pool.setName("firmsim-http");
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(b.host);
    connector.setPort(b.port);
    server.addConnector(connector);

    List<String> extensions = new ArrayList<>(List.of("model_repository", "metrics"));
    extensions.addAll(b.actions.keySet());
    if (!b.embeddings.isEmpty()) {
      extensions.add("similar");
    }
    ServeHandler handler =
        new ServeHandler(
            repository,
            metrics,
            b.maxRequestBytes,
            b.requestTimeout.toNanos(),
            b.actions,
            b.observer,
            stopping::get,
            Metadata.server(BuildInfo.current().version(), extensions),
            embeddings);
    graceful =
        new GracefulHandler(handler) {
          @Override
          protected void handleShutdownRejection(
              Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, HttpAnswers.RETRY_AFTER_SECONDS);
            HttpAnswers.error(response, callback, 503, "shutting down");
          }
        };
    server.setHandler(graceful);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(b.shutdownTimeout.toMillis());
    server.setStopAtShutdown(false);
    server.setRequestLog(
        new CustomRequestLog(new Slf4jRequestLogWriter(), CustomRequestLog.EXTENDED_NCSA_FORMAT));
  }

  /** One ONNX Runtime session per embedding model's encoder, as the repository's models have. */
  private static Map<String, ServedEmbedding> openEncoders(Builder b) {
    Map<String, ServedEmbedding> out = new LinkedHashMap<>();
    try {
      for (EmbeddingService service : b.embeddings.values()) {
        InferenceRunner encoder =
            OrtModelRunner.open(
                service.name(), service.encoderGraph(), b.sessionSettings, RunListener.NONE);
        out.put(service.name(), new ServedEmbedding(service, encoder));
      }
    } catch (InferenceException e) {
      out.values().forEach(s -> s.encoder().close());
      throw new IllegalArgumentException(
          "embedding model: the encoder graph cannot be served: " + e.getMessage(), e);
    }
    return out;
  }

  /** A builder; {@link Builder#setRepository} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port, starts answering (live at once, ready once loaded) and loads the repository on
   * a background thread.
   *
   * @throws Exception when the port cannot be bound
   */
  public void start() throws Exception {
    server.start();
    Thread loader =
        new Thread(
            () -> {
              try {
                repository.loadAll();
              } catch (RuntimeException e) {
                LOG.error("loading the repository {} failed", repository.directory(), e);
              } finally {
                loaded.countDown();
              }
            },
            "firmsim-repository-load");
    loader.setDaemon(true);
    loader.start();
  }

  /**
   * Waits for the initial load of the repository.
   *
   * @return whether it finished within the timeout
   */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The address the server listens on, {@code http://HOST:PORT} (the bound port for port 0). */
  public URI uri() {
    String host = config.host;
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + connector.getLocalPort());
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The repository served. */
  public ServingRepository repository() {
    return repository;
  }

  /** The metrics written at {@code /metrics}. */
  public ServeMetrics metrics() {
    return metrics;
  }

  /** Whether {@link #stop()} has begun. */
  public boolean isStopping() {
    return stopping.get();
  }

  /**
   * Stops gracefully: no new connections; requests in progress finish (for up to the shutdown
   * timeout), new requests on open connections are answered 503; then the repository's sessions
   * close as their last requests release them. Idempotent.
   */
  public void stop() throws Exception {
    synchronized (stopLock) {
      if (stopped) {
        return;
      }
      stopping.set(true);
      LOG.info("stopping: finishing the requests in progress (up to {})", config.shutdownTimeout);
      try {
        server.stop();
      } finally {
        repository.close();
        embeddings.values().forEach(e -> e.encoder().close());
        stopped = true;
      }
    }
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** As {@link #stop()}, for try-with-resources. */
  @Override
  public void close() throws Exception {
    stop();
  }

  /** Jetty's own errors (unparsable requests, ...) as {@code {"error"}} JSON. */
  private static final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Object status = request.getAttribute(ERROR_STATUS);
      Object message = request.getAttribute(ERROR_MESSAGE);
      int code = status instanceof Integer i ? i : response.getStatus();
      if (code < 400) {
        code = 500;
      }
      HttpAnswers.json(
          response,
          callback,
          code,
          ProtocolJson.error(message == null ? "HTTP " + code : message.toString()));
      return true;
    }
  }

  /** Builds an {@link InferenceServer}: {@code setX} required, {@code optX} optional. */
  public static final class Builder {
    private Path directory;
    private String host = "127.0.0.1";
    private int port = 8080;
    private long maxRequestBytes = 64L << 20;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int httpThreads = 64;
    private SessionSettings sessionSettings = SessionSettings.DEFAULT;
    private long pollSeconds;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private RunnerWrapper wrapper = RunnerWrapper.IDENTITY;
    private final Map<String, ModelAction> actions = new LinkedHashMap<>();
    private InputObserver observer = InputObserver.NONE;
    private ServeMetrics metrics;
    private final Map<String, EmbeddingService> embeddings = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Serves an embedding model under its {@link EmbeddingService#name()}: metadata, {@code POST
     * /v2/models/{name}/infer} (its encoder graph, in an ONNX Runtime session opened at {@link
     * #build()} and closed at {@link InferenceServer#stop()}) and {@code GET
     * /v2/models/{name}/similar?firm=ID&k=K}. The name must not be taken by another embedding
     * model; it hides a repository model of the same name. The caller closes the service after the
     * server stopped.
     */
    public Builder optEmbeddingService(EmbeddingService service) {
      String name = service.name();
      if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(
            "an embedding model name is letters, digits, '_', '.' or '-', found '" + name + "'");
      }
      if (embeddings.putIfAbsent(name, service) != null) {
        throw new IllegalArgumentException("two embedding models are named " + name);
      }
      return this;
    }

    /** The repository folder ({@code NAME/VERSION/} artifacts). */
    public Builder setRepository(Path directory) {
      this.directory = directory;
      return this;
    }

    /** The interface to bind (default 127.0.0.1). */
    public Builder optHost(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** The port (default 8080; 0 for an ephemeral port, see {@link InferenceServer#port()}). */
    public Builder optPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, found " + port);
      }
      this.port = port;
      return this;
    }

    /** The largest request body in bytes (default 64 MiB); larger ones are answered 413. */
    public Builder optMaxRequestBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be positive, found " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /** Each infer request's time limit (default 30 s); passed to the runner, 504 past it. */
    public Builder optRequestTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, found " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** The HTTP thread pool's maximum (default 64, at least 8: Jetty's selector and acceptor). */
    public Builder optHttpThreads(int threads) {
      if (threads < 8) {
        throw new IllegalArgumentException("httpThreads must be at least 8, found " + threads);
      }
      this.httpThreads = threads;
      return this;
    }

    /** The sessions' thread settings (default one intra-op thread per session). */
    public Builder optSessionSettings(SessionSettings settings) {
      this.sessionSettings = Objects.requireNonNull(settings);
      return this;
    }

    /** Seconds between looks for new or changed versions (default 0: never). */
    public Builder optPollSeconds(long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("pollSeconds must be at least 0, found " + seconds);
      }
      this.pollSeconds = seconds;
      return this;
    }

    /** How long {@link InferenceServer#stop()} lets requests finish (default 30 s). */
    public Builder optShutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /** Wraps every session before it is served (default: as it is; batching goes here). */
    public Builder optRunnerWrapper(RunnerWrapper wrapper) {
      this.wrapper = Objects.requireNonNull(wrapper);
      return this;
    }

    /** Registers an artifact action at {@code /v2/models/{NAME}[/versions/{v}]/{name}}. */
    public Builder optAction(String name, ModelAction action) {
      if (name.equals("infer") || name.equals("ready") || name.equals("versions")) {
        throw new IllegalArgumentException("'" + name + "' is a protocol path, not an action");
      }
      actions.put(name, Objects.requireNonNull(action));
      return this;
    }

    /** Sees every infer request's checked inputs (default: nothing; drift goes here). */
    public Builder optInputObserver(InputObserver observer) {
      this.observer = Objects.requireNonNull(observer);
      return this;
    }

    /** The metrics (default: a new {@link ServeMetrics}); share it with the wrapper's batcher. */
    public Builder optMetrics(ServeMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Builds the server (nothing bound or loaded until {@link InferenceServer#start()}). */
    public InferenceServer build() {
      if (directory == null) {
        throw new IllegalArgumentException("You must specify the repository folder");
      }
      return new InferenceServer(this);
    }
  }
}
