package io.firmsim.simulator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code ./firmsim} launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit code: 0 success, 1 an internal error (a bug) or an
   * output that could not be written (full disk), 2 bad input, 3 a failed run, 130 interrupted (see
   * {@link ErrorHandler}).
   */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, printing to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(commandLine(), out, err, args);
  }

  /**
   * The {@code firmsim} command line with the simulator's subcommands and error handling; other
   * modules add theirs with {@link CommandLine#addSubcommand(String, Object)}.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FirmsimCommand());
    cli.addSubcommand("export", new ExportCommand());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  /** Runs a command line, printing to the given writers; returns the exit code. */
  public static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
    cli.setOut(out);
    cli.setErr(err);
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // Errors pass through picocli's exception handler; this one has a remedy a user can apply.
      code = ErrorHandler.report(e, cli);
    }
    out.flush();
    err.flush();
    return code;
  }
}
