package io.firmsim.trainer.orchestrator.graph;

import java.util.Set;

/**
 * One unit of work in a {@link TaskGraph}: fitting a submodel, assembling a model, writing a
 * report. The engine is generic over task kinds; it only relies on the declarations below, so new
 * kinds (forecasting models, embeddings) plug in without changes to the graph or the runner.
 *
 * <p><b>Declarations.</b> {@link #inputs()} and {@link #outputs()} name the artifacts the task
 * reads and writes. The graph derives all ordering from them, and the runner enforces them: a task
 * can only read its declared inputs and write its declared outputs through its {@link TaskContext},
 * and a task that reports success without writing every declared output fails. The declaration
 * methods, {@link #id()}, {@link #kind()}, {@link #tags()} and {@link #fingerprint()} must be
 * cheap, side-effect free and return the same values every time; the graph reads them once, when it
 * is built, except {@code fingerprint()}, which the runner reads when it decides whether the task
 * is up to date.
 *
 * <p><b>Incremental runs.</b> {@link #fingerprint()} describes everything about the task itself
 * that affects its outputs: its configuration section serialised canonically (sorted keys, no
 * formatting differences), the code version, relevant options. The runner hashes it together with
 * the content hashes of the input artifacts; when that key matches the key of the last successful
 * run and the outputs still exist, the task is not run again.
 *
 * <p><b>Thread-safety.</b> Tasks of the same stage run concurrently on different threads, and
 * {@link #run} may be called from any worker thread. A task must not share mutable state with other
 * tasks except through the artifact store.
 */
public interface Task {

  /** A unique, non-blank id, e.g. {@code fit:EDEPMA.prob}; used in reports and the cache. */
  String id();

  /** The task kind, e.g. {@code submodel-fit}, {@code assemble}; shown in listings. */
  String kind();

  /** Ids of the artifacts this task reads; each must be written by another task of the graph. */
  Set<String> inputs();

  /** Ids of the artifacts this task writes; no other task may write them. */
  Set<String> outputs();

  /**
   * A stable description of this task's own configuration (see the class comment). Equal
   * fingerprints must mean equal behaviour given equal inputs; any change re-runs the task.
   */
  String fingerprint();

  /**
   * Labels for {@code --only} selection besides the id, e.g. the equation {@code T7}, the target
   * {@code DCA}, the submodel name {@code DCA.level}. Empty by default.
   */
  default Set<String> tags() {
    return Set.of();
  }

  /**
   * Does the work: reads inputs from the context, computes, and writes every declared output to the
   * context.
   *
   * <p>Expected failures (a fit that did not converge and is not allowed to) are reported by
   * returning {@link TaskResult#failed}; unexpected ones may be thrown. Either way the task is
   * FAILED, its dependents are not run, and independent tasks continue.
   *
   * @param context the task's inputs and the place for its outputs
   * @return the result, with metrics for the run report; never null
   * @throws InterruptedException when the run is being cancelled; long computations should check
   *     {@link Thread#interrupted()} now and then
   * @throws Exception any other failure of the task
   */
  TaskResult run(TaskContext context) throws Exception;
}
