package io.firmsim.trainer.orchestrator.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A validated dependency graph of {@link Task}s, derived from the artifacts they declare, and its
 * division into stages.
 *
 * <p><b>Validation.</b> {@link #of} rejects, with a {@link GraphException} naming the tasks and
 * artifacts involved: a duplicate task id; an artifact written by two tasks (or written by a task
 * and declared external); an input that no task writes and that is not external ("task X reads
 * artifact Y, which no task produces"); a dependency cycle ("dependency cycle: a -> b -> a", in
 * execution order: each task reads an artifact written by the one before it).
 *
 * <p><b>Stages.</b> Stage 0 holds the tasks whose inputs are all external (or that have none);
 * stage k holds the tasks whose inputs are all written by tasks of stages below k, at least one by
 * stage k - 1. Tasks within a stage are sorted by id, so listings and reports are deterministic.
 * All tasks of a stage can run in parallel.
 *
 * <p><b>External artifacts</b> are inputs that exist before the run (e.g. a data set put into the
 * store by the caller with its content hash); they are declared with {@link #of(Collection, Set)}.
 * By default there are none, and every input must be written by a task.
 *
 * <p>Immutable and thread-safe. The task declarations are read once, at construction.
 */
public final class TaskGraph {

  /** A task and a snapshot of its declarations. */
  private record Node(
      Task task, SortedSet<String> inputs, SortedSet<String> outputs, Set<String> tags) {}

  private final Map<String, Node> nodes;
  private final Map<String, String> producers;
  private final Set<String> external;
  private final Map<String, SortedSet<String>> dependencies;
  private final Map<String, Integer> stageOf;
  private final List<List<Task>> stages;

  private TaskGraph(
      Map<String, Node> nodes,
      Map<String, String> producers,
      Set<String> external,
      Map<String, SortedSet<String>> dependencies) {
    this.nodes = nodes;
    this.producers = producers;
    this.external = external;
    this.dependencies = dependencies;
    this.stageOf = computeStages(dependencies);
    List<List<Task>> byStage = new ArrayList<>();
    for (Map.Entry<String, Integer> e : stageOf.entrySet()) {
      while (byStage.size() <= e.getValue()) {
        byStage.add(new ArrayList<>());
      }
      byStage.get(e.getValue()).add(nodes.get(e.getKey()).task());
    }
    List<List<Task>> frozen = new ArrayList<>();
    for (List<Task> stage : byStage) {
      stage.sort((a, b) -> a.id().compareTo(b.id()));
      frozen.add(List.copyOf(stage));
    }
    this.stages = List.copyOf(frozen);
  }

  /**
   * Builds and validates the graph of tasks whose every input is written by one of the tasks.
   *
   * @param tasks the tasks, in any order
   * @return the graph
   * @throws GraphException when the declarations are inconsistent (see the class comment)
   */
  public static TaskGraph of(Collection<? extends Task> tasks) {
    return of(tasks, Set.of());
  }

  /**
   * Builds and validates the graph, allowing inputs from the given external artifacts.
   *
   * @param tasks the tasks, in any order
   * @param externalArtifacts artifacts that exist before the run and that no task writes
   * @return the graph
   * @throws GraphException when the declarations are inconsistent (see the class comment)
   */
  public static TaskGraph of(Collection<? extends Task> tasks, Set<String> externalArtifacts) {
    Objects.requireNonNull(tasks, "tasks");
    Set<String> external = Collections.unmodifiableSet(new TreeSet<>(externalArtifacts));
    Map<String, Node> nodes = new TreeMap<>();
    for (Task task : tasks) {
      Objects.requireNonNull(task, "task");
      String id = task.id();
      if (id == null || id.isBlank()) {
        throw new GraphException("a task of kind " + task.kind() + " has a blank id");
      }
      Node node =
          new Node(
              task,
              sortedCopy(task.inputs(), id, "input"),
              sortedCopy(task.outputs(), id, "output"),
              Set.copyOf(task.tags()));
      if (nodes.putIfAbsent(id, node) != null) {
        throw new GraphException("two tasks have the id " + id);
      }
    }
    Map<String, String> producers = new TreeMap<>();
    for (Node node : nodes.values()) {
      String id = node.task().id();
      for (String artifact : node.outputs()) {
        if (external.contains(artifact)) {
          throw new GraphException(
              "task " + id + " writes artifact " + artifact + ", which is declared external");
        }
        String other = producers.putIfAbsent(artifact, id);
        if (other != null) {
          throw new GraphException(
              "artifact " + artifact + " is written by two tasks: " + other + " and " + id);
        }
      }
    }
    Map<String, SortedSet<String>> dependencies = new TreeMap<>();
    for (Node node : nodes.values()) {
      String id = node.task().id();
      SortedSet<String> upstream = new TreeSet<>();
      for (String artifact : node.inputs()) {
        String producer = producers.get(artifact);
        if (producer != null) {
          upstream.add(producer);
        } else if (!external.contains(artifact)) {
          throw new GraphException(
              "task " + id + " reads artifact " + artifact + ", which no task produces");
        }
      }
      dependencies.put(id, Collections.unmodifiableSortedSet(upstream));
    }
    checkAcyclic(nodes, producers, dependencies);
    return new TaskGraph(
        Collections.unmodifiableMap(nodes),
        Collections.unmodifiableMap(producers),
        external,
        Collections.unmodifiableMap(dependencies));
  }

  /** The stages in execution order; each an unmodifiable list of tasks sorted by id. */
  public List<List<Task>> stages() {
    return stages;
  }

  /** All tasks in execution order: by stage, then by id. */
  public List<Task> tasks() {
    List<Task> all = new ArrayList<>();
    stages.forEach(all::addAll);
    return Collections.unmodifiableList(all);
  }

  /** The number of tasks. */
  public int size() {
    return nodes.size();
  }

  /** The task with this id, if any. */
  public Optional<Task> task(String taskId) {
    Node node = nodes.get(taskId);
    return node == null ? Optional.empty() : Optional.of(node.task());
  }

  /**
   * The stage of a task.
   *
   * @throws IllegalArgumentException when the graph has no such task
   */
  public int stageOf(String taskId) {
    Integer stage = stageOf.get(taskId);
    if (stage == null) {
      throw new IllegalArgumentException("no task " + taskId);
    }
    return stage;
  }

  /** The id of the task that writes the artifact; empty for external or unknown artifacts. */
  public Optional<String> producer(String artifactId) {
    return Optional.ofNullable(producers.get(artifactId));
  }

  /** The ids of the tasks that write inputs of this task, sorted; empty for unknown tasks. */
  public SortedSet<String> dependencies(String taskId) {
    return dependencies.getOrDefault(taskId, Collections.emptySortedSet());
  }

  /** The declared external artifacts, sorted. */
  public Set<String> externalArtifacts() {
    return external;
  }

  /** The task's inputs as declared when the graph was built, sorted. */
  SortedSet<String> inputsOf(Task task) {
    return node(task).inputs();
  }

  /** The task's outputs as declared when the graph was built, sorted. */
  SortedSet<String> outputsOf(Task task) {
    return node(task).outputs();
  }

  /**
   * The sub-graph of the tasks matching the predicate plus everything they depend on, directly or
   * not; other tasks are dropped. This is {@code --only}: the selected tasks run with their
   * upstream tasks (which an incremental run will mostly find up to date).
   *
   * @param predicate which tasks to keep
   * @return the sub-graph, with the same external artifacts
   * @throws GraphException when no task matches
   */
  public TaskGraph select(Predicate<? super Task> predicate) {
    Set<String> keep = new TreeSet<>();
    Deque<String> pending = new ArrayDeque<>();
    for (Node node : nodes.values()) {
      if (predicate.test(node.task())) {
        pending.add(node.task().id());
      }
    }
    if (pending.isEmpty()) {
      throw new GraphException("no task matches the selection");
    }
    while (!pending.isEmpty()) {
      String id = pending.pop();
      if (keep.add(id)) {
        pending.addAll(dependencies.get(id));
      }
    }
    Map<String, Node> subNodes = new TreeMap<>();
    Map<String, String> subProducers = new TreeMap<>();
    Map<String, SortedSet<String>> subDependencies = new TreeMap<>();
    for (String id : keep) {
      Node node = nodes.get(id);
      subNodes.put(id, node);
      subDependencies.put(id, dependencies.get(id));
      node.outputs().forEach(artifact -> subProducers.put(artifact, id));
    }
    return new TaskGraph(
        Collections.unmodifiableMap(subNodes),
        Collections.unmodifiableMap(subProducers),
        external,
        Collections.unmodifiableMap(subDependencies));
  }

  /**
   * {@link #select} the tasks whose id equals the label or whose {@link Task#tags()} contain it,
   * e.g. {@code --only T7} or {@code --only DCA.level}.
   *
   * @throws GraphException when no task has that id or tag
   */
  public TaskGraph selectByTag(String label) {
    Predicate<Task> matches = task -> task.id().equals(label) || node(task).tags().contains(label);
    if (nodes.values().stream().noneMatch(node -> matches.test(node.task()))) {
      throw new GraphException("no task has the id or tag " + label);
    }
    return select(matches);
  }

  /**
   * The stage listing for {@code --dry-run}: a header line, then per stage a line {@code stage k (n
   * tasks)} followed by one line per task with its id, kind, inputs and outputs.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append(nodes.size())
        .append(nodes.size() == 1 ? " task" : " tasks")
        .append(" in ")
        .append(stages.size())
        .append(stages.size() == 1 ? " stage" : " stages")
        .append('\n');
    for (int k = 0; k < stages.size(); k++) {
      List<Task> stage = stages.get(k);
      text.append("stage ")
          .append(k)
          .append(" (")
          .append(stage.size())
          .append(stage.size() == 1 ? " task" : " tasks")
          .append(")\n");
      for (Task task : stage) {
        Node node = nodes.get(task.id());
        text.append("  ")
            .append(task.id())
            .append(" [")
            .append(task.kind())
            .append("] ")
            .append(listing(node.inputs()))
            .append(" -> ")
            .append(listing(node.outputs()))
            .append('\n');
      }
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return "TaskGraph[" + nodes.size() + " tasks, " + stages.size() + " stages]";
  }

  private Node node(Task task) {
    Node node = nodes.get(task.id());
    if (node == null || node.task() != task) {
      throw new IllegalArgumentException("task " + task.id() + " is not part of this graph");
    }
    return node;
  }

  private static String listing(Set<String> artifacts) {
    return artifacts.isEmpty() ? "-" : String.join(", ", artifacts);
  }

  private static SortedSet<String> sortedCopy(Set<String> artifacts, String taskId, String what) {
    if (artifacts == null) {
      throw new GraphException("task " + taskId + " declares null " + what + "s");
    }
    SortedSet<String> copy = new TreeSet<>();
    for (String artifact : artifacts) {
      if (artifact == null || artifact.isBlank()) {
        throw new GraphException("task " + taskId + " declares a blank " + what + " artifact");
      }
      copy.add(artifact);
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  /**
   * Depth-first search over "depends on" edges, iterative (no stack overflow on long chains),
   * visiting tasks and their dependencies in id order so the reported cycle is deterministic.
   */
  private static void checkAcyclic(
      Map<String, Node> nodes,
      Map<String, String> producers,
      Map<String, SortedSet<String>> dependencies) {
    Map<String, Boolean> finished = new HashMap<>(); // false: on the current path, true: done
    for (String start : dependencies.keySet()) {
      if (finished.containsKey(start)) {
        continue;
      }
      List<String> path = new ArrayList<>();
      Deque<Iterator<String>> iterators = new ArrayDeque<>();
      path.add(start);
      finished.put(start, false);
      iterators.push(dependencies.get(start).iterator());
      while (!iterators.isEmpty()) {
        Iterator<String> next = iterators.peek();
        if (!next.hasNext()) {
          iterators.pop();
          finished.put(path.remove(path.size() - 1), true);
          continue;
        }
        String dependency = next.next();
        Boolean state = finished.get(dependency);
        if (state == null) {
          path.add(dependency);
          finished.put(dependency, false);
          iterators.push(dependencies.get(dependency).iterator());
        } else if (!state) {
          throw cycleError(nodes, producers, path.subList(path.indexOf(dependency), path.size()));
        }
      }
    }
  }

  /**
   * @param dependent a path in which each task depends on the next, and the last depends on the
   *     first
   */
  private static GraphException cycleError(
      Map<String, Node> nodes, Map<String, String> producers, List<String> dependent) {
    // Execution order is the reverse: each task reads an artifact written by the one before it.
    // Start at the smallest id, so the message does not depend on where the search entered.
    List<String> cycle = new ArrayList<>(dependent);
    Collections.reverse(cycle);
    Collections.rotate(cycle, -cycle.indexOf(Collections.min(cycle)));
    cycle.add(cycle.get(0));
    StringBuilder via = new StringBuilder();
    for (int i = 0; i + 1 < cycle.size(); i++) {
      String writer = cycle.get(i);
      String reader = cycle.get(i + 1);
      String artifact =
          nodes.get(reader).inputs().stream()
              .filter(a -> writer.equals(producers.get(a)))
              .findFirst()
              .orElse("?");
      via.append(i == 0 ? "" : ", ")
          .append(reader)
          .append(" reads ")
          .append(artifact)
          .append(" from ")
          .append(writer);
    }
    return new GraphException("dependency cycle: " + String.join(" -> ", cycle) + " (" + via + ")");
  }

  /** Longest-path levels by Kahn's algorithm; the graph is known to be acyclic. */
  private static Map<String, Integer> computeStages(Map<String, SortedSet<String>> dependencies) {
    Map<String, List<String>> dependents = new HashMap<>();
    Map<String, Integer> remaining = new HashMap<>();
    Deque<String> ready = new ArrayDeque<>();
    for (Map.Entry<String, SortedSet<String>> e : dependencies.entrySet()) {
      remaining.put(e.getKey(), e.getValue().size());
      if (e.getValue().isEmpty()) {
        ready.add(e.getKey());
      }
      for (String dependency : e.getValue()) {
        dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(e.getKey());
      }
    }
    Map<String, Integer> stage = new TreeMap<>();
    ready.forEach(id -> stage.put(id, 0));
    while (!ready.isEmpty()) {
      String id = ready.poll();
      int level = stage.get(id);
      for (String dependent : dependents.getOrDefault(id, List.of())) {
        stage.merge(dependent, level + 1, Math::max);
        if (remaining.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    if (stage.size() != dependencies.size()) {
      Set<String> stuck = new LinkedHashSet<>(dependencies.keySet());
      stuck.removeAll(stage.keySet());
      throw new IllegalStateException("unordered tasks in an acyclic graph: " + stuck);
    }
    return Collections.unmodifiableMap(stage);
  }
}
