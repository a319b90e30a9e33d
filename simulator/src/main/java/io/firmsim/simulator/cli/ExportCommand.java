package io.firmsim.simulator.cli;

import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.model.ModelSource;
import io.firmsim.simulator.model.ResolvedModel;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.simulator.output.OutputWriteException;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.artifact.ModelRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim export}: writes a model as an artifact folder (model file, DJL parameters, ONNX
 * graphs of the year and of every equation, metadata with every file's SHA-256), whole or not at
 * all, and optionally installs it into the model repository.
 */
@Command(
    name = "export",
    sortOptions = false,
    description = {
      "Exports a model as a model artifact: DIR/model.json, DIR/djl/year-0000.params, "
          + "DIR/onnx/*.onnx (the year and each equation, sample and mean mode) and "
          + "DIR/metadata.json (every file's SHA-256, registries, feature orders, provenance)."
    })
public final class ExportCommand implements Callable<Integer> {
  /** Makes the exporter; a test replaces it. */
  Supplier<ArtifactExporter> exporter = ArtifactExporter::standard;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Not mixinStandardHelpOptions: its --version (firmsim's build) would clash with the artifact's.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "A model file (FILE.json), an artifact folder, or a repository model NAME or "
              + "NAME/VERSION ('paper': the embedded paper model) (default: the embedded paper "
              + "model).")
  String model;

  @Option(
      names = "--models-dir",
      paramLabel = "DIR",
      description = "Model repository (default: $FIRMSIM_MODELS, else ~/.firmsim/models).")
  Path modelsDir;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Artifact folder.")
  Path out;

  @Option(
      names = "--dtype",
      defaultValue = "both",
      description = "ONNX graphs in float32, float64 or both (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The artifact's name (default: the artifact's own, 'paper' for the embedded model, "
              + "else the model's name).")
  String name;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "The artifact's version (default: the artifact's own, else 1).")
  String version;

  @Option(
      names = "--overwrite",
      description = "Replace DIR if it holds a previous firmsim output (as a whole).")
  boolean overwrite;

  @Option(
      names = "--install",
      description = "Also copy the artifact into the model repository as NAME/VERSION.")
  boolean install;

  @Override
  public Integer call() throws Exception {
    Set<OnnxDType> dtypes = parseDtypes();
    OutputDirectory.check(out, overwrite);
    ResolvedModel resolved = ModelSource.resolve(model, modelsDir);
    String artifactName = name != null ? name : defaultName(resolved);
    String artifactVersion =
        version != null
            ? version
            : resolved.artifact().map(Artifact::version).orElse(ModelRepository.PAPER_VERSION);
    checkSegment("--name", artifactName);
    checkSegment("--version", artifactVersion);
    if (install) {
      ModelRepository repo = ModelRepository.at(modelsDir);
      if (repo.versions(artifactName).contains(artifactVersion)) {
        throw new BadInputException(
            "--install: the repository "
                + repo.root()
                + " already holds "
                + artifactName
                + "/"
                + artifactVersion
                + ": choose another --name or --version");
      }
    }

    try (OutputDirectory dir = OutputDirectory.begin(out, overwrite, "export")) {
      try {
        exporter
            .get()
            .export(resolved.spec(), artifactName, artifactVersion, dtypes, dir.staging());
        dir.commit();
      } catch (IOException e) {
        throw new OutputWriteException(dir.target(), e);
      }
    }
    // What was written verifies as an artifact; this is what --install copies.
    Artifact written = ArtifactReader.open(out);
    PrintWriter o = spec.commandLine().getOut();
    long bytes =
        written.metadata().files().stream().mapToLong(ArtifactMetadata.FileEntry::bytes).sum();
    o.printf(
        Locale.ROOT,
        "exported %s/%s to %s: %d files, %.1f MB%n",
        artifactName,
        artifactVersion,
        written.dir(),
        written.metadata().files().size() + 1,
        bytes / 1e6);
    if (install) {
      Artifact installed = ModelRepository.at(modelsDir).install(written);
      o.println(
          "installed as "
              + installed.name()
              + "/"
              + installed.version()
              + " in "
              + installed.dir());
    }
    o.flush();
    return 0;
  }

  private Set<OnnxDType> parseDtypes() {
    switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float32":
        return EnumSet.of(OnnxDType.FLOAT32);
      case "float64":
        return EnumSet.of(OnnxDType.FLOAT64);
      case "both":
        return EnumSet.allOf(OnnxDType.class);
      default:
        throw new BadInputException(
            "--dtype must be float32, float64 or both, found '" + dtype + "'");
    }
  }

  private static String defaultName(ResolvedModel resolved) {
    if (resolved.isEmbedded()) {
      return ModelRepository.PAPER;
    }
    return resolved.artifact().map(Artifact::name).orElse(resolved.spec().name());
  }

  private static void checkSegment(String option, String value) {
    if (!ModelRepository.isValidSegment(value)) {
      throw new BadInputException(
          option
              + " '"
              + value
              + "' is not a valid artifact "
              + option.substring(2)
              + ": a letter or digit followed by letters, digits, '.', '_', '+' or '-'"
              + (option.equals("--name") ? " (give --name when the model's own name is not)" : ""));
    }
  }
}
