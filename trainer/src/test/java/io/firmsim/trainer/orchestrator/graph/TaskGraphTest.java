package io.firmsim.trainer.orchestrator.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskGraphTest {

  /** a writes x; b and c read x; d reads what b and c write. */
  static List<TestTask> diamond() {
    return List.of(
        new TestTask("d", Set.of("y", "z"), Set.of("report")),
        new TestTask("c", Set.of("x"), Set.of("z")),
        new TestTask("b", Set.of("x"), Set.of("y")),
        new TestTask("a", Set.of(), Set.of("x")));
  }

  /** A loader, 51 submodel fits reading its data set, one assembler reading all fits. */
  static List<TestTask> fanOut() {
    List<TestTask> tasks = new ArrayList<>();
    tasks.add(new TestTask("load", "dataset", Set.of(), Set.of("dataset:panel")));
    Set<String> submodels =
        IntStream.rangeClosed(1, 51)
            .mapToObj(i -> String.format("submodel:S%02d", i))
            .collect(Collectors.toSet());
    for (String submodel : submodels) {
      String name = submodel.substring("submodel:".length());
      tasks.add(
          new TestTask(
              "fit:" + name,
              "submodel-fit",
              Set.of("dataset:panel"),
              Set.of(submodel),
              "T" + Integer.parseInt(name.substring(1)) % 7,
              name));
    }
    tasks.add(new TestTask("assemble", "assemble", submodels, Set.of("model")));
    return tasks;
  }

  static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  @Test
  void diamondStagesFollowTheDeclaredArtifacts() {
    TaskGraph graph = TaskGraph.of(diamond());

    assertEquals(3, graph.stages().size());
    assertEquals(List.of("a"), ids(graph.stages().get(0)));
    assertEquals(List.of("b", "c"), ids(graph.stages().get(1)));
    assertEquals(List.of("d"), ids(graph.stages().get(2)));
    assertEquals(List.of("a", "b", "c", "d"), ids(graph.tasks()));
    assertEquals(Set.of("b", "c"), graph.dependencies("d"));
    assertEquals("c", graph.producer("z").orElseThrow());
    assertEquals(2, graph.stageOf("d"));
  }

  @Test
  void stageIsTheLongestPathNotTheFirstReadyInput() {
    // e reads a's output (stage 0) and d's output (stage 2): it belongs to stage 3.
    List<TestTask> tasks = new ArrayList<>(diamond());
    tasks.add(new TestTask("e", Set.of("x", "report"), Set.of("final")));
    TaskGraph graph = TaskGraph.of(tasks);
    assertEquals(3, graph.stageOf("e"));
    assertEquals(4, graph.stages().size());
  }

  @Test
  void fanOutOf51FitsIntoOneAssembler() {
    TaskGraph graph = TaskGraph.of(fanOut());

    assertEquals(53, graph.size());
    assertEquals(3, graph.stages().size());
    assertEquals(List.of("load"), ids(graph.stages().get(0)));
    List<String> fits = ids(graph.stages().get(1));
    assertEquals(51, fits.size());
    assertEquals("fit:S01", fits.get(0));
    assertEquals("fit:S51", fits.get(50));
    assertEquals(fits.stream().sorted().toList(), fits);
    assertEquals(List.of("assemble"), ids(graph.stages().get(2)));
  }

  @Test
  void cycleIsRejectedNamingItsTasksInOrder() {
    List<TestTask> tasks =
        List.of(
            new TestTask("start", Set.of(), Set.of("s")),
            new TestTask("p", Set.of("s", "r"), Set.of("pq")),
            new TestTask("q", Set.of("pq"), Set.of("qr")),
            new TestTask("r", Set.of("qr"), Set.of("r")));

    GraphException e = assertThrows(GraphException.class, () -> TaskGraph.of(tasks));

    assertTrue(e.getMessage().contains("dependency cycle"), e.getMessage());
    assertTrue(e.getMessage().contains("p -> q -> r -> p"), e.getMessage());
    assertTrue(e.getMessage().contains("p reads r from r"), e.getMessage());
    assertTrue(!e.getMessage().contains("start"), e.getMessage());
  }

  @Test
  void taskReadingItsOwnOutputIsACycle() {
    GraphException e =
        assertThrows(
            GraphException.class,
            () -> TaskGraph.of(List.of(new TestTask("loop", Set.of("x"), Set.of("x")))));
    assertTrue(e.getMessage().contains("loop -> loop"), e.getMessage());
  }

  @Test
  void missingProducerIsRejectedNamingTaskAndArtifact() {
    List<TestTask> tasks =
        List.of(new TestTask("fit:T7", Set.of("dataset:panel"), Set.of("submodel:T7")));

    GraphException e = assertThrows(GraphException.class, () -> TaskGraph.of(tasks));

    assertEquals(
        "task fit:T7 reads artifact dataset:panel, which no task produces", e.getMessage());
  }

  @Test
  void externalArtifactsNeedNoProducer() {
    List<TestTask> tasks =
        List.of(new TestTask("fit:T7", Set.of("dataset:panel"), Set.of("submodel:T7")));
    TaskGraph graph = TaskGraph.of(tasks, Set.of("dataset:panel"));
    assertEquals(List.of("fit:T7"), ids(graph.stages().get(0)));

    List<TestTask> writesExternal =
        List.of(new TestTask("load", Set.of(), Set.of("dataset:panel")));
    assertThrows(GraphException.class, () -> TaskGraph.of(writesExternal, Set.of("dataset:panel")));
  }

  @Test
  void duplicateIdsAndDuplicateProducersAreRejected() {
    GraphException duplicateId =
        assertThrows(
            GraphException.class,
            () ->
                TaskGraph.of(
                    List.of(
                        new TestTask("a", Set.of(), Set.of("x")),
                        new TestTask("a", Set.of(), Set.of("y")))));
    assertEquals("two tasks have the id a", duplicateId.getMessage());

    GraphException twoWriters =
        assertThrows(
            GraphException.class,
            () ->
                TaskGraph.of(
                    List.of(
                        new TestTask("b", Set.of(), Set.of("x")),
                        new TestTask("a", Set.of(), Set.of("x")))));
    assertEquals("artifact x is written by two tasks: a and b", twoWriters.getMessage());
  }

  @Test
  void onlySelectionKeepsUpstreamAndDropsUnrelatedTasks() {
    List<TestTask> tasks = new ArrayList<>(diamond());
    tasks.add(new TestTask("unrelated", Set.of("x"), Set.of("u")));
    TaskGraph graph = TaskGraph.of(tasks);

    TaskGraph onlyB = graph.selectByTag("b");
    assertEquals(List.of("a", "b"), ids(onlyB.tasks()));
    assertEquals(2, onlyB.stages().size());

    TaskGraph onlyD = graph.select(task -> task.id().equals("d"));
    assertEquals(List.of("a", "b", "c", "d"), ids(onlyD.tasks()));
  }

  @Test
  void onlySelectionByTagOnTheFanOut() {
    TaskGraph graph = TaskGraph.of(fanOut());

    TaskGraph one = graph.selectByTag("S07");
    assertEquals(List.of("load", "fit:S07"), ids(one.tasks()));

    // Tag "T0" is shared by S07, S14, ..., S49: one equation, several submodels.
    TaskGraph equation = graph.selectByTag("T0");
    assertEquals(
        List.of(
            "load", "fit:S07", "fit:S14", "fit:S21", "fit:S28", "fit:S35", "fit:S42", "fit:S49"),
        ids(equation.tasks()));

    assertEquals(53, graph.selectByTag("assemble").size());
    GraphException none = assertThrows(GraphException.class, () -> graph.selectByTag("T99"));
    assertTrue(none.getMessage().contains("T99"));
  }

  @Test
  void describeListsTheStages() {
    String text = TaskGraph.of(diamond()).describe();

    assertEquals(
        String.join(
            "\n",
            "4 tasks in 3 stages",
            "stage 0 (1 task)",
            "  a [test] - -> x",
            "stage 1 (2 tasks)",
            "  b [test] x -> y",
            "  c [test] x -> z",
            "stage 2 (1 task)",
            "  d [test] y, z -> report",
            ""),
        text);
  }

  @Test
  void artifactIdsSplitIntoKindAndName() {
    Artifact artifact = Artifact.of("submodel", "EDEPMA.prob");
    assertEquals("submodel:EDEPMA.prob", artifact.id());
    assertEquals("submodel", artifact.kind());
    assertEquals("EDEPMA.prob", artifact.name());
    assertEquals("model", new Artifact("model").kind());
    assertEquals("", new Artifact("model").name());
    assertThrows(IllegalArgumentException.class, () -> new Artifact(" "));
  }
}
