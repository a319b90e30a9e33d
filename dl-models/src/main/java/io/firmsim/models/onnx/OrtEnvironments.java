package io.firmsim.models.onnx;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;

/**
 * The one ONNX Runtime environment of the JVM, shared by firmsim's own sessions and DJL's
 * OnnxRuntime engine.
 *
 * <p>ONNX Runtime allows one {@link OrtEnvironment} per process. DJL's OnnxRuntime engine creates
 * it with explicit threading options and fails ({@code IllegalStateException: Tried to specify the
 * thread pool when creating an OrtEnvironment, but one already exists}) when anything else created
 * it first, after which the engine cannot be used for the life of the JVM. Every firmsim component
 * that needs ONNX Runtime directly (the simulator's ONNX backend, the serving runtime, the graph
 * tests) therefore takes the environment from here: when DJL's OnnxRuntime engine is on the class
 * path it is started first, so that it creates the environment and both can run in one process, in
 * whatever order they are used.
 */
public final class OrtEnvironments {
  private static final String DJL_ENGINE = "OnnxRuntime";

  private OrtEnvironments() {}

  /**
   * The process's environment, created through DJL's OnnxRuntime engine when that engine is
   * available.
   */
  public static synchronized OrtEnvironment shared() {
    if (Engine.hasEngine(DJL_ENGINE)) {
      Engine.getEngine(DJL_ENGINE);
    }
    return OrtEnvironment.getEnvironment();
  }
}
