package io.firmsim.trainer.orchestrator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIncrementalCacheTest {

  @TempDir Path dir;

  @Test
  void recordsReadsAndInvalidatesKeysAcrossInstances() throws Exception {
    FileIncrementalCache cache = new FileIncrementalCache(dir.resolve("cache"));
    assertEquals(Optional.empty(), cache.lastKey("fit:EDEPMA.prob"));

    cache.record("fit:EDEPMA.prob", "k1");
    cache.record("fit:EDEPMA.prob", "k2");
    assertEquals(
        Optional.of("k2"),
        new FileIncrementalCache(dir.resolve("cache")).lastKey("fit:EDEPMA.prob"));

    cache.invalidate("fit:EDEPMA.prob");
    cache.invalidate("never-recorded");
    assertEquals(Optional.empty(), cache.lastKey("fit:EDEPMA.prob"));
    try (var files = Files.list(dir.resolve("cache"))) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void idsThatSanitiseAlikeGetTheirOwnFiles() {
    FileIncrementalCache cache = new FileIncrementalCache(dir);
    cache.record("a:b", "colon");
    cache.record("a_b", "underscore");
    cache.record("a/../b", "slashes");
    assertEquals(Optional.of("colon"), cache.lastKey("a:b"));
    assertEquals(Optional.of("underscore"), cache.lastKey("a_b"));
    assertEquals(Optional.of("slashes"), cache.lastKey("a/../b"));
  }

  @Test
  void unreadableEntryCountsAsAbsent() throws Exception {
    FileIncrementalCache cache = new FileIncrementalCache(dir);
    cache.record("t", "k");
    try (var files = Files.list(dir)) {
      Path file = files.findFirst().orElseThrow();
      Files.writeString(file, "task=other\nkey=k\n");
    }
    assertEquals(Optional.empty(), cache.lastKey("t"));
  }

  @Test
  void blankIdsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> new FileIncrementalCache(dir).record(" ", "k"));
  }

  @Test
  void taskResultsCopyTheirMetrics() {
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("loglik", -12.5);
    TaskResult result = TaskResult.succeeded(metrics);
    metrics.put("later", 1);
    assertEquals(Map.of("loglik", -12.5), result.metrics());
    assertThrows(UnsupportedOperationException.class, () -> result.metrics().put("x", 1));
    assertThrows(IllegalArgumentException.class, () -> TaskResult.failed(" "));
    assertTrue(result.isSuccess());
  }
}
