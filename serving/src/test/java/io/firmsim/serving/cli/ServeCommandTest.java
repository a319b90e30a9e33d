package io.firmsim.serving.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code firmsim serve} on the launcher's command line (the simulator's error handling): help
 * describes every flag, the batching flags parse into {@link BatchingOptions}, and a repository
 * that does not exist or holds nothing servable exits 2 with a message naming it.
 */
class ServeCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(ServeCommand command, String... args) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("serve", command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(cli, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpDescribesEveryFlag() {
    Run r = run(new ServeCommand(), "serve", "--help");
    assertEquals(0, r.code());
    for (String flag :
        new String[] {
          "--repository",
          "--host",
          "--port",
          "--poll-seconds",
          "--max-request-bytes",
          "--request-timeout-ms",
          "--http-threads",
          "--session-threads",
          "--shutdown-timeout-ms",
          "--[no-]batching",
          "--max-batch",
          "--max-queue-delay-us",
          "--max-queue"
        }) {
      assertTrue(r.out().contains(flag), flag + " in\n" + r.out());
    }
  }

  @Test
  void batchingFlagsParseWithTheirDefaults() {
    ServeCommand defaults = new ServeCommand();
    new CommandLine(defaults).parseArgs("--repository", "x");
    assertEquals(BatchingOptions.DEFAULT, defaults.batchingOptions());
    ServeCommand set = new ServeCommand();
    new CommandLine(set)
        .parseArgs(
            "--repository",
            "x",
            "--no-batching",
            "--max-batch",
            "64",
            "--max-queue-delay-us",
            "500",
            "--max-queue",
            "8");
    assertEquals(new BatchingOptions(false, 64, 500, 8), set.batchingOptions());
  }

  @Test
  void embeddingWithoutALoaderExitsTwoNamingTheFolder() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Run r =
        run(
            new ServeCommand(),
            "serve",
            "--repository",
            repo.toString(),
            "--port",
            "0",
            "--embedding",
            tmp.resolve("emb-folder").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("emb-folder"), r.err());
  }

  @Test
  void aMissingRepositoryExitsTwoNamingIt() {
    Path missing = tmp.resolve("no-such-repo");
    Run r = run(new ServeCommand(), "serve", "--repository", missing.toString(), "--port", "0");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(missing.toString()) && r.err().contains("no such folder"), r.err());
  }

  @Test
  void aRepositoryWithNothingServableExitsTwoNamingIt() throws Exception {
    Files.createDirectories(tmp.resolve("paper/latest"));
    Run empty = run(new ServeCommand(), "serve", "--repository", tmp.toString(), "--port", "0");
    assertEquals(2, empty.code(), empty.err());
    assertTrue(empty.err().contains(tmp.toString()) && empty.err().contains("nothing to serve"));

    // A numeric version that fails to load: the server starts, says where, and gives up.
    Path v1 = Files.createDirectories(tmp.resolve("paper/1"));
    Files.writeString(v1.resolve("metadata.json"), "{}");
    Run broken = run(new ServeCommand(), "serve", "--repository", tmp.toString(), "--port", "0");
    assertEquals(2, broken.code(), broken.err());
    assertTrue(broken.out().startsWith("serving on http://127.0.0.1:"), broken.out());
    assertTrue(broken.err().contains("nothing servable"), broken.err());
  }

  @Test
  void optionsOutOfRangeExitTwo() throws Exception {
    Run r = run(new ServeCommand(), "serve", "--repository", tmp.toString(), "--http-threads", "2");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("httpThreads must be at least 8"), r.err());
  }
}
