package io.firmsim.trainer.orchestrator.forecast;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifact;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifactWriter;
import io.firmsim.trainer.forecast.artifact.TrainedMember;
import io.firmsim.trainer.forecast.train.TrainingResult;
import io.firmsim.trainer.orchestrator.config.ForecastConfig;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One forecaster training as a task graph: {@code data:series} (the series file), one {@code
 * member:ID} task per ensemble member (the Cartesian product of lookback multiples, losses and
 * seeds; independent, so they train in parallel up to {@code training.parallelism}), and {@code
 * assemble:forecaster} (the members in order and the ensemble's validation figures). {@code firmsim
 * train CONFIG.yaml} runs it when the file's top level is {@code forecast:}.
 *
 * <p><b>Reuse.</b> A member's key covers the series file's SHA-256, its spec, loss and seed, every
 * training setting and the code version ({@link BuildInfo#codeVersion()}, injectable for tests): an
 * unchanged configuration reuses every trained member, a changed series file retrains them all, a
 * new seed trains only the new members. Trained members (parameters and curves) and the cache live
 * in {@code DIRECTORY/.firmsim-state/forecast-NAME-VERSION/}, with each member's best-so-far
 * checkpoint under {@code checkpoints/ID/}. The assembly runs every time (it is cheap).
 *
 * <p><b>Output.</b> When every task succeeded, the forecaster artifact ({@link ForecasterArtifact})
 * is written to {@code DIRECTORY/NAME/VERSION/} (a repository layout: {@code --models-dir
 * DIRECTORY}) as a whole, replacing a previous one, with the run's {@code report.json} and {@code
 * report.md} in it: each member's validation loss, its training and validation curve, whether it
 * was trained or reused, and the ensemble's validation sMAPE and MASE on the held-out last H
 * points. A failed run leaves the previous artifact untouched and puts its reports in the state's
 * {@code last-run/}.
 */
public final class ForecastRun {
  /** Progress of the members' training, for a progress bar; called on worker threads. */
  public interface Progress {
    /** No progress reporting. */
    Progress NONE = (member, step, steps, loss) -> {};

    /** After optimizer step {@code step} (1-based) of at most {@code steps} of a member. */
    void onStep(String member, int step, int steps, double loss);
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ForecastConfig config;
  private final String codeVersion;
  private final Progress progress;
  private final SeriesTask seriesTask;
  private Path reportFolder;
  private String reportMarkdown = "";
  private boolean written;

  /** A run keyed by this build, without progress reporting. */
  public ForecastRun(ForecastConfig config) {
    this(config, BuildInfo.current().codeVersion(), Progress.NONE);
  }

  /**
   * @param codeVersion the code version in every key and in the provenance
   * @param progress told of every optimizer step
   */
  public ForecastRun(ForecastConfig config, String codeVersion, Progress progress) {
    this.config = Objects.requireNonNull(config, "config");
    this.codeVersion = Objects.requireNonNull(codeVersion, "codeVersion");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.seriesTask = new SeriesTask(config.series(), config.horizon(), codeVersion);
  }

  /** The artifact folder {@code DIRECTORY/NAME/VERSION}. */
  public Path artifactDir() {
    ForecastConfig.Output o = config.output();
    return o.directory().resolve(o.name()).resolve(o.version());
  }

  /** The run state: cache, trained members, checkpoints, a failed run's reports. */
  public Path state() {
    ForecastConfig.Output o = config.output();
    return o.directory()
        .resolve(".firmsim-state")
        .resolve("forecast-" + o.name() + "-" + o.version());
  }

  /** Where the last run's reports went (the artifact, or the state after a failure). */
  public Path reportFolder() {
    return reportFolder;
  }

  /** The last run's report as Markdown. */
  public String reportMarkdown() {
    return reportMarkdown;
  }

  /** Whether the last run wrote the artifact. */
  public boolean written() {
    return written;
  }

  /** The total optimizer steps the members may take (for a progress bar). */
  public long maxSteps() {
    return (long) config.members().size() * config.training().steps();
  }

  /**
   * Refuses, before any work and naming it, an artifact folder that cannot be used (a file, an
   * unwritable parent, a non-empty folder that is not a previous firmsim output), and {@code
   * device: gpu} on a machine where PyTorch sees no GPU.
   *
   * @throws BadInputException naming the location
   */
  public void checkOutput() {
    OutputDirectory.check(artifactDir(), true);
    if (config.training().device() == ForecastConfig.Device.GPU
        && Engine.getEngine("PyTorch").getGpuCount() == 0) {
      throw new BadInputException(
          config.source()
              + ": forecast.training.device is gpu, but PyTorch sees no GPU on this machine"
              + " (use device: cpu)");
    }
  }

  /** The task graph (building it reads no data). */
  public TaskGraph graph() {
    List<Task> tasks = new ArrayList<>();
    tasks.add(seriesTask);
    Path checkpoints = state().resolve("checkpoints");
    for (ForecastConfig.Member m : config.members()) {
      tasks.add(new MemberTask(config, m, checkpoints, codeVersion, progress));
    }
    tasks.add(new AssembleForecasterTask(config, codeVersion));
    return TaskGraph.of(tasks);
  }

  /**
   * Runs the graph (or the part selected) and, when it assembled the ensemble, writes the artifact
   * with its reports.
   *
   * @throws BadInputException when a task failed on bad input (the series file)
   */
  public RunReport run(TaskGraph graph, boolean force, RunListener listener) throws IOException {
    checkOutput();
    written = false;
    Instant start = Instant.now();
    MemberStore store = new MemberStore(state().resolve("members"));
    IncrementalCache cache = new FileIncrementalCache(state().resolve("cache"));
    cache.invalidate(AssembleForecasterTask.ID); // its output lives in memory: always assemble
    RunReport report =
        new GraphRunner()
            .run(
                graph,
                store,
                cache,
                new RunOptions(config.training().parallelism(), force, listener));
    for (TaskOutcome o : report.outcomes()) {
      if (o.status() == TaskOutcome.Status.FAILED
          && (o.error() instanceof BadInputException || o.error() instanceof ModelSpecException)) {
        throw (RuntimeException) o.error();
      }
    }
    boolean complete =
        !report.anyFailed()
            && graph.task(AssembleForecasterTask.ID).isPresent()
            && store.exists(AssembleForecasterTask.ENSEMBLE);
    ObjectNode provenance = provenance(start);
    if (complete) {
      AssembleForecasterTask.Assembled a =
          (AssembleForecasterTask.Assembled) store.get(AssembleForecasterTask.ENSEMBLE);
      ObjectNode json = report(provenance, report, a);
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put("report.json", MemberStore.pretty(json));
      files.put("report.md", reportMarkdown.getBytes(StandardCharsets.UTF_8));
      List<TrainedMember> members = a.members().stream().map(MemberResult::member).toList();
      ForecastConfig.Output o = config.output();
      ForecasterArtifactWriter.write(
          artifactDir(),
          true,
          new ForecasterArtifactWriter.Contents(
              o.name(),
              o.version(),
              config.frequency(),
              config.horizon(),
              config.seasonalPeriod(),
              members,
              provenance,
              files));
      reportFolder = artifactDir();
      written = true;
    } else {
      ObjectNode json = report(provenance, report, null);
      reportFolder = state().resolve("last-run");
      Files.createDirectories(reportFolder);
      Files.write(reportFolder.resolve("report.json"), MemberStore.pretty(json));
      Files.writeString(reportFolder.resolve("report.md"), reportMarkdown);
    }
    return report;
  }

  /** Where the model came from: files and hashes, settings, versions, the time of the run. */
  private ObjectNode provenance(Instant start) throws IOException {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("series", config.series().getFileName().toString());
    p.put("seriesSha256", seriesTask.sha256());
    p.put("config", config.source().getFileName().toString());
    p.put("configSha256", Hashing.sha256(config.source()));
    p.put("command", "train");
    p.put("frequency", config.frequency());
    p.put("horizon", config.horizon());
    p.put("seasonalPeriod", config.seasonalPeriod());
    p.set("model", config.model().toJson());
    p.set("training", MAPPER.valueToTree(config.training()));
    p.set("ensemble", MAPPER.valueToTree(config.ensemble()));
    p.set("firmsim", MAPPER.valueToTree(Provenance.firmsim(codeVersion)));
    p.set("libraries", MAPPER.valueToTree(Provenance.libraries()));
    p.put("created", start.toString());
    return p;
  }

  /** report.json, and the Markdown kept in {@link #reportMarkdown}. */
  private ObjectNode report(
      ObjectNode provenance, RunReport run, AssembleForecasterTask.Assembled a) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("provenance", provenance);
    ForecastConfig.Output out = config.output();
    root.put("artifact", out.name() + "/" + out.version());
    StringBuilder md = new StringBuilder();
    md.append("# Forecaster training report: ")
        .append(out.name())
        .append('/')
        .append(out.version())
        .append("\n\n")
        .append("- config: `")
        .append(provenance.get("config").asText())
        .append("` (sha256 `")
        .append(provenance.get("configSha256").asText())
        .append("`)\n- series: `")
        .append(provenance.get("series").asText())
        .append("` (sha256 `")
        .append(provenance.get("seriesSha256").asText())
        .append("`), frequency ")
        .append(config.frequency())
        .append(", horizon ")
        .append(config.horizon())
        .append(", seasonal period ")
        .append(config.seasonalPeriod())
        .append("\n- model: `")
        .append(config.model())
        .append("`\n- training: ")
        .append(provenance.get("training"))
        .append("\n- firmsim ")
        .append(codeVersion)
        .append(", libraries ")
        .append(provenance.get("libraries"))
        .append("\n- run: ")
        .append(run.summary())
        .append("\n");
    if (a != null) {
      ObjectNode e = root.putObject("ensemble");
      e.put("aggregation", "median");
      e.put("members", a.members().size());
      MemberResult.number(e, "validationSmape", a.smape());
      MemberResult.number(e, "validationMase", a.mase());
      md.append(
          String.format(
              Locale.ROOT,
              "%n## Ensemble (median of %d members) on the held-out last %d points%n%n"
                  + "sMAPE %.4f, MASE %.4f%n",
              a.members().size(),
              config.horizon(),
              a.smape(),
              a.mase()));
      md.append(
          "\n## Members\n\n| # | member | status | validation loss | best step | steps |"
              + " sMAPE | MASE |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
      ArrayNode members = root.putArray("members");
      for (int i = 0; i < a.members().size(); i++) {
        MemberResult r = a.members().get(i);
        String task = "member:" + r.id;
        String status = run.outcome(task).map(o -> o.status().name()).orElse("NOT RUN");
        ObjectNode m = members.addObject();
        m.put("index", i + 1);
        m.put("id", r.id);
        m.put("task", task);
        m.put("status", status);
        m.set("spec", r.spec.toJson());
        m.put("loss", r.loss.name().toLowerCase(Locale.ROOT));
        m.put("seed", r.seed);
        MemberResult.number(m, "validationLoss", r.validationLoss);
        m.put("bestStep", r.bestStep);
        m.put("stepsRun", r.stepsRun);
        m.put("stoppedEarly", r.stoppedEarly);
        MemberResult.number(m, "validationSmape", a.memberSmape().get(i));
        MemberResult.number(m, "validationMase", a.memberMase().get(i));
        ObjectNode curve = m.putObject("curve");
        ArrayNode steps = curve.putArray("steps");
        ArrayNode validation = curve.putArray("validation");
        ArrayNode training = curve.putArray("training");
        List<Double> tc = r.trainingCurve();
        for (int c = 0; c < r.validation.size(); c++) {
          TrainingResult.ValidationCheck check = r.validation.get(c);
          steps.add(check.step());
          MemberResult.number(validation, check.loss());
          MemberResult.number(training, c == 0 ? Double.NaN : tc.get(c - 1));
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %s | %.6g | %d | %d | %.4f | %.4f |%n",
                i + 1,
                r.id,
                status,
                r.validationLoss,
                r.bestStep,
                r.stepsRun,
                a.memberSmape().get(i),
                a.memberMase().get(i)));
      }
    }
    ArrayNode tasks = root.putArray("tasks");
    md.append("\n## Tasks\n\n| task | status | seconds | message |\n| --- | --- | --- | --- |\n");
    for (TaskOutcome o : run.outcomes()) {
      ObjectNode t = tasks.addObject();
      t.put("id", o.taskId());
      t.put("kind", o.kind());
      t.put("status", o.status().name());
      t.put("seconds", o.wallTime().toNanos() / 1e9);
      t.put("message", o.message());
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %s |%n",
              o.taskId(),
              o.status(),
              o.wallTime().toNanos() / 1e9,
              o.message().replace("|", "/")));
    }
    reportMarkdown = md.toString();
    return root;
  }
}
