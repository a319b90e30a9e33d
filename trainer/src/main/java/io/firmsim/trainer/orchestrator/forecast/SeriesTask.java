package io.firmsim.trainer.orchestrator.forecast;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.series.SeriesFiles;
import io.firmsim.trainer.orchestrator.graph.InputFileTask;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.zoo.Hashing;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code series}: reads the series file ({@link SeriesFiles}, bad rows refused naming
 * file, row and column) and refuses a series too short to train with the horizon (H + 1 values;
 * series of H + 1 to 2H values train whole and are left out of the validation). Writes {@value
 * #SERIES} (in memory), whose content hash is derived from the file's SHA-256: a changed file
 * re-runs every member, an unchanged one none.
 */
final class SeriesTask extends InputFileTask {
  static final String SERIES = "dataset:series";

  private final int horizon;
  private final String codeVersion;

  SeriesTask(Path file, int horizon, String codeVersion) {
    super(file);
    this.horizon = horizon;
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return "data:series";
  }

  @Override
  public String kind() {
    return "series";
  }

  @Override
  public Set<String> outputs() {
    return Set.of(SERIES);
  }

  @Override
  public String fingerprint() {
    return "series sha256=" + sha256() + " horizon=" + horizon + " code=" + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) {
    String hash = sha256();
    List<NamedSeries> series = SeriesFiles.read(file);
    for (NamedSeries s : series) {
      if (s.length() < horizon + 1) {
        throw new BadInputException(
            file
                + ": series '"
                + s.id()
                + "' has "
                + s.length()
                + " values; training with horizon "
                + horizon
                + " needs at least "
                + (horizon + 1));
      }
    }
    context.output(SERIES, series, Hashing.combine(List.of("series", hash)));
    return TaskResult.succeeded(Map.of("series", series.size(), "sha256", hash));
  }
}
