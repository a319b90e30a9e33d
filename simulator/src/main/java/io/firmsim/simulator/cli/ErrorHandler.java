package io.firmsim.simulator.cli;

import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputWriteException;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a command's failure into one exit code and a message on stderr, by the exception's type
 * (never by its message):
 *
 * <ul>
 *   <li>{@value #INTERRUPTED}: the run was interrupted (an {@link InterruptedException}, {@link
 *       ClosedByInterruptException} or another interruption anywhere in the cause chain); message
 *       {@code interrupted};
 *   <li>{@value #BAD_INPUT}: bad input a user can fix (files, arguments, model, configuration):
 *       {@link BadInputException} and its subclasses, {@link ModelSpecException}; one line, no
 *       stack trace (picocli's own argument errors also exit {@value #BAD_INPUT});
 *   <li>{@value #FAILED_RUN}: a run that failed its checks or could not estimate anything ({@link
 *       RunFailedException}, {@link BalanceViolationException}); one line;
 *   <li>{@value #INTERNAL}: an output that could not be written ({@link OutputWriteException}: a
 *       full disk), one line naming the path; anything else is a bug, reported with its stack trace
 *       and a line saying so. An {@link IllegalArgumentException} is a bug too: user input is
 *       checked where it is read and refused with a {@link BadInputException}.
 * </ul>
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int INTERNAL = 1;
  static final int BAD_INPUT = 2;
  static final int FAILED_RUN = 3;

  /** 128 + SIGINT, as a shell reports a command stopped with Ctrl-C. */
  static final int INTERRUPTED = 130;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    return report(e, cli);
  }

  /** Prints what {@code e} means for the user to {@code cli}'s error stream; returns the code. */
  static int report(Throwable e, CommandLine cli) {
    if (isInterruption(e)) {
      cli.getErr().println("firmsim: interrupted");
      return INTERRUPTED;
    }
    if (e instanceof BadInputException || e instanceof ModelSpecException) {
      cli.getErr().println("firmsim: error: " + e.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof RunFailedException || e instanceof BalanceViolationException) {
      cli.getErr().println("firmsim: run failed: " + e.getMessage());
      return FAILED_RUN;
    }
    if (e instanceof OutputWriteException) {
      cli.getErr().println("firmsim: error: " + e.getMessage());
      return INTERNAL;
    }
    if (e instanceof OutOfMemoryError) {
      cli.getErr()
          .println(
              "firmsim: out of memory ("
                  + e.getMessage()
                  + "): give the JVM more heap, e.g. JAVA_OPTS=-Xmx16g, or use a smaller"
                  + " --chunk-size");
      return INTERNAL;
    }
    cli.getErr().println("firmsim: internal error (a bug, please report it): " + e);
    e.printStackTrace(cli.getErr());
    return INTERNAL;
  }

  /**
   * Whether {@code e}, one of its causes or suppressed exceptions is an interruption, or the
   * current thread's interrupt flag is set (an interrupted thread may fail with any exception).
   */
  static boolean isInterruption(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return isInterruption(e, seen);
  }

  private static boolean isInterruption(Throwable e, Set<Throwable> seen) {
    if (e == null || !seen.add(e)) {
      return false;
    }
    if (e instanceof InterruptedException
        || e instanceof ClosedByInterruptException
        || e instanceof FileLockInterruptionException
        || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException))) {
      return true;
    }
    for (Throwable s : e.getSuppressed()) {
      if (isInterruption(s, seen)) {
        return true;
      }
    }
    return isInterruption(e.getCause(), seen);
  }
}
