package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code simulate} in a child JVM, stopped with SIGTERM while it writes its panel: the
 * shutdown hook must leave neither the output nor its staging folder.
 */
class SigtermTest {
  @TempDir Path tmp;

  /** The staging folder of {@code out} holding a panel that is being written, if there is one. */
  private static Optional<Path> panelBeingWritten(Path parent) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      for (Path p : s.toList()) {
        Path panel = p.resolve("panel.csv");
        // Past the writer's 1 MiB buffer: rows are reaching the file.
        if (p.getFileName().toString().startsWith(".out.tmp-")
            && Files.isRegularFile(panel)
            && Files.size(panel) > (1 << 20)) {
          return Optional.of(panel);
        }
      }
    } catch (IOException e) {
      return Optional.empty(); // the folder changed while listed
    }
    return Optional.empty();
  }

  @Test
  void sigtermDuringAPanelWriteLeavesNoStagingFolder() throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.log");
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path target = work.resolve("out");
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-cp",
                classPath,
                Main.class.getName(),
                "simulate",
                "--firms",
                "200000",
                "--years",
                "20",
                "--panel",
                "csv",
                "--chunk-size",
                "2048",
                "--quiet",
                "--out",
                target.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (panelBeingWritten(work).isEmpty()) {
        if (!child.isAlive()) {
          fail("simulate ended before it was stopped:\n" + Files.readString(log));
        }
        if (System.nanoTime() > deadline) {
          fail("no panel was being written after 180 s:\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
      child.destroy(); // SIGTERM
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "simulate did not stop on SIGTERM");
    } finally {
      child.destroyForcibly();
    }
    assertEquals(143, child.exitValue(), Files.readString(log)); // 128 + SIGTERM
    try (Stream<Path> s = Files.list(work)) {
      List<String> left = s.map(p -> p.getFileName().toString()).toList();
      assertEquals(List.of(), left, "left behind after SIGTERM");
    }
    assertFalse(Files.exists(target));
  }
}
