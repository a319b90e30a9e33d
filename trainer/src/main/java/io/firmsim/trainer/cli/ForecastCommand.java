package io.firmsim.trainer.cli;

import ai.djl.ndarray.types.DataType;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.forecast.artifact.EnsembleForecaster;
import io.firmsim.trainer.forecast.artifact.ForecastBackend;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifact;
import io.firmsim.trainer.forecast.artifact.ForecasterRepository;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.series.SeriesFiles;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim forecast}: the next H values of every series of a file from a forecaster artifact
 * (the ensemble median of its members), written in the M4 layout {@code id,V1..VH} that {@code
 * forecast-eval} and {@link SeriesFiles} read, one row per input series in input order, values in
 * full double precision.
 *
 * <p>The model is an artifact folder or {@code NAME[/VERSION]} in the repository ({@link
 * ForecasterRepository}); the series file is in either layout of {@link SeriesFiles}. The output is
 * staged beside {@code --out} and moved into place whole ({@link OutputFile}).
 *
 * <p>Exit codes: 0 written; 2 bad input (a series file refused naming its file, row and column; a
 * model that cannot be found or is damaged, naming the file; an output location that cannot be
 * used), nothing written.
 */
@Command(
    name = "forecast",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Forecasts every series of a file with a forecaster artifact (the median of its members)"
            + " and writes id,V1..VH rows.")
public final class ForecastCommand implements Callable<Integer> {
  /** Series forecast per call of the ensemble (bounds the memory of one batch). */
  static final int BATCH = 1024;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME|DIR",
      description = "A forecaster artifact folder, or NAME or NAME/VERSION in the repository.")
  String model;

  @Option(
      names = "--series",
      required = true,
      paramLabel = "FILE",
      description = "The histories: id,V1,... (M4) or series,time,value (long) CSV.")
  Path series;

  @Option(
      names = "--models-dir",
      paramLabel = "DIR",
      description = "The model repository (default $FIRMSIM_MODELS, else ~/.firmsim/models).")
  Path modelsDir;

  @Option(
      names = "--backend",
      paramLabel = "djl|onnx",
      description = "Compute with DJL (the saved parameters) or ONNX Runtime (default djl).")
  String backend = "djl";

  @Option(
      names = "--precision",
      paramLabel = "float32|float64",
      description = "DJL only: float32 as trained, or float64 (default float32).")
  String precision = "float32";

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FORECASTS.csv",
      description = "The forecasts, id,V1..VH.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    ForecastBackend b;
    try {
      b = ForecastBackend.valueOf(backend.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--backend must be djl or onnx, found '" + backend + "'");
    }
    DataType type;
    switch (precision) {
      case "float32" -> type = DataType.FLOAT32;
      case "float64" -> type = DataType.FLOAT64;
      default ->
          throw new BadInputException(
              "--precision must be float32 or float64, found '" + precision + "'");
    }
    if (b == ForecastBackend.ONNX && type != DataType.FLOAT32) {
      throw new BadInputException(
          "--precision float64 needs --backend djl (the graphs are float32)");
    }
    OutputFile.check(out, overwrite);
    List<NamedSeries> histories = SeriesFiles.read(series);
    ForecasterArtifact artifact = ForecasterRepository.resolve(model, modelsDir);
    int h = artifact.metadata().horizon();
    try (EnsembleForecaster f = artifact.load(b, type);
        OutputFile file = OutputFile.begin(out, overwrite)) {
      try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
        w.write("id");
        for (int j = 1; j <= h; j++) {
          w.write(",V" + j);
        }
        w.write('\n');
        for (int from = 0; from < histories.size(); from += BATCH) {
          List<NamedSeries> part =
              histories.subList(from, Math.min(histories.size(), from + BATCH));
          double[][] forecasts = f.forecast(part.stream().map(NamedSeries::values).toList());
          for (int i = 0; i < part.size(); i++) {
            w.write(csv(part.get(i).id()));
            for (double v : forecasts[i]) {
              w.write(',');
              w.write(Double.toString(v));
            }
            w.write('\n');
          }
        }
      }
      file.commit();
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "%d series forecast %d steps ahead with %s/%s (%d members, %s %s) into %s%n",
        histories.size(),
        h,
        artifact.metadata().name(),
        artifact.metadata().version(),
        artifact.metadata().members().size(),
        b.label(),
        precision,
        out);
    o.flush();
    return 0;
  }

  /** A CSV cell: quoted when it holds a comma, a quote or a line break. */
  static String csv(String cell) {
    if (cell.indexOf(',') < 0
        && cell.indexOf('"') < 0
        && cell.indexOf('\n') < 0
        && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
