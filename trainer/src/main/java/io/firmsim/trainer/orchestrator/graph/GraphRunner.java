package io.firmsim.trainer.orchestrator.graph;

import io.firmsim.zoo.Hashing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TaskGraph} stage by stage; the tasks of a stage run in parallel on a fixed pool of
 * {@link RunOptions#parallelism()} threads, and a stage starts when the previous one has finished.
 *
 * <p><b>Incremental runs.</b> Before running a task, the runner computes its key: the SHA-256 of
 * the task's {@link Task#fingerprint()} (which covers the content hashes of the files it reads, its
 * settings and the code version), its input artifact ids with their content hashes, and its output
 * ids. When the {@link IncrementalCache} remembers the same key for the task and every output that
 * is in the store still has the content hash recorded when it was written, the task is CACHED: it
 * does not run. An output whose content no longer matches its recorded hash is damaged: the task
 * runs again and its message says so. An output that is not in the store (an in-memory data set of
 * an earlier process) is not needed while every task reading it is CACHED too: downstream keys use
 * its recorded hash. Before the first stage the runner predicts from the cache which tasks will run
 * and marks the up-to-date producers of their missing inputs, which then run again to provide them
 * (their message says so). So an unchanged rerun runs nothing, and a change re-runs exactly the
 * tasks downstream of it. {@link RunOptions#force()} runs every task. After a success the key and
 * the outputs' hashes are recorded; after a failure the entry is invalidated. Because keys use
 * content hashes, a re-run task whose outputs come out identical leaves its dependents up to date.
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
    return key(fingerprint, inputs, outputs, store::hash);
  }

  /** The incremental key of a task given a function from input id to content hash. */
  static String key(
      String fingerprint,
      SortedSet<String> inputs,
      SortedSet<String> outputs,
      Function<String, String> hashes) {
    List<String> parts = new ArrayList<>();
    parts.add("fingerprint");
    parts.add(fingerprint);
    for (String input : inputs) {
      parts.add("input");
      parts.add(input);
      parts.add(Objects.requireNonNull(hashes.apply(input), "hash of " + input));
    }
    for (String output : outputs) {
      parts.add("output");
      parts.add(output);
    }
    return Hashing.combine(parts);
  }

  /** Whether a task's last run can be reused, and if not, a note on why (or null). */
  private record Reuse(boolean ok, Map<String, String> outputs, String note) {
    static Reuse no(String note) {
      return new Reuse(false, Map.of(), note);
    }
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

    /** Fingerprints, computed once per task (they may hash input files). */
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();

    /**
     * Content hashes of the outputs of reused (CACHED) tasks, as recorded by their last run: they
     * key downstream tasks even when the artifact itself is not in the store (an in-memory data set
     * of an earlier process).
     */
    private final Map<String, String> recorded = new ConcurrentHashMap<>();

    /** Up-to-date tasks that run anyway, because a task that runs needs their outputs. */
    private final Set<String> materialise = new HashSet<>();

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
      if (!options.force()) {
        plan();
      }
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

    /**
     * Predicts which tasks are up to date from the cache alone (their keys computed from the
     * recorded hashes of up-to-date producers) and marks the up-to-date tasks whose outputs are not
     * in the store but are read by a task that will run: those run again to provide them.
     */
    private void plan() {
      Map<String, String> predicted = new HashMap<>();
      Set<String> fresh = new HashSet<>();
      for (Task task : graph.tasks()) {
        try {
          SortedSet<String> inputs = graph.inputsOf(task);
          boolean known = true;
          for (String input : inputs) {
            if (graph.producer(input).isEmpty() && store.exists(input)) {
              predicted.putIfAbsent(input, store.hash(input));
            }
            known &= predicted.containsKey(input);
          }
          if (!known) {
            continue;
          }
          String key = key(fingerprintOf(task), inputs, graph.outputsOf(task), predicted::get);
          Reuse reuse = reuse(task, key, graph.outputsOf(task));
          if (reuse.ok()) {
            fresh.add(task.id());
            predicted.putAll(reuse.outputs());
          }
        } catch (RuntimeException e) {
          LOG.debug("task {}: cannot predict whether it is up to date", task.id(), e);
        }
      }
      List<Task> reversed = new ArrayList<>(graph.tasks());
      java.util.Collections.reverse(reversed);
      for (Task task : reversed) {
        if (fresh.contains(task.id()) && !materialise.contains(task.id())) {
          continue;
        }
        for (String input : graph.inputsOf(task)) {
          Optional<String> producer = graph.producer(input);
          if (producer.isPresent() && fresh.contains(producer.get()) && !store.exists(input)) {
            materialise.add(producer.get());
          }
        }
      }
    }

    private String fingerprintOf(Task task) {
      return fingerprints.computeIfAbsent(
          task.id(), id -> Objects.requireNonNull(task.fingerprint(), "task fingerprint"));
    }

    /** The hash of an input: from the store, or as recorded for the output of a reused task. */
    private String currentHash(String artifact) {
      if (store.exists(artifact)) {
        return store.hash(artifact);
      }
      String hash = recorded.get(artifact);
      if (hash == null) {
        throw new IllegalStateException("input artifact " + artifact + " is missing");
      }
      return hash;
    }

    /**
     * Whether the task's last successful run had this key and its outputs are intact: an output in
     * the store must still have the content hash recorded when it was written (else it is damaged
     * and the task runs again); an output absent from the store counts as intact (it is produced
     * again only if a task that runs needs it).
     */
    private Reuse reuse(Task task, String key, SortedSet<String> outputs) {
      Optional<String> last;
      Map<String, String> hashes;
      try {
        last = cache.lastKey(task.id());
        hashes = cache.lastOutputs(task.id());
      } catch (RuntimeException e) {
        LOG.warn("cannot read the cache entry of task {}; running it", task.id(), e);
        return Reuse.no(null);
      }
      if (last.isEmpty() || !last.get().equals(key)) {
        LOG.debug("task {}: key changed ({} -> {})", task.id(), last.orElse("none"), key);
        return Reuse.no(null);
      }
      Map<String, String> reused = new HashMap<>();
      for (String output : outputs) {
        String expected = hashes.get(output);
        if (expected == null) {
          return Reuse.no(null); // an entry without output hashes (older format): run again
        }
        if (store.exists(output)) {
          String actual;
          try {
            actual = store.hash(output);
          } catch (RuntimeException e) {
            actual = "unreadable (" + e.getMessage() + ")";
          }
          if (!expected.equals(actual)) {
            return Reuse.no(
                "cached artifact "
                    + output
                    + " is damaged (its content no longer matches the hash recorded when it was"
                    + " written); recomputing it (--force recomputes everything)");
          }
        }
        reused.put(output, expected);
      }
      return new Reuse(true, reused, null);
    }

    /** Runs on a worker thread: the up-to-date check, then the task itself. */
    private TaskOutcome runTask(Task task, int stage) {
      long start = System.nanoTime();
      SortedSet<String> inputs = graph.inputsOf(task);
      SortedSet<String> outputs = graph.outputsOf(task);
      TaskOutcome outcome;
      String key = "";
      String note = null;
      try {
        String fingerprint = fingerprintOf(task);
        key = key(fingerprint, inputs, outputs, this::currentHash);
        Reuse reuse = options.force() ? Reuse.no(null) : reuse(task, key, outputs);
        boolean needed = materialise.contains(task.id());
        if (reuse.ok() && (!needed || outputs.stream().allMatch(store::exists))) {
          recorded.putAll(reuse.outputs());
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
          note = reuse.ok() ? "up to date; run again to provide its outputs" : reuse.note();
          if (note != null) {
            LOG.info("task {}: {}", task.id(), note);
          }
          for (String input : inputs) {
            if (!store.exists(input)) {
              throw new IllegalStateException(
                  "input artifact "
                      + input
                      + " is missing"
                      + (recorded.containsKey(input) ? " (give --force to recompute it)" : ""));
            }
          }
          TaskResult result = task.run(new TaskContext(task, inputs, outputs, store, key));
          outcome = withNote(check(task, stage, start, key, result, outputs), note);
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
          Map<String, String> written = new TreeMap<>();
          for (String output : outputs) {
            written.put(output, store.hash(output));
          }
          cache.record(task.id(), key, written);
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

    private static TaskOutcome withNote(TaskOutcome o, String note) {
      if (note == null) {
        return o;
      }
      String message = o.message().isEmpty() ? note : note + "; " + o.message();
      return new TaskOutcome(
          o.taskId(),
          o.kind(),
          o.stage(),
          o.status(),
          message,
          o.metrics(),
          o.wallTime(),
          o.key(),
          o.error());
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
