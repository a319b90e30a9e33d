package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher knows {@code serve} and maps its bad input to exit code 2. */
class MainServeTest {
  @TempDir Path tmp;

  @Test
  void serveIsRegisteredAndAMissingRepositoryExitsTwo() {
    assertTrue(Main.commandLine().getSubcommands().containsKey("serve"));
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "serve",
            "--repository",
            tmp.resolve("missing").toString());
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("missing"), err.toString());
  }
}
