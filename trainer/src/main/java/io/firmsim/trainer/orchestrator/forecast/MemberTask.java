package io.firmsim.trainer.orchestrator.forecast;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Block;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.train.ForecastTrainer;
import io.firmsim.trainer.forecast.train.TrainingListener;
import io.firmsim.trainer.forecast.train.TrainingResult;
import io.firmsim.trainer.forecast.train.TrainingSettings;
import io.firmsim.trainer.orchestrator.config.ForecastConfig;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Task kind {@code forecast-member}: trains one ensemble member ({@link ForecastTrainer}) on the
 * series and writes {@code forecast-member:ID} ({@link MemberResult}: best parameters, curves). Its
 * key covers the series file's content (through the input's hash), the member's spec, loss and
 * seed, every training setting, the device and the code version; the checkpoint of its best
 * parameters goes to {@code CHECKPOINTS/ID/}. Members share nothing, so they run in parallel.
 */
final class MemberTask implements Task {
  private final ForecastConfig config;
  private final ForecastConfig.Member member;
  private final Path checkpoints;
  private final String codeVersion;
  private final ForecastRun.Progress progress;

  MemberTask(
      ForecastConfig config,
      ForecastConfig.Member member,
      Path checkpoints,
      String codeVersion,
      ForecastRun.Progress progress) {
    this.config = config;
    this.member = member;
    this.checkpoints = checkpoints;
    this.codeVersion = codeVersion;
    this.progress = progress;
  }

  static String artifact(String memberId) {
    return MemberStore.PREFIX + memberId;
  }

  @Override
  public String id() {
    return "member:" + member.id();
  }

  @Override
  public String kind() {
    return "forecast-member";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(SeriesTask.SERIES);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(artifact(member.id()));
  }

  @Override
  public Set<String> tags() {
    return Set.of(
        member.id(),
        "L" + member.spec().lookbackMultiple(),
        member.loss().name().toLowerCase(Locale.ROOT),
        "seed" + member.seed());
  }

  /** The member's training settings (the checkpoint folder aside, which is not in the key). */
  TrainingSettings settings(Path checkpointDir) {
    ForecastConfig.Training t = config.training();
    TrainingSettings.Builder b =
        TrainingSettings.builder()
            .setHorizon(config.horizon())
            .optLookbackMultiple(member.spec().lookbackMultiple())
            .optHistoryLimit(t.historyLimit())
            .optBatchSize(t.batchSize())
            .optSteps(t.steps())
            .optLearningRate(t.learningRate())
            .optLearningRateSchedule(t.learningRateSchedule())
            .optClipGradient(t.clipGradient())
            .optLoss(member.loss())
            .optSeasonalPeriod(config.seasonalPeriod())
            .optValidationEvery(t.validationEvery())
            .optEarlyStoppingPatience(t.earlyStoppingPatience())
            .optHoldOut(t.holdOut())
            .optScaling(member.spec().scaling())
            .optSeed(member.trainingSeed())
            .optDevice(t.device() == ForecastConfig.Device.GPU ? Device.gpu() : Device.cpu());
    if (checkpointDir != null) {
      b.optCheckpointDir(checkpointDir);
    }
    return b.build();
  }

  @Override
  public String fingerprint() {
    return "forecast-member "
        + member.id()
        + " spec="
        + member.spec()
        + " settings="
        + settings(null)
        + " code="
        + codeVersion;
  }

  @Override
  @SuppressWarnings("unchecked")
  public TaskResult run(TaskContext context) throws IOException, InterruptedException {
    List<NamedSeries> series = (List<NamedSeries>) context.input(SeriesTask.SERIES, List.class);
    TrainingSettings s = settings(checkpoints.resolve(member.id()));
    Block block = member.spec().build(config.horizon(), member.trainingSeed());
    try (Model model = Model.newInstance(member.id(), s.device(), "PyTorch")) {
      model.setBlock(block);
      TrainingResult r;
      try {
        r =
            new ForecastTrainer(s)
                .train(
                    model,
                    series,
                    new TrainingListener() {
                      @Override
                      public void onStep(int step, int steps, double loss) {
                        progress.onStep(member.id(), step, steps, loss);
                      }
                    });
      } catch (CancellationException e) {
        // Interrupted (the run is being cancelled): the runner reports the task CANCELLED.
        throw (InterruptedException) new InterruptedException(e.getMessage()).initCause(e);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        block.saveParameters(out);
      }
      MemberResult result =
          new MemberResult(
              member.id(),
              member.spec(),
              member.loss(),
              member.trainingSeed(),
              r,
              bytes.toByteArray());
      context.output(artifact(member.id()), result, "member " + member.id());
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("validationLoss", r.bestValidationLoss());
      metrics.put("bestStep", r.bestStep());
      metrics.put("stepsRun", r.stepsRun());
      metrics.put("stoppedEarly", r.stoppedEarly());
      String summary =
          Double.isNaN(r.bestValidationLoss())
              ? String.format(
                  Locale.ROOT,
                  "%d steps on every point (no hold-out); last batch %s %.6g",
                  r.stepsRun(),
                  member.loss().name().toLowerCase(Locale.ROOT),
                  r.trainingLoss().get(r.trainingLoss().size() - 1))
              : String.format(
                  Locale.ROOT,
                  "validation %s %.6g at step %d of %d%s",
                  member.loss().name().toLowerCase(Locale.ROOT),
                  r.bestValidationLoss(),
                  r.bestStep(),
                  r.stepsRun(),
                  r.stoppedEarly() ? " (stopped early)" : "");
      return new TaskResult(TaskResult.Status.SUCCEEDED, summary, metrics);
    }
  }
}
