package io.firmsim.serving.cli;

import io.firmsim.serving.assembly.ServingStack;
import io.firmsim.serving.batching.BatchPolicy;
import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.embedding.EmbeddingServiceLoader;
import io.firmsim.serving.http.InferenceServer;
import io.firmsim.serving.runtime.SessionSettings;
import io.firmsim.serving.simulation.SimulationLimits;
import io.firmsim.simulator.input.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim serve}: serves the ONNX graphs of a repository of model artifacts over HTTP with
 * the Open Inference Protocol v2 (see docs/SERVING.md), until SIGTERM or Ctrl-C, which stop it
 * gracefully.
 *
 * <p>With {@code --embedding}, embedding artifacts are served too, through the {@link
 * EmbeddingServiceLoader} the command was made with (the launcher's opens the trainer's artifacts).
 *
 * <p>Exit codes as every firmsim command: 2 for a repository folder that does not exist or holds
 * nothing servable (and no {@code --embedding}), an embedding folder refused, or an option out of
 * range. After a graceful stop by a signal the JVM exits with 128 + the signal (143 for SIGTERM,
 * 130 for Ctrl-C).
 */
@Command(
    name = "serve",
    sortOptions = false,
    mixinStandardHelpOptions = false,
    description = {
      "Serves the ONNX graphs of a model repository (NAME/VERSION/ artifact folders; the highest "
          + "numeric VERSION of each NAME) over HTTP with the Open Inference Protocol v2: one "
          + "model per ONNX file, named NAME-<file stem> (e.g. paper-year-sample-float64). "
          + "Stops gracefully on SIGTERM or Ctrl-C."
    })
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--repository",
      paramLabel = "DIR",
      required = true,
      description = "The model repository: artifact folders NAME/VERSION/ (numeric VERSION).")
  Path repository;

  @Option(
      names = "--embedding",
      paramLabel = "[NAME=]DIR",
      description =
          "An embedding artifact with an index (firmsim embed --out DIR) served as the model NAME"
              + " (default: the folder's name): its encoder at POST /v2/models/NAME/infer and"
              + " similar firms at GET /v2/models/NAME/similar?firm=ID&k=K; repeatable. The"
              + " repository may then be empty.")
  List<String> embeddings = new ArrayList<>();

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "The interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one, printed on stdout).")
  int port;

  @Option(
      names = "--poll-seconds",
      defaultValue = "0",
      description =
          "Seconds between looks for new or changed versions in the repository, which are loaded "
              + "and swapped in (default: ${DEFAULT-VALUE}: never).")
  long pollSeconds;

  @Option(
      names = "--max-request-bytes",
      defaultValue = "67108864",
      description = "The largest request body; larger ones are answered 413 (default: 64 MiB).")
  long maxRequestBytes;

  @Option(
      names = "--request-timeout-ms",
      defaultValue = "30000",
      description =
          "Each infer request's time limit; later answers are 504 (default: ${DEFAULT-VALUE}).")
  long requestTimeoutMs;

  @Option(
      names = "--http-threads",
      defaultValue = "64",
      description = "The most HTTP threads, at least 8 (default: ${DEFAULT-VALUE}).")
  int httpThreads;

  @Option(
      names = "--session-threads",
      defaultValue = "1",
      description =
          "Intra-op threads of each ONNX Runtime session (default: ${DEFAULT-VALUE}: requests run "
              + "in parallel on the HTTP threads; raise it for few, large requests).")
  int sessionThreads;

  @Option(
      names = "--shutdown-timeout-ms",
      defaultValue = "30000",
      description =
          "How long a graceful stop lets requests in progress finish (default: ${DEFAULT-VALUE}).")
  long shutdownTimeoutMs;

  @Option(
      names = "--batching",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Merge concurrent requests of a model into one run (default: on).")
  boolean batching;

  @Option(
      names = "--max-batch",
      defaultValue = "1024",
      description = "The most rows of one merged run (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(
      names = "--max-queue-delay-us",
      defaultValue = "0",
      description =
          "How long the first request of a run waits for others to merge with, in µs; with 0 a"
              + " run merges the requests that queued while the previous one ran"
              + " (default: ${DEFAULT-VALUE}).")
  long maxQueueDelayUs;

  @Option(
      names = "--max-queue",
      defaultValue = "1024",
      description =
          "The most requests waiting per model; more are answered 503 (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(
      names = "--drift-window",
      defaultValue = "10000",
      description =
          "Rows of the inputs each model saw last that drift is measured on, at least 500"
              + " (default: ${DEFAULT-VALUE}).")
  int driftWindow;

  @Option(
      names = "--max-simulation-firm-years",
      defaultValue = "50000000",
      description =
          "The most firms x (years + burn-in) one simulate request may ask for"
              + " (default: ${DEFAULT-VALUE}).")
  long maxSimulationFirmYears;

  private final EmbeddingServiceLoader embeddingLoader;

  /** The command without embedding models: {@code --embedding} is refused. */
  public ServeCommand() {
    this(EmbeddingServiceLoader.NONE);
  }

  /** The command whose {@code --embedding} folders are opened by {@code embeddingLoader}. */
  public ServeCommand(EmbeddingServiceLoader embeddingLoader) {
    this.embeddingLoader = Objects.requireNonNull(embeddingLoader);
  }

  /**
   * Opens every {@code --embedding} folder (all or none: those opened are closed when one fails).
   *
   * @throws BadInputException for a bad NAME, a repeated NAME, or a folder the loader refuses
   */
  public List<EmbeddingService> openEmbeddings() {
    List<EmbeddingService> opened = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try {
      for (String value : embeddings) {
        int eq = value.indexOf('=');
        Path dir = Path.of(eq < 0 ? value : value.substring(eq + 1));
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String name =
            eq < 0 ? (fileName == null ? "" : fileName.toString()) : value.substring(0, eq);
        if (!name.matches("[A-Za-z0-9_.-]+")) {
          throw new BadInputException(
              "--embedding "
                  + value
                  + ": the model name is letters, digits, '_', '.' or '-', found '"
                  + name
                  + "' (use NAME=DIR)");
        }
        if (!names.add(name)) {
          throw new BadInputException(
              "--embedding " + value + ": another --embedding is already named " + name);
        }
        opened.add(embeddingLoader.open(name, dir));
      }
      return List.copyOf(opened);
    } catch (RuntimeException e) {
      opened.forEach(EmbeddingService::close);
      throw e;
    }
  }

  /** The batching options as parsed (for the batcher's wrapper). */
  public BatchingOptions batchingOptions() {
    try {
      return new BatchingOptions(batching, maxBatch, maxQueueDelayUs, maxQueue);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /**
   * The server's builder with every option of the command applied; the repository folder is checked
   * first.
   *
   * @throws BadInputException for a missing repository folder or an option out of range
   */
  public InferenceServer.Builder serverBuilder() {
    if (!Files.isDirectory(repository)) {
      throw new BadInputException(
          "--repository "
              + repository
              + ": "
              + (Files.exists(repository) ? "not a folder" : "no such folder"));
    }
    try {
      return InferenceServer.builder()
          .setRepository(repository)
          .optHost(host)
          .optPort(port)
          .optPollSeconds(pollSeconds)
          .optMaxRequestBytes(maxRequestBytes)
          .optRequestTimeout(Duration.ofMillis(requestTimeoutMs))
          .optHttpThreads(httpThreads)
          .optSessionSettings(new SessionSettings(sessionThreads))
          .optShutdownTimeout(Duration.ofMillis(shutdownTimeoutMs));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws Exception {
    BatchingOptions batchingOptions = batchingOptions();
    List<EmbeddingService> services = openEmbeddings();
    try {
      return serve(batchingOptions, services);
    } finally {
      services.forEach(EmbeddingService::close);
    }
  }

  private int serve(BatchingOptions batchingOptions, List<EmbeddingService> services)
      throws Exception {
    InferenceServer server = buildServer(batchingOptions, services);
    if (services.isEmpty() && server.repository().scan().isEmpty()) {
      throw new BadInputException(
          "--repository "
              + repository
              + ": nothing to serve (no NAME/VERSION/ folder with a numeric VERSION)");
    }
    LOG.debug("batching options: {}", batchingOptions);
    Thread hook =
        new Thread(
            () -> {
              try {
                server.stop();
              } catch (Exception e) {
                LOG.warn("stopping the server failed", e);
              }
            },
            "firmsim-serve-shutdown");
    server.start();
    PrintWriter out = spec.commandLine().getOut();
    out.println("serving on " + server.uri());
    out.flush();
    Runtime.getRuntime().addShutdownHook(hook);
    server.awaitLoaded(Duration.ofDays(365));
    if (!server.isStopping()
        && services.isEmpty()
        && server.repository().index().stream()
            .noneMatch(e -> e.state() == io.firmsim.serving.repository.ArtifactState.READY)) {
      server.stop();
      removeHook(hook);
      throw new BadInputException(
          "--repository "
              + repository
              + ": nothing servable: no artifact loaded (see the log for each version's reason)");
    }
    server.join();
    return 0;
  }

  /**
   * The whole server as {@code serve} runs it (not started): the core with batching, drift
   * monitoring, the simulation endpoint, and the given embedding models (see {@link
   * #openEmbeddings()}; the caller closes them after the server stopped).
   *
   * @throws BadInputException for a missing repository folder or an option out of range
   */
  public InferenceServer buildServer(List<EmbeddingService> services) {
    return buildServer(batchingOptions(), services);
  }

  InferenceServer buildServer(BatchingOptions b, List<EmbeddingService> services) {
    SimulationLimits defaults = SimulationLimits.defaults();
    try {
      InferenceServer.Builder builder = serverBuilder();
      services.forEach(builder::optEmbeddingService);
      return ServingStack.build(
          builder,
          b.enabled()
              ? Optional.of(
                  new BatchPolicy(
                      b.maxBatchRows(),
                      Duration.ofNanos(b.maxQueueDelayMicros() * 1000),
                      b.maxQueue()))
              : Optional.empty(),
          driftWindow,
          new SimulationLimits(
              maxSimulationFirmYears,
              defaults.maxFirms(),
              defaults.maxYears(),
              Math.max(defaults.maxBodyBytes(), maxRequestBytes)));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs anyway.
    }
  }
}
