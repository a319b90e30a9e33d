package io.firmsim.simulator.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPathSet;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The record of one {@code simulate} run, written as {@value #FILE} beside {@code aggregates.csv}:
 * what was run (the command line, seed, mode, dtype, the device asked for and the one used, sizes),
 * on what (the model, population and macro files with their SHA-256, or the embedded paper model),
 * by what (firmsim's build, the tensor engine, Java and the operating system) and when. With it an
 * output can be traced to the inputs and code that made it, and the run repeated.
 *
 * <p>The JSON object starts with {@code "format": "firmsim-run"} and {@code "formatVersion"}
 * ({@value #FORMAT_VERSION}); a reader refuses versions it does not know. Input files are hashed
 * when the record is made, before the run, by streaming them (any size).
 */
final class RunRecord {
  /** File name of the record in the output folder. */
  static final String FILE = "run.json";

  /** Version of the record's format. */
  static final int FORMAT_VERSION = 1;

  private final Map<String, Object> json = new LinkedHashMap<>();

  /**
   * @param args the command line: the program name and its arguments as given
   * @param started when the run started
   */
  RunRecord(List<String> args, Instant started) {
    json.put("format", "firmsim-run");
    json.put("formatVersion", FORMAT_VERSION);
    json.put("command", "simulate");
    json.put("commandLine", new ArrayList<>(args));
    BuildInfo build = BuildInfo.current();
    Map<String, Object> firmsim = new LinkedHashMap<>();
    firmsim.put("version", build.version());
    firmsim.put("commit", build.commit());
    firmsim.put("dirty", build.dirty());
    firmsim.put("codeVersion", build.codeVersion());
    json.put("firmsim", firmsim);
    Map<String, Object> java = new LinkedHashMap<>();
    java.put("version", System.getProperty("java.version"));
    java.put("vendor", System.getProperty("java.vendor"));
    java.put("vm", System.getProperty("java.vm.name"));
    json.put("java", java);
    Map<String, Object> os = new LinkedHashMap<>();
    os.put("name", System.getProperty("os.name"));
    os.put("version", System.getProperty("os.version"));
    os.put("arch", System.getProperty("os.arch"));
    json.put("os", os);
    json.put("startTime", started.toString());
  }

  /** The settings that decide the draws and the arithmetic. */
  RunRecord settings(
      long seed, ForwardMode mode, Precision precision, DeviceChoice asked, Device used) {
    json.put("seed", seed);
    json.put("mode", mode.name().toLowerCase(Locale.ROOT));
    json.put("dtype", precision.name().toLowerCase(Locale.ROOT));
    Map<String, Object> device = new LinkedHashMap<>();
    device.put("requested", asked.name().toLowerCase(Locale.ROOT));
    device.put("resolved", used.toString());
    json.put("device", device);
    Engine engine = Engine.getEngine("PyTorch");
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", engine.getEngineName());
    e.put("version", engine.getVersion());
    json.put("engine", e);
    return this;
  }

  /** Which backend ran the year, with how many workers and intra-op threads per worker. */
  RunRecord backend(String name, int workers, int threads) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("name", name);
    b.put("workers", workers);
    b.put("threadsPerWorker", threads);
    json.put("backend", b);
    if ("onnx".equals(name)) {
      // The year ran in ONNX Runtime, whatever engine DJL would pick.
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", "OnnxRuntime");
      e.put("version", OrtEnvironments.shared().getVersion());
      json.put("engine", e);
    }
    return this;
  }

  /** How a cluster run was spread (firmsim simulate --spark). */
  RunRecord cluster(io.firmsim.simulator.cluster.ClusterOutcome.Facts facts) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("engine", facts.engine());
    c.put("master", facts.master());
    c.put("ranges", facts.partitions());
    c.put("firmsPerRange", facts.rangeSize());
    c.put("taskAttempts", facts.attempts());
    c.put("taskLoopSeconds", facts.taskSeconds());
    c.put("taskExecutors", facts.taskExecutors());
    c.put("jobSeconds", facts.wallSeconds());
    json.put("cluster", c);
    return this;
  }

  /** How much was simulated. */
  RunRecord sizes(int firms, int years, int burnIn, int startYear, int chunkSize, String panel) {
    json.put("firms", firms);
    json.put("years", years);
    json.put("burnIn", burnIn);
    json.put("startYear", startYear);
    json.put("chunkSize", chunkSize);
    json.put("panel", panel);
    return this;
  }

  /** The model and the input files (null: not given), each with the SHA-256 of its content. */
  RunRecord inputs(Path model, Path population, Integer populationYear, Path macro) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (model == null) {
      m.put("source", "embedded");
      m.put("name", "Shahnazarian (2004) paper model");
      m.put("resource", PaperModel.RESOURCE);
      try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("embedded model " + PaperModel.RESOURCE + " missing");
        }
        m.put("sha256", Hashing.sha256(in));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read embedded model " + PaperModel.RESOURCE, e);
      }
    } else {
      m.put("source", "file");
      m.putAll(file(model));
    }
    json.put("model", m);
    Map<String, Object> p = new LinkedHashMap<>();
    if (population == null) {
      p.put("source", "generated");
    } else {
      p.put("source", "file");
      p.putAll(file(population));
      p.put("year", populationYear);
    }
    json.put("population", p);
    json.put("macro", macro == null ? Map.of("source", "zeros") : withSource(file(macro)));
    return this;
  }

  /**
   * Replaces the population entry written by {@link #inputs} for a population file the cluster
   * runner read from another file system (named by its URI; its hash is not taken there).
   */
  RunRecord clusterPopulation(String uri, Integer populationYear, long firms) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("source", "file");
    p.put("uri", uri);
    p.put("year", populationYear);
    p.put("firms", firms);
    json.put("population", p);
    json.put("firms", firms);
    return this;
  }

  /**
   * Replaces the model entry written by {@link #inputs}: for a model given as an artifact, the
   * entry {@code ResolvedModel.recordEntry()} makes (name, version, folder, metadata hash).
   */
  RunRecord model(Map<String, Object> entry) {
    json.put("model", new LinkedHashMap<>(entry));
    return this;
  }

  /** The run's end and speed. */
  RunRecord finish(SimulationResult result, Instant ended) {
    return finish(result.firmYearsStepped(), result.loopSeconds(), ended);
  }

  /** The run's end and speed, summed over the runs of a {@code --macro-paths} run. */
  RunRecord finish(long firmYearsStepped, double loopSeconds, Instant ended) {
    json.put("endTime", ended.toString());
    json.put("firmYearsStepped", firmYearsStepped);
    json.put("loopSeconds", loopSeconds);
    return this;
  }

  /**
   * Replaces the macro entry written by {@link #inputs}: the folder of a {@code --macro-paths} run
   * and every path in it, in the order run, with its name (the output subfolder {@code
   * paths/NAME}), file and SHA-256.
   */
  RunRecord macroPaths(MacroPathSet set) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "paths");
    m.put("folder", set.folder().toAbsolutePath().normalize().toString());
    List<Map<String, Object>> paths = new ArrayList<>();
    for (MacroPathSet.Entry e : set.entries()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", e.name());
      p.putAll(file(e.file()));
      paths.add(p);
    }
    m.put("paths", paths);
    json.put("macro", m);
    return this;
  }

  /** Writes the record as pretty-printed JSON. */
  void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  /** The JSON object (for tests). */
  Map<String, Object> json() {
    return json;
  }

  private static Map<String, Object> withSource(Map<String, Object> file) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "file");
    m.putAll(file);
    return m;
  }

  private static Map<String, Object> file(Path path) {
    Map<String, Object> m = new LinkedHashMap<>();
    Path abs = path.toAbsolutePath().normalize();
    m.put("path", abs.toString());
    try (InputStream in = Files.newInputStream(abs)) {
      m.put("sha256", Hashing.sha256(in));
    } catch (IOException e) {
      throw new BadInputException(abs + ": cannot read to hash it: " + e.getMessage(), e);
    }
    return m;
  }
}
