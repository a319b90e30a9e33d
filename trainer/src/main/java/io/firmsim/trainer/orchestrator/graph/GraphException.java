package io.firmsim.trainer.orchestrator.graph;

/**
 * A configuration error in the declared task graph: duplicate task ids, an artifact written by two
 * tasks, an input that no task writes, a dependency cycle, or a selection that matches no task. The
 * message names the tasks and artifacts involved, so it can be shown to the user as is.
 */
public class GraphException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, naming the tasks and artifacts involved
   */
  public GraphException(String message) {
    super(message);
  }
}
