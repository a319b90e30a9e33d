package io.firmsim.simulator.cli;

import picocli.CommandLine;

/** Entry point of the {@code ./firmsim} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (0 success, 2 bad input, 3 failed run). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new FirmsimCommand());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli.execute(args);
  }
}
