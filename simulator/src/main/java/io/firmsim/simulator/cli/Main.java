package io.firmsim.simulator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code ./firmsim} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (0 success, 2 bad input, 3 failed run). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, printing to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new FirmsimCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
