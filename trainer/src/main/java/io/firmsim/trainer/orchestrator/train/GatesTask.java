package io.firmsim.trainer.orchestrator.train;

import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.gates.GateReport;
import io.firmsim.trainer.orchestrator.gates.QualityGates;
import io.firmsim.trainer.orchestrator.gates.RawPanel;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.ReferenceProfile;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Task kind {@code gates}: the data-quality gates on the panel and, when they pass, the split into
 * training and validation firms and their feature tables (built with the macro path, whose content
 * hash is part of this task's key). A failed gate fails this task, so no fit runs and nothing is
 * written to the model output. Reads {@value DataTask#PANEL}; writes {@value FitTask#DATA}.
 */
final class GatesTask implements Task {
  private final TrainingConfig config;
  private final ModelSpec base;
  private final Consumer<GateReport> reports;
  private final String codeVersion;
  private final InputFiles files;

  GatesTask(
      TrainingConfig config,
      ModelSpec base,
      Consumer<GateReport> reports,
      String codeVersion,
      InputFiles files) {
    this.config = config;
    this.base = base;
    this.reports = reports;
    this.codeVersion = codeVersion;
    this.files = files;
  }

  @Override
  public String id() {
    return "gates:panel";
  }

  @Override
  public String kind() {
    return "gates";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(DataTask.PANEL);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(FitTask.DATA);
  }

  @Override
  public String fingerprint() {
    return "gates "
        + config.canonical("gates")
        + " split seed="
        + config.training().seed()
        + " share="
        + config.training().validationShare()
        + " equations="
        + config.training().equations()
        + " base="
        + files.identity(config.model().base(), codeVersion)
        + " macro="
        + config.data().macro().map(files::sha256).orElse("none")
        + " code="
        + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) {
    RawPanel raw = context.input(DataTask.PANEL, RawPanel.class);
    GateReport report;
    if (config.gates().enabled()) {
      report = QualityGates.check(raw, base, config.training().equations(), config.gates());
      reports.accept(report);
      if (!report.passed()) {
        return TaskResult.failed("data-quality gates failed:\n" + report.describe());
      }
    }
    Panel panel = raw.completePanel(null);
    FirmSplit.Split split =
        FirmSplit.of(panel, config.training().validationShare(), config.training().seed());
    MacroPath macro = MacroPath.zeros();
    if (config.data().macro().isPresent()) {
      int first = Integer.MAX_VALUE;
      int last = Integer.MIN_VALUE;
      for (int y : panel.years()) {
        first = Math.min(first, y);
        last = Math.max(last, y);
      }
      macro = MacroPathReader.read(config.data().macro().get(), first, last - first + 1);
    }
    FeatureTable training = FeatureTable.of(split.training(), macro);
    TrainingData data =
        new TrainingData(
            training,
            FeatureTable.of(split.validation(), macro),
            panel.rows(),
            ProfileTask.startStateProfile(
                split.training(), training, ReferenceProfile.DEFAULT_BINS));
    context.output(
        FitTask.DATA,
        data,
        Hashing.combine(java.util.List.of(context.inputHash(DataTask.PANEL), fingerprint())));
    return TaskResult.succeeded(
        Map.of("trainingRows", data.training().rows(), "validationRows", data.validation().rows()));
  }
}
