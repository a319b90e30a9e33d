package io.firmsim.spark.job;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import java.io.ByteArrayInputStream;
import java.io.Serializable;

/**
 * A simulation's settings in the form a Spark task receives them (one broadcast per job): the model
 * as its JSON document, the years, seed, mode, precision, backend, device, chunk size, and the
 * macro path over the simulated years. {@link #config(int, int)} rebuilds on an executor the {@link
 * SimulationConfig} the driver had, with the task's own GPU and thread count.
 *
 * @param modelJson the model in the model file format ({@link ModelSpecWriter#bytes})
 * @param macroFirstYear first simulated year; {@code dgnp} and {@code realr} hold one value per
 *     simulated year from it (the macro path's values, zero where it has none)
 */
public record RunSettings(
    byte[] modelJson,
    ForwardMode mode,
    Precision precision,
    DeviceChoice device,
    Backend backend,
    int years,
    int burnIn,
    int startYear,
    long seed,
    int chunkSize,
    int macroFirstYear,
    double[] dgnp,
    double[] realr)
    implements Serializable {

  /** The settings of {@code config}. */
  public static RunSettings of(SimulationConfig config) {
    int total = config.totalYears();
    double[] dgnp = new double[total];
    double[] realr = new double[total];
    MacroPath path = config.macro();
    for (int k = 0; k < total; k++) {
      dgnp[k] = path.dgnp(config.firstYear() + k);
      realr[k] = path.realr(config.firstYear() + k);
    }
    return new RunSettings(
        ModelSpecWriter.bytes(config.model()),
        config.mode(),
        config.precision(),
        config.device(),
        config.backend(),
        config.years(),
        config.burnIn(),
        config.startYear(),
        config.seed(),
        config.chunkSize(),
        config.firstYear(),
        dgnp,
        realr);
  }

  /** The model, parsed. */
  public ModelSpec model() {
    return ModelSpecReader.read(new ByteArrayInputStream(modelJson), "the job's model");
  }

  /**
   * The configuration on an executor: one worker (a task is one range; Spark runs as many tasks
   * side by side as the executor has task slots), {@code threads} intra-op threads, and GPU {@code
   * gpuIndex} when the device is a GPU.
   */
  public SimulationConfig config(int gpuIndex, int threads) {
    return SimulationConfig.builder()
        .setModel(model())
        .setYears(years)
        .optMode(mode)
        .optPrecision(precision)
        .optDevice(device)
        .optBurnIn(burnIn)
        .optStartYear(startYear)
        .optSeed(seed)
        .optMacro(new MacroPath(macroFirstYear, dgnp, realr))
        .optChunkSize(chunkSize)
        .optBackend(backend)
        .optWorkers(1)
        .optThreads(threads)
        .optGpuIndex(gpuIndex)
        .build();
  }
}
