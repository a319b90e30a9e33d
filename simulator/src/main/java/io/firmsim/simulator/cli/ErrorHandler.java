package io.firmsim.simulator.cli;

import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.modelspec.ModelSpecException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures a user can act on into one clear line on stderr and an exit code: 2 for bad
 * input (files, arguments, model), 3 for a run that failed its checks; anything else is a bug and
 * keeps its stack trace (exit 1).
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int BAD_INPUT = 2;
  static final int FAILED_RUN = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    if (e instanceof BadInputException
        || e instanceof ModelSpecException
        || e instanceof IllegalArgumentException) {
      cli.getErr().println("firmsim: error: " + e.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof BalanceViolationException) {
      cli.getErr().println("firmsim: simulation failed: " + e.getMessage());
      return FAILED_RUN;
    }
    cli.getErr().println("firmsim: internal error: " + e);
    e.printStackTrace(cli.getErr());
    return 1;
  }
}
