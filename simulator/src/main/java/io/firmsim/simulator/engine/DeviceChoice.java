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
    return resolve(engine, 0);
  }

  /**
   * The DJL device, with GPU {@code gpuIndex} when a GPU is used.
   *
   * @throws IllegalArgumentException for GPU when the engine sees no GPU of that index
   */
  public Device resolve(Engine engine, int gpuIndex) {
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
        if (gpuIndex >= engine.getGpuCount()) {
          throw new IllegalArgumentException(
              "GPU " + gpuIndex + " asked for, the engine sees " + engine.getGpuCount());
        }
        return Device.gpu(gpuIndex);
      default:
        Device d = engine.defaultDevice();
        return d.isGpu() && gpuIndex < engine.getGpuCount() ? Device.gpu(gpuIndex) : d;
    }
  }
}
