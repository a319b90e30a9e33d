package io.firmsim.trainer.orchestrator.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.artifact.EmbeddingMetadata;
import io.firmsim.trainer.orchestrator.config.EmbedConfig;
import io.firmsim.trainer.orchestrator.graph.FileIncrementalCache;
import io.firmsim.trainer.orchestrator.graph.GraphRunner;
import io.firmsim.trainer.orchestrator.graph.IncrementalCache;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunOptions;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskGraph;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.trainer.orchestrator.train.Provenance;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One embedding run as a task graph: {@code data:panel} (the panel CSV, its features and windows),
 * one {@code embed:seedN} task per seed (independent, so they train in parallel, with the anomaly
 * task beside them, up to {@code embed.parallelism} tasks at once), {@code index:firms} (each
 * firm's latest window embedded by the first seed's encoder, an HNSW index) and {@code
 * anomaly:firm-years} (isolation-forest scores per firm-year). {@code firmsim train CONFIG.yaml}
 * runs it when the file's top level is {@code embed:}.
 *
 * <p><b>Reuse.</b> Every task's key covers the panel file's SHA-256 (through the data task's output
 * hash), its own settings and the code version ({@link BuildInfo#codeVersion()}, injectable for
 * tests): an unchanged configuration reuses every task, a changed panel file re-runs them all, a
 * new seed trains only its encoder. Encoders, index and scores live as folders in {@code
 * DIRECTORY/.firmsim-state/embed-NAME-VERSION/}; a damaged one is built again.
 *
 * <p><b>Output.</b> When every task succeeded the folder {@code DIRECTORY/NAME/VERSION/} is written
 * as a whole ({@link OutputDirectory}: staged, then moved into place; a previous output is
 * replaced): {@code encoder/} (the first seed's embedding artifact, {@link EmbeddingArtifact}),
 * {@code index/} ({@code EmbeddingIndex.load}), {@code anomalies.csv} and {@code anomalies.json},
 * and {@code report.json} (format {@value #FORMAT}, version {@value #VERSION}): every encoder's
 * losses and time, the index, the flagged counts, every task's status and time, and the SHA-256 of
 * every other file, which {@link #verifyOutput} checks. A failed run leaves the previous output
 * untouched and puts its report in the state's {@code last-run/}.
 */
public final class EmbedRun {
  /** The format name of {@code report.json}. */
  public static final String FORMAT = "firmsim-embedding-run";

  /** The format version of {@code report.json}. */
  public static final int VERSION = 1;

  /** The report's file name. */
  public static final String REPORT = "report.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EmbedConfig config;
  private final String codeVersion;
  private final DataTask dataTask;
  private Path reportFolder;
  private boolean written;

  /** A run keyed by this build. */
  public EmbedRun(EmbedConfig config) {
    this(config, BuildInfo.current().codeVersion());
  }

  /**
   * @param codeVersion the code version in every key and in the provenance
   */
  public EmbedRun(EmbedConfig config, String codeVersion) {
    this.config = Objects.requireNonNull(config, "config");
    this.codeVersion = Objects.requireNonNull(codeVersion, "codeVersion");
    this.dataTask = new DataTask(config.panel(), config.window(), codeVersion);
  }

  /** The output folder {@code DIRECTORY/NAME/VERSION}. */
  public Path outputDir() {
    EmbedConfig.Output o = config.output();
    return o.directory().resolve(o.name()).resolve(o.version());
  }

  /** The run state: cache, encoders, index, scores, a failed run's report. */
  public Path state() {
    EmbedConfig.Output o = config.output();
    return o.directory().resolve(".firmsim-state").resolve("embed-" + o.name() + "-" + o.version());
  }

  /** Where the last run's report went (the output, or the state after a failure). */
  public Path reportFolder() {
    return reportFolder;
  }

  /** Whether the last run wrote the output folder. */
  public boolean written() {
    return written;
  }

  /**
   * Refuses, before any work and naming it, an output folder that cannot be used.
   *
   * @throws BadInputException naming the location
   */
  public void checkOutput() {
    OutputDirectory.check(outputDir(), true);
  }

  private Path artifacts() {
    return state().resolve("artifacts");
  }

  /** The task graph (building it reads no data). */
  public TaskGraph graph() {
    StateStore folders = new StateStore(artifacts());
    List<Task> tasks = new ArrayList<>();
    tasks.add(dataTask);
    for (long seed : config.seeds()) {
      tasks.add(
          new EncoderTask(config, seed, folders.folder(EncoderTask.artifact(seed)), codeVersion));
    }
    tasks.add(
        new IndexTask(
            config.seeds().get(0),
            config.window(),
            config.metric(),
            folders.folder(IndexTask.INDEX),
            codeVersion));
    tasks.add(
        new AnomalyTask(config.anomaly(), folders.folder(AnomalyTask.ANOMALIES), codeVersion));
    return TaskGraph.of(tasks);
  }

  /**
   * Runs the graph (or the part selected) and, when every task of the full graph succeeded or was
   * reused, writes the output folder.
   *
   * @throws BadInputException when a task failed on bad input (the panel file)
   */
  public RunReport run(TaskGraph graph, boolean force, RunListener listener) throws IOException {
    checkOutput();
    written = false;
    Instant start = Instant.now();
    StateStore store = new StateStore(artifacts());
    IncrementalCache cache = new FileIncrementalCache(state().resolve("cache"));
    RunReport report =
        new GraphRunner()
            .run(graph, store, cache, new RunOptions(config.parallelism(), force, listener));
    for (TaskOutcome o : report.outcomes()) {
      if (o.status() == TaskOutcome.Status.FAILED
          && (o.error() instanceof BadInputException || o.error() instanceof ModelSpecException)) {
        throw (RuntimeException) o.error();
      }
    }
    List<String> needed = new ArrayList<>();
    config.seeds().forEach(s -> needed.add(EncoderTask.artifact(s)));
    needed.add(IndexTask.INDEX);
    needed.add(AnomalyTask.ANOMALIES);
    boolean complete =
        !report.anyFailed()
            && graph.tasks().size() == graph().tasks().size()
            && needed.stream().allMatch(store::exists);
    ObjectNode json = report(start, report, complete ? store : null);
    if (complete) {
      try (OutputDirectory out = OutputDirectory.begin(outputDir(), true, "train")) {
        Path dir = out.staging();
        Path encoder = (Path) store.get(EncoderTask.artifact(config.seeds().get(0)));
        copyTree(encoder, dir.resolve("encoder"));
        copyTree((Path) store.get(IndexTask.INDEX), dir.resolve("index"));
        Path anomalies = (Path) store.get(AnomalyTask.ANOMALIES);
        Files.copy(anomalies.resolve(AnomalyTask.CSV), dir.resolve(AnomalyTask.CSV));
        Files.copy(anomalies.resolve(AnomalyTask.MANIFEST), dir.resolve(AnomalyTask.MANIFEST));
        ObjectNode files = json.putObject("files");
        for (Path f : listFiles(dir)) {
          String rel = dir.relativize(f).toString().replace('\\', '/');
          if (!rel.equals(OutputDirectory.MARKER) && !isStagingFile(rel)) {
            files.put(rel, Hashing.sha256(f));
          }
        }
        Files.write(dir.resolve(REPORT), pretty(json));
        out.commit();
      }
      reportFolder = outputDir();
      written = true;
    } else {
      reportFolder = state().resolve("last-run");
      Files.createDirectories(reportFolder);
      Files.write(reportFolder.resolve(REPORT), pretty(json));
    }
    return report;
  }

  private static boolean isStagingFile(String rel) {
    return !rel.contains("/") && rel.startsWith(".");
  }

  /**
   * Checks an output folder: {@code report.json} of format {@value #FORMAT}, version {@value
   * #VERSION}, every file it lists present with its SHA-256, no other file (the output marker
   * aside), and the encoder a valid embedding artifact.
   *
   * @throws BadInputException naming the file that is missing, changed, unknown or of another
   *     format
   */
  public static void verifyOutput(Path dir) {
    Path reportFile = dir.resolve(REPORT);
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(reportFile));
    } catch (IOException e) {
      throw new BadInputException(reportFile + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new BadInputException(
          reportFile + ": not an embedding run report (format is not '" + FORMAT + "')");
    }
    if (root.path("version").asInt(-1) != VERSION) {
      throw new BadInputException(
          reportFile
              + ": format version "
              + root.path("version")
              + " is not supported (this firmsim reads version "
              + VERSION
              + ")");
    }
    JsonNode files = root.path("files");
    Set<String> listed = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path f = dir.resolve(e.getKey()).normalize();
      listed.add(e.getKey());
      if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        throw new BadInputException(f + ": missing, but listed in " + reportFile);
      }
      try {
        if (!Hashing.sha256(f).equals(e.getValue().asText())) {
          throw new BadInputException(
              f + ": changed (its SHA-256 differs from " + reportFile + ")");
        }
      } catch (IOException ex) {
        throw new BadInputException(f + ": cannot read: " + ex.getMessage(), ex);
      }
    }
    try {
      for (Path f : listFiles(dir)) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        if (!rel.equals(REPORT) && !rel.equals(OutputDirectory.MARKER) && !listed.contains(rel)) {
          throw new BadInputException(f + ": not listed in " + reportFile);
        }
      }
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot list: " + e.getMessage(), e);
    }
    EmbeddingArtifact.open(dir.resolve("encoder"));
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Path f : listFiles(from)) {
      String rel = from.relativize(f).toString();
      if (rel.equals(EmbeddingArtifact.OUTPUT_MARKER)) {
        continue;
      }
      Path target = to.resolve(rel);
      Files.createDirectories(target.getParent());
      Files.copy(f, target);
    }
  }

  /** report.json: provenance, encoders, index, anomalies (from the state's files), tasks. */
  private ObjectNode report(Instant start, RunReport run, StateStore store) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    EmbedConfig.Output out = config.output();
    root.put("output", out.name() + "/" + out.version());
    ObjectNode p = root.putObject("provenance");
    p.put("panel", config.panel().getFileName().toString());
    p.put("panelSha256", dataTask.sha256());
    p.put("config", config.source().getFileName().toString());
    p.put("configSha256", Hashing.sha256(config.source()));
    p.put("command", "train");
    p.set("firmsim", MAPPER.valueToTree(Provenance.firmsim(codeVersion)));
    p.set("libraries", MAPPER.valueToTree(Provenance.libraries()));
    p.put("created", start.toString());
    ObjectNode settings = root.putObject("settings");
    settings.put("window", config.window());
    settings.put("dim", config.dim());
    settings.put("hidden", config.hidden());
    settings.put("steps", config.steps());
    settings.put("batchSize", config.batchSize());
    settings.put("learningRate", config.learningRate());
    settings.put("metric", config.metric().name().toLowerCase(java.util.Locale.ROOT));
    settings.put("parallelism", config.parallelism());
    if (store != null) {
      ArrayNode encoders = root.putArray("encoders");
      for (long seed : config.seeds()) {
        String id = "embed:seed" + seed;
        Path dir = (Path) store.get(EncoderTask.artifact(seed));
        JsonNode training =
            EmbeddingMetadata.read(dir.resolve(EmbeddingMetadata.FILE))
                .provenance()
                .path("training");
        ObjectNode e = encoders.addObject();
        e.put("seed", seed);
        e.put("task", id);
        e.put("status", run.outcome(id).map(o -> o.status().name()).orElse("NOT RUN"));
        e.set("steps", training.path("steps"));
        e.set("initialLoss", training.path("initialLoss"));
        e.set("finalLoss", training.path("finalLoss"));
        e.set("trainingSeconds", training.path("seconds"));
        e.put("inOutput", seed == config.seeds().get(0));
      }
      Path index = (Path) store.get(IndexTask.INDEX);
      JsonNode manifest = MAPPER.readTree(index.resolve("index.json").toFile());
      ObjectNode i = root.putObject("index");
      i.set("rows", manifest.path("rows"));
      i.set("dimension", manifest.path("dimension"));
      i.set("metric", manifest.path("metric"));
      i.put("encoderSeed", config.seeds().get(0));
      Path anomalies = (Path) store.get(AnomalyTask.ANOMALIES);
      JsonNode a = MAPPER.readTree(anomalies.resolve(AnomalyTask.MANIFEST).toFile());
      ObjectNode an = root.putObject("anomalies");
      for (String k : List.of("rows", "flagged", "threshold", "trees", "quantile", "seed")) {
        an.set(k, a.path(k));
      }
    }
    ArrayNode tasks = root.putArray("tasks");
    for (TaskOutcome o : run.outcomes()) {
      ObjectNode t = tasks.addObject();
      t.put("id", o.taskId());
      t.put("kind", o.kind());
      t.put("stage", o.stage());
      t.put("status", o.status().name());
      t.put("seconds", o.wallTime().toNanos() / 1e9);
      t.put("message", o.message());
    }
    root.put("summary", run.summary());
    return root;
  }

  private static byte[] pretty(JsonNode node) throws IOException {
    return (MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
