package io.firmsim.trainer.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of the {@code ./firmsim} launcher: the simulator's commands ({@code simulate}) and
 * the trainer's ({@code fit}, {@code fit-model}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static CommandLine commandLine() {
    CommandLine cli = io.firmsim.simulator.cli.Main.commandLine();
    cli.addSubcommand("fit", new FitCommand());
    cli.addSubcommand("fit-model", new FitModelCommand());
    cli.addSubcommand("train", new TrainCommand());
    return cli;
  }

  /** Runs the command line and returns its exit code (0 success, 2 bad input, 3 failed run). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return io.firmsim.simulator.cli.Main.run(commandLine(), out, err, args);
  }
}
