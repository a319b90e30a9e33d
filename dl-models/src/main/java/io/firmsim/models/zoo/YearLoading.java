package io.firmsim.models.zoo;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The steps shared by the firmsim model loader and the block factory, on an artifact already
 * verified by {@code ArtifactReader}: the PyTorch-engine block with the artifact's DJL parameters,
 * the ONNX year graph for the OnnxRuntime engine, and the model properties that carry the
 * artifact's registries and provenance.
 *
 * <p>Stateless.
 */
final class YearLoading {
  /** Property prefix of everything firmsim puts on a loaded model. */
  static final String PREFIX = "firmsim.";

  private static final int PARAMS_VERSION = 1;

  private YearLoading() {}

  /**
   * The year block of the artifact for the PyTorch engine: a {@link FirmYearBlock} built from
   * model.json with its parameter values read from the artifact's DJL parameter file ({@code
   * djl/year-0000.params}), in the settings' dtype, its arrays owned by {@code manager}.
   *
   * @throws ArtifactException when the parameter file is not listed, of an unknown version, or does
   *     not fit model.json (naming the file and the parameter)
   */
  static FirmYearBlock pytorchBlock(Artifact artifact, YearSettings settings, NDManager manager) {
    ArtifactMetadata.Djl djl = artifact.metadata().djl();
    if (djl == null
        || djl.parameterFile() == null
        || artifact.metadata().file(djl.parameterFile()) == null) {
      throw new ArtifactException(
          artifact.dir().resolve(ArtifactMetadata.FILE),
          "lists no DJL parameter file of the year block");
    }
    Path file = artifact.file(djl.parameterFile());
    FirmYearBlock block = new FirmYearBlock(artifact.spec(), settings.mode());
    Shape[] inputs = {new Shape(-1, StateVariable.count()), new Shape(2)};
    try (NDManager scratch = manager.newSubManager()) {
      FirmYearBlock saved = new FirmYearBlock(artifact.spec(), settings.mode());
      Map<String, Shape> shapes = new HashMap<>();
      for (Pair<String, Parameter> p : saved.getParameters()) {
        shapes.put(p.getKey(), p.getValue().getShape());
      }
      read(file, saved, scratch);
      Iterator<Pair<String, Parameter>> target = block.getParameters().iterator();
      for (Pair<String, Parameter> p : saved.getParameters()) {
        NDArray value = p.getValue().getArray();
        Shape want = shapes.get(p.getKey());
        if (want != null && !want.equals(value.getShape())) {
          throw new ArtifactException(
              file,
              "parameter "
                  + p.getKey()
                  + " has shape "
                  + value.getShape()
                  + ", "
                  + ArtifactMetadata.MODEL_FILE
                  + " needs "
                  + want);
        }
        if (value.getDataType() != DataType.FLOAT64) {
          throw new ArtifactException(
              file, "parameter " + p.getKey() + " is " + value.getDataType() + ", not FLOAT64");
        }
        double[] values = value.toDoubleArray();
        Shape loaded = value.getShape();
        target
            .next()
            .getValue()
            .setInitializer((m, shape, dtype) -> copy(m, values, loaded, dtype));
      }
      block.initialize(manager, settings.dtype(), inputs);
    }
    return block;
  }

  private static NDArray copy(NDManager m, double[] values, Shape shape, DataType dtype) {
    NDArray a = m.create(values, shape);
    if (dtype == DataType.FLOAT64) {
      return a;
    }
    NDArray cast = a.toType(dtype, false);
    a.close();
    return cast;
  }

  /**
   * Reads a DJL parameter file ({@code Model.save}: magic {@code DJL@}, version 1, name, dtype,
   * input descriptions, properties, then the block's parameters) into {@code block}.
   */
  private static void read(Path file, FirmYearBlock block, NDManager manager) {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      byte[] magic = new byte[4];
      in.readFully(magic);
      if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
        throw new ArtifactException(file, "not a DJL parameter file");
      }
      int version = in.readInt();
      if (version != PARAMS_VERSION) {
        throw new ArtifactException(file, "unsupported DJL parameter file version " + version);
      }
      in.readUTF(); // model name
      in.readUTF(); // model dtype (the arrays carry their own)
      int inputs = in.readInt();
      for (int i = 0; i < inputs; i++) {
        in.readUTF();
        Shape.decode(in);
      }
      int properties = in.readInt();
      for (int i = 0; i < properties; i++) {
        in.readUTF();
        in.readUTF();
      }
      block.loadParameters(manager, in);
      if (in.read() != -1) {
        throw new ArtifactException(
            file, "holds more than the parameters of " + ArtifactMetadata.MODEL_FILE);
      }
    } catch (ArtifactException e) {
      throw e;
    } catch (MalformedModelException | IOException | RuntimeException e) {
      throw new ArtifactException(
          file,
          "does not hold the parameters of " + ArtifactMetadata.MODEL_FILE + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The artifact's ONNX year graph for the settings (the metadata's graph of kind {@code year} in
   * that mode and dtype).
   *
   * @throws ArtifactException naming the metadata when the artifact has no such graph
   */
  static Path onnxYearGraph(Artifact artifact, YearSettings settings) {
    ArtifactMetadata.Onnx onnx = artifact.metadata().onnx();
    if (onnx != null && onnx.graphs() != null) {
      for (ArtifactMetadata.Graph g : onnx.graphs()) {
        if ("year".equals(g.kind())
            && settings.modeName().equals(g.mode())
            && settings.dtypeName().equals(g.dtype())) {
          return artifact.file(g.file());
        }
      }
    }
    throw new ArtifactException(
        artifact.dir().resolve(ArtifactMetadata.FILE),
        "lists no "
            + settings.modeName()
            + " "
            + settings.dtypeName()
            + " year graph ("
            + settings.onnxYearFile()
            + "): export it, or ask for another mode or dtype");
  }

  /**
   * Puts what a caller needs to know about the loaded year on the model (keys {@code firmsim.*}):
   * the artifact's name, version and directory, the engine, mode and dtype, the SHA-256 of
   * model.json, the registries, the uniforms' width, and the provenance (as JSON and one key per
   * top-level entry).
   */
  static void describe(Model model, Artifact artifact, YearSettings settings, String engine) {
    ArtifactMetadata meta = artifact.metadata();
    model.setProperty(PREFIX + "model.name", artifact.name());
    model.setProperty(PREFIX + "model.version", artifact.version());
    model.setProperty(PREFIX + "format.version", String.valueOf(meta.formatVersion()));
    model.setProperty(PREFIX + "directory", artifact.dir().toString());
    model.setProperty(PREFIX + "engine", engine);
    model.setProperty(PREFIX + "mode", settings.modeName());
    model.setProperty(PREFIX + "dtype", settings.dtypeName());
    model.setProperty(PREFIX + "createdBy", String.valueOf(meta.createdBy()));
    model.setProperty(PREFIX + "modelSha256", meta.file(ArtifactMetadata.MODEL_FILE).sha256());
    int uniforms =
        settings.mode() == ForwardMode.SAMPLE
            ? new FirmYearBlock(artifact.spec(), ForwardMode.SAMPLE).uniformColumns()
            : 0;
    model.setProperty(PREFIX + "uniformColumns", String.valueOf(uniforms));
    ArtifactMetadata.Registries r = meta.registries();
    if (r != null) {
      model.setProperty(PREFIX + "state", String.join(",", r.state()));
      model.setProperty(PREFIX + "flows", String.join(",", r.flows()));
      model.setProperty(PREFIX + "uniforms", String.join(",", r.uniforms()));
    }
    artifact
        .provenance()
        .ifPresent(
            p -> {
              model.setProperty(PREFIX + "provenance", p.toString());
              Iterator<Map.Entry<String, JsonNode>> fields = p.fields();
              while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                model.setProperty(
                    PREFIX + "provenance." + f.getKey(), v.isTextual() ? v.asText() : v.toString());
              }
            });
  }
}
