package io.firmsim.trainer.cli;

import io.firmsim.trainer.forecast.artifact.ArtifactForecasterLoader;
import io.firmsim.trainer.forecast.scenario.ForecasterLoader;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of the {@code ./firmsim} launcher: the simulator's commands ({@code simulate}), the
 * trainer's ({@code fit}, {@code fit-model}, {@code train}, {@code forecast}, {@code
 * forecast-eval}, {@code scenario}, {@code embed}, {@code similar}, {@code anomalies}) and the
 * server's ({@code serve}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static CommandLine commandLine() {
    return commandLine(ArtifactForecasterLoader.INSTANCE);
  }

  /**
   * The command line whose {@code scenario macro} loads forecasters with {@code forecasters} (tests
   * give their own).
   */
  public static CommandLine commandLine(ForecasterLoader forecasters) {
    CommandLine cli = io.firmsim.simulator.cli.Main.commandLine();
    cli.addSubcommand("fit", new FitCommand());
    cli.addSubcommand("fit-model", new FitModelCommand());
    cli.addSubcommand("train", new TrainCommand());
    cli.addSubcommand("forecast", new ForecastCommand());
    cli.addSubcommand("forecast-eval", new ForecastEvalCommand());
    cli.addSubcommand("scenario", ScenarioCommand.commandLine(forecasters));
    cli.addSubcommand("embed", new EmbedCommand());
    cli.addSubcommand("similar", new SimilarCommand());
    cli.addSubcommand("anomalies", new AnomaliesCommand());
    cli.addSubcommand(
        "serve",
        new io.firmsim.serving.cli.ServeCommand(
            io.firmsim.trainer.embed.serving.ArtifactEmbeddingService::open));
    return cli;
  }

  /**
   * Runs the command line and returns its exit code: 0 success, 1 an internal error (a bug) or an
   * output that could not be written, 2 bad input, 3 a failed run, 130 interrupted (see {@link
   * io.firmsim.simulator.cli.Main#run(PrintWriter, PrintWriter, String...)}).
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return io.firmsim.simulator.cli.Main.run(commandLine(), out, err, args);
  }
}
