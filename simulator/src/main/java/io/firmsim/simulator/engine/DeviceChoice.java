package io.firmsim.simulator.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Which device runs the simulation: the engine's default (a GPU if one is visible), CPU, or GPU.
 */
public enum DeviceChoice {
  AUTO,
  CPU,
  GPU;

  /**
   * The DJL device.
   *
   * @throws IllegalArgumentException for GPU when the engine sees none
   */
  public Device resolve(Engine engine) {
    switch (this) {
      case CPU:
        return Device.cpu();
      case GPU:
        if (engine.getGpuCount() == 0) {
          throw new IllegalArgumentException(
              "--device gpu: the "
                  + engine.getEngineName()
                  + " engine sees no GPU (build with "
                  + "-Pcuda on a CUDA machine, or use --device cpu|auto)");
        }
        return Device.gpu();
      default:
        return engine.defaultDevice();
    }
  }
}
