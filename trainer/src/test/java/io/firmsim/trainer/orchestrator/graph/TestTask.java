package io.firmsim.trainer.orchestrator.graph;

import io.firmsim.zoo.Hashing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A configurable task for the tests: by default it writes each output with a value naming the task
 * and a content hash derived from its fingerprint and its inputs' hashes, so that a changed
 * fingerprint upstream changes the hashes downstream. Counts its runs.
 */
final class TestTask implements Task {

  /** What the task does instead of the default; may call {@link #writeOutputs}. */
  interface Body {
    TaskResult run(TestTask task, TaskContext context) throws Exception;
  }

  private final String id;
  private final String kind;
  private final Set<String> inputs;
  private final Set<String> outputs;
  private final Set<String> tags;
  private volatile String fingerprint = "v1";
  private volatile Body body =
      (task, context) -> {
        task.writeOutputs(context);
        return TaskResult.succeeded(Map.of("task", task.id()));
      };
  final AtomicInteger runs = new AtomicInteger();

  TestTask(String id, Set<String> inputs, Set<String> outputs, String... tags) {
    this(id, "test", inputs, outputs, tags);
  }

  TestTask(String id, String kind, Set<String> inputs, Set<String> outputs, String... tags) {
    this.id = id;
    this.kind = kind;
    this.inputs = inputs;
    this.outputs = outputs;
    this.tags = Set.of(tags);
  }

  TestTask fingerprint(String value) {
    this.fingerprint = value;
    return this;
  }

  TestTask body(Body value) {
    this.body = value;
    return this;
  }

  void writeOutputs(TaskContext context) {
    List<String> parts = new ArrayList<>();
    parts.add(fingerprint);
    for (String input : new TreeSet<>(inputs)) {
      parts.add(context.inputHash(input));
    }
    String hash = Hashing.combine(parts);
    for (String output : outputs) {
      context.output(output, id + "->" + output, hash);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Set<String> inputs() {
    return inputs;
  }

  @Override
  public Set<String> outputs() {
    return outputs;
  }

  @Override
  public Set<String> tags() {
    return tags;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    runs.incrementAndGet();
    return body.run(this, context);
  }

  @Override
  public String toString() {
    return id;
  }
}
