package io.firmsim.trainer.orchestrator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.orchestrator.graph.TaskOutcome.Status;
import io.firmsim.zoo.Hashing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GraphRunnerTest {

  private final GraphRunner runner = new GraphRunner();
  private final MemoryArtifactStore store = new MemoryArtifactStore();

  private static RunOptions options(int parallelism) {
    return new RunOptions(parallelism, false, RunListener.NONE);
  }

  private static Map<String, Status> statuses(RunReport report) {
    return report.outcomes().stream()
        .collect(Collectors.toMap(TaskOutcome::taskId, TaskOutcome::status));
  }

  private static Map<String, TestTask> byId(List<TestTask> tasks) {
    return tasks.stream().collect(Collectors.toMap(TestTask::id, Function.identity()));
  }

  @Test
  void runsEveryTaskInStageOrderAndReportsDeterministically() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.inMemory(), options(4));

    assertFalse(report.anyFailed());
    assertEquals(
        List.of("a", "b", "c", "d"), report.outcomes().stream().map(TaskOutcome::taskId).toList());
    assertTrue(report.outcomes().stream().allMatch(o -> o.status() == Status.SUCCEEDED));
    assertEquals(List.of(0, 1, 1, 2), report.outcomes().stream().map(TaskOutcome::stage).toList());
    assertEquals("d->report", store.get("report"));
    assertEquals(Map.of("task", "b"), report.outcome("b").orElseThrow().metrics());
    assertEquals(64, report.outcome("b").orElseThrow().key().length());
    tasks.forEach(task -> assertEquals(1, task.runs.get(), task.id()));
  }

  @Test
  void tasksOfAStageRunInParallel() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    TestTask.Body waitForTheOther =
        (task, context) -> {
          bothStarted.countDown();
          if (!bothStarted.await(10, TimeUnit.SECONDS)) {
            return TaskResult.failed("the other task of the stage did not run concurrently");
          }
          task.writeOutputs(context);
          return TaskResult.succeeded();
        };
    List<TestTask> tasks =
        List.of(
            new TestTask("left", Set.of(), Set.of("l")).body(waitForTheOther),
            new TestTask("right", Set.of(), Set.of("r")).body(waitForTheOther));

    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.disabled(), options(2));

    assertFalse(report.anyFailed(), report.outcomes().toString());
  }

  @Test
  void parallelismBoundsTheConcurrentTasks() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    TestTask.Body busy =
        (task, context) -> {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          Thread.sleep(20);
          running.decrementAndGet();
          task.writeOutputs(context);
          return TaskResult.succeeded();
        };
    List<TestTask> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(new TestTask("t" + i, Set.of(), Set.of("o" + i)).body(busy));
    }

    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.disabled(), options(3));

    assertFalse(report.anyFailed());
    assertTrue(peak.get() <= 3, "peak concurrency " + peak.get());
  }

  @Test
  void secondRunWithUnchangedInputsRunsNothing(@TempDir Path cacheDir) {
    List<TestTask> tasks = TaskGraphTest.fanOut();
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = new FileIncrementalCache(cacheDir);
    RunReport first = runner.run(graph, store, cache, options(8));
    assertEquals(53, first.withStatus(Status.SUCCEEDED).size());

    // A fresh cache object over the same directory: the keys survive the process.
    RunReport second = runner.run(graph, store, new FileIncrementalCache(cacheDir), options(8));

    assertFalse(second.anyFailed());
    assertEquals(53, second.withStatus(Status.CACHED).size());
    tasks.forEach(task -> assertEquals(1, task.runs.get(), task.id()));
    assertEquals(
        first.outcome("assemble").orElseThrow().key(),
        second.outcome("assemble").orElseThrow().key());
  }

  @Test
  void changedFingerprintRerunsThatTaskAndItsDownstreamOnly() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    Map<String, TestTask> byId = byId(tasks);
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = IncrementalCache.inMemory();
    runner.run(graph, store, cache, options(2));

    byId.get("b").fingerprint("v2");
    RunReport report = runner.run(graph, store, cache, options(2));

    assertEquals(
        Map.of(
            "a", Status.CACHED, "b", Status.SUCCEEDED, "c", Status.CACHED, "d", Status.SUCCEEDED),
        statuses(report));
    assertEquals(
        List.of(1, 2, 1, 2),
        tasks.stream().sorted((x, y) -> x.id().compareTo(y.id())).map(t -> t.runs.get()).toList());
  }

  @Test
  void rerunWithIdenticalOutputHashesLeavesDownstreamCached() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    Map<String, TestTask> byId = byId(tasks);
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = IncrementalCache.inMemory();
    runner.run(graph, store, cache, options(2));

    // The output of "a" disappears and "b" changes: "b" needs "x", so "a" runs again to provide
    // it, writes the same content hash, and "c", which reads the same "x", stays up to date.
    store.remove("x");
    byId.get("b").fingerprint("v2");
    RunReport report = runner.run(graph, store, cache, options(2));

    assertEquals(
        Map.of(
            "a",
            Status.SUCCEEDED,
            "b",
            Status.SUCCEEDED,
            "c",
            Status.CACHED,
            "d",
            Status.SUCCEEDED),
        statuses(report));
    assertEquals(2, byId.get("a").runs.get());
    assertTrue(report.outcome("a").orElseThrow().message().contains("provide"));
  }

  @Test
  void missingIntermediateOutputIsNotRecomputedWhenNothingNeedsIt() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = IncrementalCache.inMemory();
    runner.run(graph, store, cache, options(2));

    // An in-memory data set of an earlier process is gone, but every task reading it is up to
    // date: the rerun reuses everything and keys its dependents with the recorded hash.
    store.remove("x");
    RunReport report = runner.run(graph, store, cache, options(2));

    assertEquals(4, report.withStatus(Status.CACHED).size(), report.summary());
    tasks.forEach(task -> assertEquals(1, task.runs.get(), task.id()));
  }

  @Test
  void damagedArtifactIsRecomputedAndSaysSo() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    Map<String, TestTask> byId = byId(tasks);
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = IncrementalCache.inMemory();
    runner.run(graph, store, cache, options(2));

    // "y" now holds other content than "b" wrote: "b" runs again and its dependents follow only
    // if its content changes (it does not: "b" is deterministic).
    store.put("y", "tampered", "0000");
    RunReport report = runner.run(graph, store, cache, options(2));

    assertEquals(
        Map.of("a", Status.CACHED, "b", Status.SUCCEEDED, "c", Status.CACHED, "d", Status.CACHED),
        statuses(report));
    assertEquals(2, byId.get("b").runs.get());
    assertTrue(report.outcome("b").orElseThrow().message().contains("damaged"));
    assertEquals("b->y", store.get("y"));
  }

  @Test
  void forceRerunsEverything() {
    List<TestTask> tasks = TaskGraphTest.diamond();
    TaskGraph graph = TaskGraph.of(tasks);
    IncrementalCache cache = IncrementalCache.inMemory();
    runner.run(graph, store, cache, options(2));

    RunReport report = runner.run(graph, store, cache, options(2).withForce(true));

    assertEquals(4, report.withStatus(Status.SUCCEEDED).size());
    tasks.forEach(task -> assertEquals(2, task.runs.get(), task.id()));
  }

  @Test
  void onlySelectionRunsTheSelectedTaskWithItsUpstream() {
    List<TestTask> tasks = TaskGraphTest.fanOut();
    Map<String, TestTask> byId = byId(tasks);
    TaskGraph graph = TaskGraph.of(tasks).selectByTag("S07");

    RunReport report = runner.run(graph, store, IncrementalCache.inMemory(), options(2));

    assertEquals(Map.of("load", Status.SUCCEEDED, "fit:S07", Status.SUCCEEDED), statuses(report));
    assertEquals(0, byId.get("fit:S08").runs.get());
    assertEquals(0, byId.get("assemble").runs.get());
  }

  /**
   * Stage 0: "bad" and "good"; stage 1: "afterBad" reads bad, "afterGood" reads good; stage 2:
   * "end" reads both. The failure of "bad" blocks "afterBad" and "end" only.
   */
  private List<TestTask> failingGraph(TestTask.Body failure) {
    return List.of(
        new TestTask("bad", Set.of(), Set.of("b")).body(failure),
        new TestTask("good", Set.of(), Set.of("g")),
        new TestTask("afterBad", Set.of("b"), Set.of("ab")),
        new TestTask("afterGood", Set.of("g"), Set.of("ag")),
        new TestTask("end", Set.of("ab", "ag"), Set.of("e")));
  }

  @Test
  void thrownExceptionFailsTheTaskAndBlocksOnlyItsDependents() {
    IllegalStateException boom = new IllegalStateException("design matrix is singular");
    List<TestTask> tasks =
        failingGraph(
            (task, context) -> {
              throw boom;
            });
    IncrementalCache cache = IncrementalCache.inMemory();

    RunReport report = runner.run(TaskGraph.of(tasks), store, cache, options(2));

    assertTrue(report.anyFailed());
    assertEquals(
        Map.of(
            "bad",
            Status.FAILED,
            "good",
            Status.SUCCEEDED,
            "afterBad",
            Status.BLOCKED,
            "afterGood",
            Status.SUCCEEDED,
            "end",
            Status.BLOCKED),
        statuses(report));
    TaskOutcome bad = report.outcome("bad").orElseThrow();
    assertTrue(bad.message().contains("design matrix is singular"), bad.message());
    assertSame(boom, bad.error());
    assertEquals(
        "blocked by failed upstream task bad", report.outcome("afterBad").orElseThrow().message());
    assertEquals(
        "blocked by failed upstream task bad", report.outcome("end").orElseThrow().message());
    assertTrue(store.exists("g") && store.exists("ag"));
    assertFalse(store.exists("ab"));
    assertTrue(cache.lastKey("afterGood").isPresent());
    assertTrue(cache.lastKey("bad").isEmpty());
    assertEquals(0, byId(tasks).get("afterBad").runs.get());
  }

  @Test
  void failedResultFailsTheRunAndTheNextRunRetriesOnlyWhatDidNotSucceed() {
    AtomicInteger attempts = new AtomicInteger();
    List<TestTask> tasks =
        failingGraph(
            (task, context) -> {
              if (attempts.incrementAndGet() == 1) {
                return TaskResult.failed("fit did not converge", Map.of("iterations", 200));
              }
              task.writeOutputs(context);
              return TaskResult.succeeded();
            });
    IncrementalCache cache = IncrementalCache.inMemory();
    TaskGraph graph = TaskGraph.of(tasks);

    RunReport first = runner.run(graph, store, cache, options(2));
    assertTrue(first.anyFailed());
    TaskOutcome bad = first.outcome("bad").orElseThrow();
    assertEquals(Status.FAILED, bad.status());
    assertEquals("fit did not converge", bad.message());
    assertEquals(Map.of("iterations", 200), bad.metrics());

    RunReport second = runner.run(graph, store, cache, options(2));
    assertFalse(second.anyFailed());
    assertEquals(
        Map.of(
            "bad",
            Status.SUCCEEDED,
            "good",
            Status.CACHED,
            "afterBad",
            Status.SUCCEEDED,
            "afterGood",
            Status.CACHED,
            "end",
            Status.SUCCEEDED),
        statuses(second));
  }

  @Test
  void blockedMessageNamesEveryFailedRoot() {
    List<TestTask> tasks =
        List.of(
            new TestTask("x", Set.of(), Set.of("x")).body((t, c) -> TaskResult.failed("no")),
            new TestTask("y", Set.of(), Set.of("y")).body((t, c) -> TaskResult.failed("no")),
            new TestTask("z", Set.of("x", "y"), Set.of("z")));
    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.inMemory(), options(2));
    assertEquals(
        "blocked by failed upstream tasks x, y", report.outcome("z").orElseThrow().message());
  }

  @Test
  void undeclaredOrMissingOutputsFailTheTask() {
    List<TestTask> tasks =
        List.of(
            new TestTask("sneaky", Set.of(), Set.of("declared"))
                .body(
                    (task, context) -> {
                      context.output("undeclared", "value", "hash");
                      return TaskResult.succeeded();
                    }),
            new TestTask("lazy", Set.of(), Set.of("promised"))
                .body((task, context) -> TaskResult.succeeded()),
            new TestTask("nosy", Set.of(), Set.of("n"))
                .body(
                    (task, context) -> {
                      context.input("declared");
                      return TaskResult.succeeded();
                    }));

    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.inMemory(), options(1));

    assertEquals(Set.of(Status.FAILED), Set.copyOf(statuses(report).values()));
    assertTrue(report.outcome("sneaky").orElseThrow().message().contains("undeclared"));
    assertTrue(
        report
            .outcome("lazy")
            .orElseThrow()
            .message()
            .contains("did not write its declared outputs promised"));
    assertTrue(report.outcome("nosy").orElseThrow().message().contains("does not declare"));
    assertFalse(store.exists("undeclared"));
  }

  @Test
  void missingExternalInputFailsTheTask() {
    List<TestTask> tasks = List.of(new TestTask("fit", Set.of("dataset:panel"), Set.of("s")));
    TaskGraph graph = TaskGraph.of(tasks, Set.of("dataset:panel"));

    RunReport missing = runner.run(graph, store, IncrementalCache.inMemory(), options(1));
    assertEquals(Status.FAILED, missing.outcome("fit").orElseThrow().status());
    assertTrue(missing.outcome("fit").orElseThrow().message().contains("dataset:panel"));

    store.put("dataset:panel", "rows", Hashing.sha256("rows"));
    RunReport present = runner.run(graph, store, IncrementalCache.inMemory(), options(1));
    assertEquals(Status.SUCCEEDED, present.outcome("fit").orElseThrow().status());
  }

  @Test
  void listenerSeesEveryStageAndTask() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<RunReport> finished = new ArrayList<>();
    RunListener listener =
        new RunListener() {
          @Override
          public void stageStarted(int stage, List<Task> tasks) {
            events.add("stage " + stage + " " + TaskGraphTest.ids(tasks));
          }

          @Override
          public void taskFinished(Task task, TaskOutcome outcome) {
            events.add(task.id() + " " + outcome.status());
          }

          @Override
          public void runFinished(RunReport report) {
            finished.add(report);
          }
        };

    RunReport report =
        runner.run(
            TaskGraph.of(TaskGraphTest.diamond()),
            store,
            IncrementalCache.inMemory(),
            options(2).withListener(listener));

    assertEquals("stage 0 [a]", events.get(0));
    assertEquals("a SUCCEEDED", events.get(1));
    assertEquals("stage 1 [b, c]", events.get(2));
    assertEquals(Set.of("b SUCCEEDED", "c SUCCEEDED"), Set.copyOf(events.subList(3, 5)));
    assertEquals(List.of("stage 2 [d]", "d SUCCEEDED"), events.subList(5, 7));
    assertEquals(List.of(report), finished);
  }

  @Test
  void interruptCancelsTheRunAndRestoresTheFlag() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    List<TestTask> tasks =
        List.of(
            new TestTask("slow", Set.of(), Set.of("s"))
                .body(
                    (task, context) -> {
                      started.countDown();
                      Thread.sleep(60_000);
                      return TaskResult.succeeded();
                    }),
            new TestTask("after", Set.of("s"), Set.of("a")));
    RunReport[] report = new RunReport[1];
    boolean[] flag = new boolean[1];
    Thread caller =
        new Thread(
            () -> {
              report[0] =
                  runner.run(TaskGraph.of(tasks), store, IncrementalCache.inMemory(), options(1));
              flag[0] = Thread.currentThread().isInterrupted();
            });
    caller.start();
    assertTrue(started.await(10, TimeUnit.SECONDS));
    caller.interrupt();
    caller.join(10_000);

    assertFalse(caller.isAlive());
    assertNotNull(report[0]);
    assertTrue(flag[0], "interrupt flag restored");
    assertTrue(report[0].interrupted());
    assertTrue(report[0].anyFailed());
    assertEquals(Map.of("slow", Status.CANCELLED, "after", Status.CANCELLED), statuses(report[0]));
  }

  @Test
  void reportSummaryCountsStatuses() {
    List<TestTask> tasks = failingGraph((task, context) -> TaskResult.failed("no"));
    RunReport report =
        runner.run(TaskGraph.of(tasks), store, IncrementalCache.inMemory(), options(2));
    assertTrue(
        report
            .summary()
            .matches("5 tasks in [0-9.]+ s: 2 succeeded, 0 cached, 1 failed, 2 blocked"),
        report.summary());
  }
}
