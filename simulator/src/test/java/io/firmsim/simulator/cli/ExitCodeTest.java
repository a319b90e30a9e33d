package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputWriteException;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Exit codes and messages by the type of the failure, through {@link Main#run}: a stub command
 * registered on the real command line throws the exception under test.
 */
class ExitCodeTest {
  @Command(name = "stub")
  static final class Stub implements Callable<Integer> {
    private final Supplier<Exception> failure;

    Stub(Supplier<Exception> failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      throw failure.get();
    }
  }

  record Outcome(int code, String err) {}

  private static Outcome run(Supplier<Exception> failure, String... args) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("stub", new Stub(failure));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = args.length == 0 ? new String[] {"stub"} : args;
    int code = Main.run(cli, new PrintWriter(out), new PrintWriter(err), all);
    return new Outcome(code, err.toString());
  }

  private static boolean hasStackTrace(String err) {
    return err.contains("\tat ");
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        // bad input: exit 2, the message, no stack trace
        Arguments.of(
            "bad input",
            (Supplier<Exception>) () -> new BadInputException("pop.csv, row 3: not a number"),
            2,
            "firmsim: error: pop.csv, row 3: not a number",
            false),
        Arguments.of(
            "bad model",
            (Supplier<Exception>) () -> new ModelSpecException("model.json: unknown feature X"),
            2,
            "firmsim: error: model.json: unknown feature X",
            false),
        // a failed run: exit 3
        Arguments.of(
            "balance violation",
            (Supplier<Exception>) () -> new BalanceViolationException(7, 3, 0.5, 1e-9),
            3,
            "firmsim: run failed: balance identity violated for firm 7",
            false),
        Arguments.of(
            "failed run",
            (Supplier<Exception>) () -> new RunFailedException("no submodel could be estimated"),
            3,
            "firmsim: run failed: no submodel could be estimated",
            false),
        // a bug: exit 1 with the stack trace and a line saying so
        Arguments.of(
            "illegal argument",
            (Supplier<Exception>) () -> new IllegalArgumentException("index -1"),
            1,
            "firmsim: internal error (a bug, please report it): java.lang.IllegalArgumentException:"
                + " index -1",
            true),
        Arguments.of(
            "null pointer",
            (Supplier<Exception>) NullPointerException::new,
            1,
            "firmsim: internal error (a bug, please report it)",
            true),
        Arguments.of(
            "bare I/O error",
            (Supplier<Exception>) () -> new IOException("Input/output error"),
            1,
            "firmsim: internal error (a bug, please report it)",
            true),
        // a full disk: exit 1, the path, no stack trace
        Arguments.of(
            "full disk",
            (Supplier<Exception>)
                () ->
                    new OutputWriteException(
                        Path.of("/data/out/panel.csv"), new IOException("No space left on device")),
            1,
            "firmsim: error: cannot write /data/out/panel.csv: No space left on device",
            false),
        // an interruption: exit 130, whatever wraps it
        Arguments.of(
            "interrupted",
            (Supplier<Exception>) InterruptedException::new,
            130,
            "firmsim: interrupted",
            false),
        Arguments.of(
            "closed by interrupt",
            (Supplier<Exception>) ClosedByInterruptException::new,
            130,
            "firmsim: interrupted",
            false),
        Arguments.of(
            "interrupt while reading, wrapped as bad input",
            (Supplier<Exception>)
                () ->
                    new BadInputException(
                        "pop.csv: cannot read",
                        new UncheckedIOException(new ClosedByInterruptException())),
            130,
            "firmsim: interrupted",
            false),
        Arguments.of(
            "interrupt inside an execution exception",
            (Supplier<Exception>)
                () -> new ExecutionException(new RuntimeException(new InterruptedException())),
            130,
            "firmsim: interrupted",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void exitCodeAndMessageFollowTheCause(
      String label, Supplier<Exception> failure, int code, String message, boolean trace) {
    Outcome o = run(failure);
    assertEquals(code, o.code(), o.err());
    assertTrue(o.err().startsWith(message), o.err());
    assertEquals(trace, hasStackTrace(o.err()), o.err());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void anInterruptedThreadIsAnInterruptionWhateverItThrows() {
    try {
      Outcome o =
          run(
              () -> {
                Thread.currentThread().interrupt();
                return new IllegalStateException("woken up");
              });
      assertEquals(130, o.code(), o.err());
    } finally {
      Thread.interrupted(); // clear the flag for the next test
    }
  }

  @Test
  void parameterErrorsExit2WithUsage() {
    Outcome o =
        run(
            () -> new IllegalStateException("not run"),
            "simulate",
            "--out",
            "x",
            "--no-such-option");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("Unknown option: '--no-such-option'"), o.err());
    assertFalse(hasStackTrace(o.err()), o.err());
  }

  @Test
  void badInputKeepsItsCause() {
    IOException cause = new IOException("disk read error");
    BadInputException e = BadInputException.at(Path.of("pop.csv"), 4, "MA", "cannot read", cause);
    assertSame(cause, e.getCause());
    assertEquals("pop.csv, row 4, column 'MA': cannot read", e.getMessage());
  }

  @Test
  void versionNamesTheRunningBuild() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");
    assertEquals(0, code);
    assertEquals("firmsim " + BuildInfo.current().codeVersion(), out.toString().strip());
  }
}
