package io.firmsim.simulator.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clean-up of staging folders: after dead runs, and by the shutdown hook while writers write. */
class OutputDirectoryTest {
  @TempDir Path tmp;

  /** The id of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertEquals(0, p.waitFor());
    long pid = p.pid();
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    return pid;
  }

  private Path staging(String name, long ownerPid) throws IOException {
    Path d = Files.createDirectory(tmp.resolve(name));
    Files.writeString(d.resolve(".owner"), ownerPid + "\n", StandardCharsets.UTF_8);
    Files.writeString(d.resolve("panel.csv"), "firm_id,year\n1,1\n");
    return d;
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void stagingOfADeadRunIsRemovedAndThatOfALiveOneKept() throws Exception {
    staging(".out.tmp-dead", deadPid());
    staging(".out.tmp-live", ProcessHandle.current().pid());
    staging(".other.tmp-dead", deadPid()); // beside another output: not ours to judge
    try (OutputDirectory dir = OutputDirectory.begin(tmp.resolve("out"), false, "test")) {
      Files.writeString(dir.file("aggregates.csv"), "year\n");
      dir.commit();
    }
    assertEquals(List.of(".other.tmp-dead", ".out.tmp-live", "out"), names());
  }

  @Test
  void previousOutputMovedAsideByADeadRunIsMovedBack() throws Exception {
    Path aside = Files.createDirectory(tmp.resolve(".out.old-" + deadPid() + "-x"));
    Files.writeString(aside.resolve(OutputDirectory.MARKER), "{}");
    Files.writeString(aside.resolve("aggregates.csv"), "old");
    Path out = tmp.resolve("out");
    try (OutputDirectory dir = OutputDirectory.begin(out, true, "test")) {
      // not committed: the run fails; the previous output must be there afterwards
    }
    assertEquals(List.of("out"), names());
    assertEquals("old", Files.readString(out.resolve("aggregates.csv")));
  }

  /**
   * The shutdown hook's work, run while two writer threads keep creating files in the staging
   * folder as fast as they can (as a simulation's writer goes on during shutdown): the folder is
   * gone afterwards, under any name. Repeated, since a single pass of deletion loses the race only
   * sometimes.
   */
  @Test
  void shutdownCleanupRemovesStagingThatWritersStillFill() throws Exception {
    for (int round = 0; round < 10; round++) {
      Path out = tmp.resolve("out");
      OutputDirectory dir = OutputDirectory.begin(out, false, "test");
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch writing = new CountDownLatch(200);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        String prefix = "part-" + t + "-";
        Thread writer =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    try {
                      Files.createFile(dir.file(prefix + i));
                      writing.countDown();
                    } catch (IOException e) {
                      // the folder is gone or going: keep trying, as a careless writer would
                    }
                  }
                });
        writer.start();
        writers.add(writer);
      }
      try {
        assertTrue(writing.await(30, TimeUnit.SECONDS), "the writers did not start");
        OutputDirectory.removeLive();
        assertEquals(List.of(), names(), "staging left while writers wrote, round " + round);
      } finally {
        stop.set(true);
        for (Thread w : writers) {
          w.join();
        }
        dir.close();
      }
    }
  }

  @Test
  void closeWithoutCommitLeavesNothing() throws Exception {
    Path out = tmp.resolve("out");
    try (OutputDirectory dir = OutputDirectory.begin(out, false, "test")) {
      Files.writeString(dir.file("panel.csv"), "partial");
    }
    assertEquals(List.of(), names());
  }

  @Test
  void stagedFileOfADeadRunIsRemovedAndThatOfALiveOneKept() throws Exception {
    Files.writeString(tmp.resolve(".model.json.tmp-" + deadPid() + "-123"), "{\"half\":");
    Path live = tmp.resolve(".model.json.tmp-" + ProcessHandle.current().pid() + "-456");
    Files.writeString(live, "{}");
    try (OutputFile f = OutputFile.begin(tmp.resolve("model.json"), false)) {
      Files.writeString(f.staging(), "{\"whole\": true}");
      f.commit();
    }
    assertEquals(List.of(live.getFileName().toString(), "model.json"), names());
  }

  @Test
  void shutdownCleanupRemovesAStagedFile() throws Exception {
    OutputFile f = OutputFile.begin(tmp.resolve("model.json"), false);
    Files.writeString(f.staging(), "{\"half\":");
    OutputDirectory.removeLive();
    assertEquals(List.of(), names());
    f.close();
  }
}
