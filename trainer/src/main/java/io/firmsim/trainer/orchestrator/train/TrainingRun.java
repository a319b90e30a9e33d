package io.firmsim.trainer.orchestrator.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.gates.GateReport;
import io.firmsim.trainer.orchestrator.graph.FileIncrementalCache;
import io.firmsim.trainer.orchestrator.graph.GraphRunner;
import io.firmsim.trainer.orchestrator.graph.Hashing;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunOptions;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskGraph;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@code firmsim train} run: the configuration turned into a task graph (data, quality gates,
 * one fit per submodel, assembly of the model), run stage by stage on a bounded pool with
 * incremental reuse of unchanged fits, and an audit trail ({@code report.json}, {@code report.md})
 * next to the model.
 *
 * <p>Layout of the output: {@code DIRECTORY/NAME-VERSION/} holds {@code model.json}, {@code
 * report.json} and {@code report.md}; {@code DIRECTORY/.firmsim-state/NAME-VERSION/} holds the
 * incremental cache and the fitted submodels reused by later runs. A run whose gates fail writes
 * nothing to the model folder.
 */
public final class TrainingRun {
  private final TrainingConfig config;
  private final ModelSpec base;
  private final Path folder;
  private final String codeVersion;
  private final Map<String, Object> provenance;
  private final AtomicReference<GateReport> gateReport = new AtomicReference<>();
  private String panelSha256; // of the panel file, when the data is one

  public TrainingRun(TrainingConfig config) throws IOException {
    this.config = config;
    this.base = config.model().base().loadStructure();
    TrainingConfig.Output out = config.model().output();
    this.folder = out.directory().resolve(out.name() + "-" + out.version());
    String commit = Provenance.gitCommit(Path.of("."));
    this.codeVersion = Provenance.FIRMSIM_VERSION + (commit == null ? "" : "+" + commit);
    this.provenance = provenance(commit);
  }

  /** The model file this run writes. */
  public Path modelFile() {
    return folder.resolve("model.json");
  }

  public Path folder() {
    return folder;
  }

  private Map<String, Object> provenance(String commit) throws IOException {
    Map<String, Object> p = new LinkedHashMap<>();
    Path source = config.source();
    p.put("config", source.getFileName().toString());
    p.put("configSha256", Hashing.sha256(Files.readAllBytes(source)));
    Map<String, Object> data = new LinkedHashMap<>();
    if (config.data().panel().isPresent()) {
      Path panel = config.data().panel().get();
      data.put("panel", panel.getFileName().toString());
      panelSha256 = Hashing.sha256(Files.readAllBytes(panel)); // read once, for both uses
      data.put("sha256", panelSha256);
    } else {
      data.put("generated", FitJson.MAPPER.readTree(config.canonical("data")));
    }
    if (config.data().macro().isPresent()) {
      Path macro = config.data().macro().get();
      data.put("macro", macro.getFileName().toString());
      data.put("macroSha256", Hashing.sha256(Files.readAllBytes(macro)));
    }
    p.put("data", data);
    p.put("seed", config.training().seed());
    p.put("validationShare", config.training().validationShare());
    p.put("device", config.training().device().name().toLowerCase(Locale.ROOT));
    p.put("libraries", Provenance.libraries());
    p.put("gitCommit", commit);
    return p;
  }

  /** The task graph of the configuration. */
  public TaskGraph graph() {
    List<Task> tasks = new ArrayList<>();
    tasks.add(new DataTask(config, codeVersion, panelSha256));
    tasks.add(new GatesTask(config, base, gateReport::set));
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
                true);
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
            fitted,
            modelFile(),
            config.model().output().name() + "-" + config.model().output().version(),
            provenance));
    return TaskGraph.of(tasks);
  }

  /** Runs the graph (or the part of it selected) and writes the reports. */
  public RunReport run(TaskGraph graph, boolean force, RunListener listener) throws IOException {
    Instant start = Instant.now();
    // Run state (cache, reusable fits) lives beside the output folder, not in it, so a run that
    // fails its gates leaves the model output untouched.
    TrainingConfig.Output out = config.model().output();
    Path state =
        out.directory().resolve(".firmsim-state").resolve(out.name() + "-" + out.version());
    RunReport report =
        new GraphRunner()
            .run(
                graph,
                new DirectoryArtifactStore(state.resolve("artifacts")),
                new FileIncrementalCache(state.resolve("cache")),
                new RunOptions(config.training().parallelism(), force, listener));
    Instant end = Instant.now();
    GateReport gates = gateReport.get();
    if (gates == null || gates.passed()) {
      writeReports(report, gates, start, end);
    }
    return report;
  }

  /** The gate report of the last run, null when the gates did not run. */
  public GateReport gateReport() {
    return gateReport.get();
  }

  private void writeReports(RunReport run, GateReport gates, Instant start, Instant end)
      throws IOException {
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
    md.append("# Training report: ")
        .append(config.model().output().name())
        .append(' ')
        .append(config.model().output().version())
        .append("\n\n");
    md.append("- config: `")
        .append(provenance.get("config"))
        .append("` (sha256 `")
        .append(provenance.get("configSha256"))
        .append("`)\n");
    md.append("- data: `")
        .append(FitJson.MAPPER.writeValueAsString(provenance.get("data")))
        .append("`\n");
    md.append("- seed ")
        .append(provenance.get("seed"))
        .append(", device ")
        .append(provenance.get("device"))
        .append(", commit ")
        .append(provenance.get("gitCommit"))
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
    Files.createDirectories(folder);
    Files.write(folder.resolve("report.json"), DirectoryArtifactStore.canonical(root));
    Files.write(folder.resolve("report.md"), md.toString().getBytes(StandardCharsets.UTF_8));
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
