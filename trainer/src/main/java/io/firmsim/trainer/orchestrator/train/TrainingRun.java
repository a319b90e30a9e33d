package io.firmsim.trainer.orchestrator.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.gates.GateReport;
import io.firmsim.trainer.orchestrator.graph.ArtifactStore;
import io.firmsim.trainer.orchestrator.graph.FileIncrementalCache;
import io.firmsim.trainer.orchestrator.graph.GraphRunner;
import io.firmsim.trainer.orchestrator.graph.IncrementalCache;
import io.firmsim.trainer.orchestrator.graph.MemoryArtifactStore;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunOptions;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskGraph;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One refit of a model's submodels on a panel, as a task graph: data (a panel file or a generated
 * panel), quality gates, one fit per submodel, the reference profile of the training data (for
 * drift monitoring), assembly of the model. {@code firmsim train} runs it from a YAML configuration
 * into a model folder, with incremental reuse; {@code firmsim fit-model} is a preset of the same
 * graph (every equation, no validation share) into one model file. Both write the same model for
 * the same settings and data.
 *
 * <p><b>Reuse.</b> Each task's key covers the streamed SHA-256 of every file it reads (panel, macro
 * path, model files), every setting that changes its output, and the code version ({@link
 * BuildInfo#codeVersion()}, injectable for tests): change any of them and exactly the tasks
 * downstream run again. Fitted submodels and the assembled model are kept in {@code
 * DIRECTORY/.firmsim-state/NAME-VERSION/} with their content hashes, verified before reuse.
 *
 * <p><b>Outputs.</b> The model and its reports appear together or not at all: {@code train} writes
 * {@code DIRECTORY/NAME-VERSION/} ({@code model.json}, {@code report.json}, {@code report.md})
 * through {@link OutputDirectory}, replacing its own previous output as a whole with one rename;
 * {@code fit-model} writes its file through {@link OutputFile}. A run that fails (a gate, a fit, no
 * estimable submodel) leaves the previous complete output untouched; {@code train} then puts its
 * reports in {@code .firmsim-state/NAME-VERSION/last-run/}. {@link #checkOutput()} refuses an
 * unusable output location before any work.
 */
public final class TrainingRun {
  /**
   * Where a run's model goes.
   *
   * @param command the command, for the reports and the output marker ({@code train}, {@code
   *     fit-model})
   * @param folder the model folder (train), or null
   * @param file the model file (fit-model), or null
   * @param overwrite whether an existing model file may be replaced (file only; a model folder is
   *     always replaced when it is a previous firmsim output)
   * @param modelName the model's name in the file
   */
  public record Destination(
      String command, Path folder, Path file, boolean overwrite, String modelName) {
    public Destination {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(modelName, "modelName");
      if ((folder == null) == (file == null)) {
        throw new IllegalArgumentException("exactly one of folder and file must be given");
      }
    }

    /** {@code train}'s model folder {@code DIRECTORY/NAME-VERSION}. */
    public static Destination folder(TrainingConfig config) {
      TrainingConfig.Output out = config.model().output();
      String name = out.name() + "-" + out.version();
      return new Destination("train", out.directory().resolve(name), null, true, name);
    }

    /** One model file ({@code fit-model --out}). */
    public static Destination file(Path file, boolean overwrite, String modelName) {
      return new Destination("fit-model", null, file, overwrite, modelName);
    }
  }

  private final TrainingConfig config;
  private final ModelSpec base;
  private final Destination destination;
  private final boolean schweppe;
  private final String codeVersion;
  private final InputFiles files = new InputFiles();
  private final AtomicReference<GateReport> gateReport = new AtomicReference<>();
  private Map<String, Object> provenance;
  private Path reportFolder;
  private String reportMarkdown = "";
  private boolean written;

  /** A {@code train} run of the configuration into its model folder, keyed by this build. */
  public TrainingRun(TrainingConfig config) {
    this(config, Destination.folder(config), true, BuildInfo.current().codeVersion());
  }

  /**
   * @param schweppe Huber levels with leverage weights
   * @param codeVersion the code version in every task's key and in the provenance ({@link
   *     BuildInfo#codeVersion()} outside tests)
   */
  public TrainingRun(
      TrainingConfig config, Destination destination, boolean schweppe, String codeVersion) {
    this.config = Objects.requireNonNull(config, "config");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.schweppe = schweppe;
    this.codeVersion = Objects.requireNonNull(codeVersion, "codeVersion");
    this.base = config.model().base().loadStructure();
  }

  /**
   * Refuses, before any work and naming it, an output location that cannot be used: a model folder
   * that is a file, sits in a folder that cannot be written, or is a non-empty folder that is not a
   * previous firmsim output; a model file that is a folder, cannot be written, or exists (without
   * overwrite).
   *
   * @throws BadInputException naming the location
   */
  public void checkOutput() {
    if (destination.folder() != null) {
      OutputDirectory.check(destination.folder(), true);
    } else {
      OutputFile.check(destination.file(), destination.overwrite());
    }
  }

  /** The model file this run writes. */
  public Path modelFile() {
    return destination.folder() != null
        ? destination.folder().resolve("model.json")
        : destination.file();
  }

  /** The model folder ({@code train}), or the model file's folder. */
  public Path folder() {
    return destination.folder() != null
        ? destination.folder()
        : destination.file().toAbsolutePath().getParent();
  }

  /** Where the last run's reports went (the model folder, or the run state after a failure). */
  public Path reportFolder() {
    return reportFolder;
  }

  /** The last run's report as Markdown (also written as {@code report.md} where reports go). */
  public String reportMarkdown() {
    return reportMarkdown;
  }

  /** Whether the last run wrote the model (and its reports) to the output location. */
  public boolean written() {
    return written;
  }

  /** The run state of a {@code train} run: cache, reusable artifacts, a failed run's reports. */
  private Path state() {
    TrainingConfig.Output out = config.model().output();
    return out.directory().resolve(".firmsim-state").resolve(destination.modelName());
  }

  /**
   * The provenance of the model (no times, so it can be reproduced): data file names and hashes,
   * generating settings, base model, training settings, library and runtime versions, firmsim's
   * build. Computing it hashes the input files (once; the task keys share the hashes).
   */
  synchronized Map<String, Object> provenance() {
    if (provenance != null) {
      return provenance;
    }
    Map<String, Object> p = new LinkedHashMap<>();
    Map<String, Object> data = new LinkedHashMap<>();
    if (config.data().panel().isPresent()) {
      Path panel = config.data().panel().get();
      data.put("panel", panel.getFileName().toString());
      data.put("sha256", files.sha256(panel));
    } else {
      TrainingConfig.Generate g = config.data().generate().orElseThrow();
      Map<String, Object> gen = new LinkedHashMap<>();
      gen.put("firms", g.firms());
      gen.put("years", g.years());
      gen.put("burnIn", g.burnIn());
      gen.put("seed", g.seed());
      gen.put(
          "model",
          g.model().file() == null
              ? g.model().builtin()
              : g.model().file().getFileName().toString());
      if (g.model().file() != null) {
        gen.put("modelSha256", files.sha256(g.model().file()));
      }
      data.put("generated", gen);
    }
    if (config.data().macro().isPresent()) {
      Path macro = config.data().macro().get();
      data.put("macro", macro.getFileName().toString());
      data.put("macroSha256", files.sha256(macro));
    }
    p.put("data", data);
    Map<String, Object> baseModel = new LinkedHashMap<>();
    baseModel.put("name", base.name());
    TrainingConfig.ModelRef ref = config.model().base();
    if (ref.file() != null) {
      baseModel.put("file", ref.file().getFileName().toString());
      baseModel.put("sha256", files.sha256(ref.file()));
    } else {
      baseModel.put("builtin", ref.builtin());
    }
    p.put("baseModel", baseModel);
    JsonNode training = config.section("training");
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("seed", config.training().seed());
    t.put("validationShare", config.training().validationShare());
    t.put("device", config.training().device().yamlName());
    t.put("schweppe", schweppe);
    t.put("equations", config.training().equations());
    t.put("defaults", training.get("defaults"));
    t.put("submodels", training.get("submodels"));
    p.put("training", t);
    p.put("libraries", Provenance.libraries());
    p.put("firmsim", Provenance.firmsim(codeVersion));
    provenance = p;
    return p;
  }

  /** The task graph of the configuration (building it reads no data). */
  public TaskGraph graph() {
    List<Task> tasks = new ArrayList<>();
    tasks.add(new DataTask(config, codeVersion, files));
    tasks.add(new GatesTask(config, base, gateReport::set, codeVersion, files));
    tasks.add(new ProfileTask(io.firmsim.zoo.profile.ReferenceProfile.DEFAULT_BINS, codeVersion));
    Set<String> fitted = new LinkedHashSet<>(config.training().equations());
    Engine engine = Engine.getEngine("PyTorch");
    DeviceChoice device = DeviceChoice.valueOf(config.training().device().name());
    for (EquationSpec e : base.equations()) {
      if (!fitted.contains(e.target())) {
        continue;
      }
      for (String s : e.method().submodels()) {
        String key = e.target() + "." + s;
        TrainingConfig.TaskSettings t = config.training().settings(key);
        SubmodelSettings settings =
            new SubmodelSettings(
                config.training().features(key).orElse(e.submodel(s).features()),
                t.fitOptions(),
                t.allowNonConverged(),
                schweppe);
        tasks.add(
            new FitTask(
                e,
                s,
                settings,
                () -> NDManager.newBaseManager(device.resolve(engine), engine.getEngineName()),
                codeVersion));
      }
    }
    tasks.add(
        new AssembleTask(
            base,
            files.identity(config.model().base(), codeVersion),
            fitted,
            destination.modelName(),
            this::provenance));
    return TaskGraph.of(tasks);
  }

  /**
   * Runs the graph (or the part of it selected) and, when every task succeeded and the graph
   * assembled a model, writes the model and its reports to the output location as a whole.
   *
   * @throws BadInputException when a task failed on bad input (a panel, macro or model file)
   */
  public RunReport run(TaskGraph graph, boolean force, RunListener listener) throws IOException {
    checkOutput();
    written = false;
    Instant start = Instant.now();
    ArtifactStore store;
    IncrementalCache cache;
    if (destination.folder() != null) {
      // Run state lives beside the model folder, not in it, so that the model folder is only
      // ever replaced as a whole.
      Path state = state();
      DirectoryArtifactStore dir = new DirectoryArtifactStore(state.resolve("artifacts"));
      cache = new FileIncrementalCache(state.resolve("cache"));
      if (!dir.exists(AssembleTask.MODEL)) {
        cache.invalidate("assemble:model"); // the model is needed after the run: assemble it
      }
      store = dir;
    } else {
      store = new MemoryArtifactStore();
      cache = IncrementalCache.disabled();
    }
    RunReport report =
        new GraphRunner()
            .run(
                graph,
                store,
                cache,
                new RunOptions(config.training().parallelism(), force, listener));
    Instant end = Instant.now();
    for (TaskOutcome o : report.outcomes()) {
      if (o.status() == TaskOutcome.Status.FAILED
          && (o.error() instanceof BadInputException || o.error() instanceof ModelSpecException)) {
        throw (RuntimeException) o.error();
      }
    }
    GateReport gates = gateReport.get();
    boolean complete =
        !report.anyFailed()
            && graph.task("assemble:model").isPresent()
            && store.exists(AssembleTask.MODEL);
    if (complete) {
      byte[] model = DirectoryArtifactStore.canonical((JsonNode) store.get(AssembleTask.MODEL));
      if (destination.folder() != null) {
        try (OutputDirectory out = OutputDirectory.begin(destination.folder(), true, "train")) {
          Files.write(out.file("model.json"), model);
          writeReports(out.staging(), report, gates, start, end);
          out.commit();
        }
        reportFolder = destination.folder();
      } else {
        try (OutputFile out = OutputFile.begin(destination.file(), destination.overwrite())) {
          Files.write(out.staging(), model);
          out.commit();
        }
        writeReports(null, report, gates, start, end);
      }
      written = true;
    } else if (destination.folder() != null) {
      // The previous complete model and its reports stay; this run's reports go to the state.
      reportFolder = state().resolve("last-run");
      Files.createDirectories(reportFolder);
      writeReports(reportFolder, report, gates, start, end);
    } else {
      writeReports(null, report, gates, start, end);
    }
    return report;
  }

  /** The gate report of the last run, null when the gates did not run. */
  public GateReport gateReport() {
    return gateReport.get();
  }

  /** Writes report.json and report.md into {@code dir} (null: keep the Markdown only). */
  private void writeReports(Path dir, RunReport run, GateReport gates, Instant start, Instant end)
      throws IOException {
    Map<String, Object> provenance = new LinkedHashMap<>(provenance());
    provenance.put("command", destination.command());
    if (destination.command().equals("train")) {
      provenance.put("config", config.source().getFileName().toString());
      provenance.put("configSha256", files.sha256(config.source()));
    }
    ObjectNode root = FitJson.MAPPER.createObjectNode();
    ObjectNode prov = FitJson.MAPPER.valueToTree(provenance);
    prov.put("start", start.toString());
    prov.put("end", end.toString());
    root.set("provenance", prov);
    root.put("model", modelFile().getFileName().toString());
    if (gates != null) {
      ObjectNode g = root.putObject("gates");
      g.put("passed", gates.passed());
      ArrayNode findings = g.putArray("findings");
      for (GateReport.Finding f : gates.findings()) {
        ObjectNode o = findings.addObject();
        o.put("gate", f.gate());
        o.put("subject", f.subject());
        o.put("outcome", f.outcome().name());
        o.put("count", f.count());
        o.put("detail", f.detail());
      }
    }
    ArrayNode tasks = root.putArray("tasks");
    StringBuilder md = new StringBuilder();
    md.append("# Training report: ").append(destination.modelName()).append("\n\n");
    md.append("- command: `firmsim ").append(destination.command()).append("`\n");
    if (provenance.containsKey("config")) {
      md.append("- config: `")
          .append(provenance.get("config"))
          .append("` (sha256 `")
          .append(provenance.get("configSha256"))
          .append("`)\n");
    }
    md.append("- data: `")
        .append(FitJson.MAPPER.writeValueAsString(provenance.get("data")))
        .append("`\n");
    md.append("- seed ")
        .append(config.training().seed())
        .append(", device ")
        .append(config.training().device().yamlName())
        .append(", firmsim ")
        .append(codeVersion)
        .append("\n- libraries: ")
        .append(provenance.get("libraries"))
        .append("\n- run: ")
        .append(start)
        .append(" to ")
        .append(end)
        .append("\n");
    if (gates != null) {
      md.append("- data-quality gates: ").append(gates.passed() ? "passed" : "FAILED").append("\n");
    }
    md.append("\n| task | status | seconds | iterations | train | validation |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (TaskOutcome o : run.outcomes()) {
      ObjectNode t = tasks.addObject();
      t.put("id", o.taskId());
      t.put("kind", o.kind());
      t.put("status", o.status().name());
      t.put("seconds", o.wallTime().toNanos() / 1e9);
      if (o.message() != null) {
        t.put("message", o.message());
      }
      t.set("metrics", FitJson.MAPPER.valueToTree(o.metrics()));
      md.append("| ")
          .append(o.taskId())
          .append(" | ")
          .append(o.status())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.2f", o.wallTime().toNanos() / 1e9))
          .append(" | ")
          .append(o.metrics().getOrDefault("iterations", ""))
          .append(" | ")
          .append(brief(o.metrics().get("training")))
          .append(" | ")
          .append(brief(o.metrics().get("validation")))
          .append(" |\n");
    }
    reportMarkdown = md.toString();
    if (dir != null) {
      Files.write(dir.resolve("report.json"), DirectoryArtifactStore.canonical(root));
      Files.write(dir.resolve("report.md"), reportMarkdown.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A one-cell summary of a metrics map. */
  private static String brief(Object metrics) {
    if (!(metrics instanceof Map)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) metrics).entrySet()) {
      if (e.getValue() instanceof Double) {
        sb.append(e.getKey())
            .append(' ')
            .append(String.format(Locale.ROOT, "%.4g", (Double) e.getValue()))
            .append("; ");
      } else if (e.getKey().equals("rows")) {
        sb.append("n ").append(e.getValue()).append("; ");
      }
    }
    return sb.toString().trim();
  }
}
