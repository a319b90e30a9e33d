package io.firmsim.trainer.orchestrator.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TaskGraph} stage by stage; the tasks of a stage run in parallel on a fixed pool of
 * {@link RunOptions#parallelism()} threads, and a stage starts when the previous one has finished.
 *
 * <p><b>Incremental runs.</b> Before running a task, the runner computes its key: the SHA-256 of
 * the task's {@link Task#fingerprint()}, its input artifact ids with their content hashes in the
 * store, and its output ids. When the {@link IncrementalCache} remembers the same key for the task
 * and all its outputs exist in the store, the task is CACHED: it does not run and its outputs, with
 * their stored hashes, are reused. {@link RunOptions#force()} runs every task. After a success the
 * key is recorded; after a failure the entry is invalidated. Because keys use content hashes, a
 * re-run task whose outputs come out identical leaves its dependents up to date.
 *
 * <p><b>Failures.</b> A task fails when it returns {@link TaskResult#failed}, throws, returns null,
 * or succeeds without writing every declared output; exceptions are caught, logged with their stack
 * trace and reported in the {@link TaskOutcome} (message and error), never lost. A failed task does
 * not stop the run: its dependents, direct or not, are BLOCKED (their message names the failed
 * upstream tasks), and all independent tasks still run, in this stage and later ones, and keep
 * their outputs and cache entries for the next run. {@link RunReport#anyFailed()} then tells the
 * caller to exit non-zero. A task whose external input is missing from the store fails.
 *
 * <p><b>Interrupts.</b> When the calling thread is interrupted while waiting for a stage, the
 * runner interrupts the workers, stops starting tasks, marks the unfinished tasks CANCELLED,
 * restores the interrupt flag and returns the partial report (with {@code interrupted()} true). A
 * task that ignores interruption may still be running when {@code run} returns; its late outcome is
 * not reported. A task that throws {@link InterruptedException} is CANCELLED and its worker's
 * interrupt flag is restored.
 *
 * <p><b>Thread-safety.</b> A runner holds no state between runs; one instance may serve several
 * runs, even concurrently (on different stores and caches). The store and cache must be thread-safe
 * (see their interfaces). Listener calls are serialised (never concurrent) although {@link
 * RunListener#taskFinished} is called from worker threads.
 */
public final class GraphRunner {

  private static final Logger LOG = LoggerFactory.getLogger(GraphRunner.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  /**
   * Runs the graph.
   *
   * @param graph the tasks, e.g. a {@link TaskGraph#select selection}
   * @param store where inputs are read and outputs written; holds the outputs of earlier runs for
   *     incremental runs
   * @param cache the keys of earlier successful runs
   * @param options parallelism, force, listener
   * @return one outcome per task, by stage then id; never throws for task failures
   */
  public RunReport run(
      TaskGraph graph, ArtifactStore store, IncrementalCache cache, RunOptions options) {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(options, "options");
    return new Run(graph, store, cache, options).execute();
  }

  /** The incremental key of a task given the current content hashes of its inputs. */
  static String key(
      String fingerprint,
      SortedSet<String> inputs,
      SortedSet<String> outputs,
      ArtifactStore store) {
    List<String> parts = new ArrayList<>();
    parts.add("fingerprint");
    parts.add(fingerprint);
    for (String input : inputs) {
      parts.add("input");
      parts.add(input);
      parts.add(store.hash(input));
    }
    for (String output : outputs) {
      parts.add("output");
      parts.add(output);
    }
    return Hashing.combine(parts);
  }

  /** The state of one run; its maps are touched by the calling thread only. */
  private static final class Run {
    private final TaskGraph graph;
    private final ArtifactStore store;
    private final IncrementalCache cache;
    private final RunOptions options;
    private final Map<String, TaskOutcome> outcomes = new HashMap<>();

    /** Per task that is not ok: the ids of the failed or cancelled tasks at the root of it. */
    private final Map<String, SortedSet<String>> rootFailures = new HashMap<>();

    private final Object listenerLock = new Object();
    private boolean listenerClosed;

    Run(TaskGraph graph, ArtifactStore store, IncrementalCache cache, RunOptions options) {
      this.graph = graph;
      this.store = store;
      this.cache = cache;
      this.options = options;
    }

    RunReport execute() {
      long start = System.nanoTime();
      List<List<Task>> stages = graph.stages();
      LOG.info(
          "running {} tasks in {} stages on {} threads{}",
          graph.size(),
          stages.size(),
          options.parallelism(),
          options.force() ? " (forced)" : "");
      ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), threads());
      boolean interrupted = false;
      try {
        for (int k = 0; k < stages.size() && !interrupted; k++) {
          interrupted = runStage(pool, k, stages.get(k));
        }
      } finally {
        if (interrupted) {
          pool.shutdownNow();
        } else {
          pool.shutdown();
        }
      }
      List<TaskOutcome> ordered = new ArrayList<>();
      for (Task task : graph.tasks()) {
        TaskOutcome outcome = outcomes.get(task.id());
        if (outcome == null) {
          outcome = cancelled(task, "run interrupted before the task started");
          notifyFinished(task, outcome);
        }
        ordered.add(outcome);
      }
      RunReport report =
          new RunReport(ordered, Duration.ofNanos(System.nanoTime() - start), interrupted);
      LOG.info("{}", report.summary());
      synchronized (listenerLock) {
        listenerClosed = true;
        try {
          options.listener().runFinished(report);
        } catch (RuntimeException e) {
          LOG.warn("run listener failed in runFinished", e);
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return report;
    }

    /** Runs one stage; returns whether the calling thread was interrupted. */
    private boolean runStage(ExecutorService pool, int stage, List<Task> tasks) {
      LOG.info("stage {}/{}: {} tasks", stage + 1, graph.stages().size(), tasks.size());
      synchronized (listenerLock) {
        try {
          options.listener().stageStarted(stage, tasks);
        } catch (RuntimeException e) {
          LOG.warn("run listener failed in stageStarted", e);
        }
      }
      Map<Task, Future<TaskOutcome>> running = new LinkedHashMap<>();
      for (Task task : tasks) {
        SortedSet<String> roots = upstreamFailures(task);
        if (roots.isEmpty()) {
          running.put(task, pool.submit(() -> runTask(task, stage)));
        } else {
          String message =
              (roots.size() == 1
                      ? "blocked by failed upstream task "
                      : "blocked by failed upstream tasks ")
                  + String.join(", ", roots);
          TaskOutcome outcome =
              new TaskOutcome(
                  task.id(),
                  task.kind(),
                  stage,
                  TaskOutcome.Status.BLOCKED,
                  message,
                  Map.of(),
                  Duration.ZERO,
                  "",
                  null);
          LOG.info("{}", outcome.summary());
          record(outcome, roots);
          notifyFinished(task, outcome);
        }
      }
      for (Map.Entry<Task, Future<TaskOutcome>> entry : running.entrySet()) {
        Task task = entry.getKey();
        TaskOutcome outcome;
        try {
          outcome = entry.getValue().get();
        } catch (InterruptedException e) {
          LOG.warn("run interrupted in stage {}; cancelling the running tasks", stage);
          pool.shutdownNow();
          collectAfterInterrupt(running);
          return true;
        } catch (ExecutionException e) {
          // runTask catches everything; this is a safety net for errors in the runner itself.
          outcome = failed(task, stage, 0, "", e.getCause());
          LOG.warn("{}", outcome.summary(), e.getCause());
          try {
            cache.invalidate(task.id());
          } catch (RuntimeException suppressed) {
            e.getCause().addSuppressed(suppressed);
          }
          notifyFinished(task, outcome);
        }
        record(outcome, null);
      }
      return false;
    }

    /** Records the outcomes of the stage's tasks that finished; the others are cancelled. */
    private void collectAfterInterrupt(Map<Task, Future<TaskOutcome>> running) {
      for (Map.Entry<Task, Future<TaskOutcome>> entry : running.entrySet()) {
        Task task = entry.getKey();
        if (outcomes.containsKey(task.id())) {
          continue;
        }
        Future<TaskOutcome> future = entry.getValue();
        TaskOutcome outcome = null;
        if (future.isDone() && !future.isCancelled()) {
          try {
            outcome = future.get();
          } catch (InterruptedException | ExecutionException e) {
            outcome = null; // cannot happen for a completed future in practice; cancel below
          }
        }
        if (outcome == null) {
          outcome = cancelled(task, "run interrupted while the task was running or queued");
          notifyFinished(task, outcome);
        }
        record(outcome, null);
      }
    }

    private void record(TaskOutcome outcome, SortedSet<String> roots) {
      outcomes.put(outcome.taskId(), outcome);
      if (roots != null) {
        rootFailures.put(outcome.taskId(), roots);
      } else if (!outcome.status().isOk()) {
        rootFailures.put(outcome.taskId(), new TreeSet<>(List.of(outcome.taskId())));
      }
    }

    /** The root failed tasks upstream of this task, through its direct producers. */
    private SortedSet<String> upstreamFailures(Task task) {
      SortedSet<String> roots = new TreeSet<>();
      for (String producer : graph.dependencies(task.id())) {
        SortedSet<String> failures = rootFailures.get(producer);
        if (failures != null) {
          roots.addAll(failures);
        }
      }
      return roots;
    }

    /** Runs on a worker thread: the up-to-date check, then the task itself. */
    private TaskOutcome runTask(Task task, int stage) {
      long start = System.nanoTime();
      SortedSet<String> inputs = graph.inputsOf(task);
      SortedSet<String> outputs = graph.outputsOf(task);
      TaskOutcome outcome;
      String key = "";
      try {
        for (String input : inputs) {
          if (!store.exists(input)) {
            throw new IllegalStateException("input artifact " + input + " is missing");
          }
        }
        String fingerprint = Objects.requireNonNull(task.fingerprint(), "task fingerprint");
        key = key(fingerprint, inputs, outputs, store);
        if (!options.force() && upToDate(task, key, outputs)) {
          outcome =
              new TaskOutcome(
                  task.id(),
                  task.kind(),
                  stage,
                  TaskOutcome.Status.CACHED,
                  "up to date",
                  Map.of(),
                  elapsed(start),
                  key,
                  null);
        } else {
          TaskResult result = task.run(new TaskContext(task, inputs, outputs, store, key));
          outcome = check(task, stage, start, key, result, outputs);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcome =
            new TaskOutcome(
                task.id(),
                task.kind(),
                stage,
                TaskOutcome.Status.CANCELLED,
                "interrupted",
                Map.of(),
                elapsed(start),
                key,
                e);
      } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
        outcome = failed(task, stage, start, key, e);
      }
      if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
        try {
          cache.record(task.id(), key);
        } catch (RuntimeException e) {
          LOG.warn("cannot record the key of task {}; it will run again next time", task.id(), e);
        }
      } else if (outcome.status() != TaskOutcome.Status.CACHED) {
        try {
          cache.invalidate(task.id());
        } catch (RuntimeException e) {
          LOG.warn("cannot invalidate the cache entry of task {}", task.id(), e);
        }
      }
      if (outcome.status() == TaskOutcome.Status.FAILED) {
        LOG.warn("{}", outcome.summary(), outcome.error());
      } else {
        LOG.info("{}", outcome.summary());
      }
      notifyFinished(task, outcome);
      return outcome;
    }

    private boolean upToDate(Task task, String key, SortedSet<String> outputs) {
      Optional<String> last;
      try {
        last = cache.lastKey(task.id());
      } catch (RuntimeException e) {
        LOG.warn("cannot read the cache entry of task {}; running it", task.id(), e);
        return false;
      }
      if (last.isEmpty() || !last.get().equals(key)) {
        LOG.debug("task {}: key changed ({} -> {})", task.id(), last.orElse("none"), key);
        return false;
      }
      for (String output : outputs) {
        if (!store.exists(output)) {
          LOG.debug("task {}: key unchanged but output {} is missing", task.id(), output);
          return false;
        }
      }
      LOG.debug("task {}: up to date (key {})", task.id(), key);
      return true;
    }

    private TaskOutcome check(
        Task task,
        int stage,
        long start,
        String key,
        TaskResult result,
        SortedSet<String> outputs) {
      if (result == null) {
        return new TaskOutcome(
            task.id(),
            task.kind(),
            stage,
            TaskOutcome.Status.FAILED,
            "task returned no result",
            Map.of(),
            elapsed(start),
            key,
            null);
      }
      if (!result.isSuccess()) {
        return new TaskOutcome(
            task.id(),
            task.kind(),
            stage,
            TaskOutcome.Status.FAILED,
            result.message(),
            result.metrics(),
            elapsed(start),
            key,
            null);
      }
      List<String> missing = outputs.stream().filter(output -> !store.exists(output)).toList();
      if (!missing.isEmpty()) {
        return new TaskOutcome(
            task.id(),
            task.kind(),
            stage,
            TaskOutcome.Status.FAILED,
            "task succeeded but did not write its declared outputs " + String.join(", ", missing),
            result.metrics(),
            elapsed(start),
            key,
            null);
      }
      return new TaskOutcome(
          task.id(),
          task.kind(),
          stage,
          TaskOutcome.Status.SUCCEEDED,
          result.message(),
          result.metrics(),
          elapsed(start),
          key,
          null);
    }

    private static TaskOutcome failed(
        Task task, int stage, long start, String key, Throwable error) {
      String message = error.toString();
      Throwable cause = error.getCause();
      if (cause != null && cause != error) {
        message += " (caused by " + cause + ")";
      }
      Duration wallTime = start == 0 ? Duration.ZERO : elapsed(start);
      return new TaskOutcome(
          task.id(),
          task.kind(),
          stage,
          TaskOutcome.Status.FAILED,
          message,
          Map.of(),
          wallTime,
          key,
          error);
    }

    private TaskOutcome cancelled(Task task, String message) {
      return new TaskOutcome(
          task.id(),
          task.kind(),
          graph.stageOf(task.id()),
          TaskOutcome.Status.CANCELLED,
          message,
          Map.of(),
          Duration.ZERO,
          "",
          null);
    }

    private void notifyFinished(Task task, TaskOutcome outcome) {
      synchronized (listenerLock) {
        if (listenerClosed) {
          return;
        }
        try {
          options.listener().taskFinished(task, outcome);
        } catch (RuntimeException e) {
          LOG.warn("run listener failed in taskFinished for task {}", task.id(), e);
        }
      }
    }

    private static Duration elapsed(long start) {
      return Duration.ofNanos(System.nanoTime() - start);
    }

    private static ThreadFactory threads() {
      int pool = POOLS.incrementAndGet();
      AtomicInteger count = new AtomicInteger();
      return runnable -> {
        String name = "graph-" + pool + "-worker-" + count.incrementAndGet();
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
      };
    }
  }
}
