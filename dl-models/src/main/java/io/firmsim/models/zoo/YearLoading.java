package io.firmsim.models.zoo;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.vocabulary.FlowVariable;
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
import java.util.stream.Collectors;

/**
 * The steps shared by the firmsim model loader and the block factory: the PyTorch-engine block with
 * the artifact's DJL parameters, the ONNX year graph for the OnnxRuntime engine, and the model
 * properties that carry the artifact's provenance.
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
   * model.json with its parameter values read from {@code djl/year-0000.params}, in the settings'
   * dtype, its arrays owned by {@code manager}.
   *
   * @throws ModelSpecException when the parameter file is absent, of an unknown version, or does
   *     not fit model.json (naming the file and the parameter)
   */
  static FirmYearBlock pytorchBlock(
      YearArtifact artifact, YearSettings settings, NDManager manager) {
    Path file = artifact.dir().resolve(YearArtifact.PARAMS);
    if (!artifact.has(YearArtifact.PARAMS)) {
      throw new ModelSpecException(file + ": missing from " + YearArtifact.METADATA);
    }
    FirmYearBlock block = new FirmYearBlock(artifact.spec(), settings.mode());
    Shape[] inputs = {new Shape(-1, StateVariable.count()), new Shape(2)};
    try (NDManager scratch = manager.newSubManager()) {
      FirmYearBlock saved = new FirmYearBlock(artifact.spec(), settings.mode());
      PairList<String, Parameter> expected = saved.getParameters();
      Map<String, Shape> shapes = new HashMap<>();
      for (Pair<String, Parameter> p : expected) {
        shapes.put(p.getKey(), p.getValue().getShape());
      }
      read(file, saved, scratch);
      Iterator<Pair<String, Parameter>> target = block.getParameters().iterator();
      for (Pair<String, Parameter> p : saved.getParameters()) {
        NDArray value = p.getValue().getArray();
        Shape want = shapes.get(p.getKey());
        if (want != null && !want.equals(value.getShape())) {
          throw new ModelSpecException(
              file
                  + ": parameter "
                  + p.getKey()
                  + " has shape "
                  + value.getShape()
                  + ", "
                  + YearArtifact.MODEL
                  + " needs "
                  + want);
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
        throw new ModelSpecException(file + ": not a DJL parameter file");
      }
      int version = in.readInt();
      if (version != PARAMS_VERSION) {
        throw new ModelSpecException(file + ": unsupported DJL parameter version " + version);
      }
      in.readUTF(); // model name
      String dtype = in.readUTF();
      if (!DataType.FLOAT64.name().equals(dtype)) {
        throw new ModelSpecException(file + ": parameters must be FLOAT64, found " + dtype);
      }
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
        throw new ModelSpecException(
            file + ": more parameters than " + YearArtifact.MODEL + " has");
      }
    } catch (MalformedModelException | IOException | RuntimeException e) {
      if (e instanceof ModelSpecException) {
        throw (ModelSpecException) e;
      }
      throw new ModelSpecException(
          file + ": does not hold the parameters of " + YearArtifact.MODEL + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The artifact's ONNX year graph for the settings.
   *
   * @throws ModelSpecException naming the file when the artifact has no such graph
   */
  static Path onnxYearGraph(YearArtifact artifact, YearSettings settings) {
    String rel = settings.onnxYearFile();
    if (!artifact.has(rel)) {
      throw new ModelSpecException(
          artifact.dir().resolve(rel)
              + ": missing: the artifact has no "
              + settings.modeName()
              + " "
              + settings.dtypeName()
              + " year graph (export it, or ask for another mode or dtype)");
    }
    return artifact.dir().resolve(rel);
  }

  /**
   * Puts what a caller needs to know about the loaded year on the model: the artifact's name,
   * version and directory, mode, dtype, the registries, the uniforms' width and the provenance.
   */
  static void describe(Model model, YearArtifact artifact, YearSettings settings, String engine) {
    FirmYearBlock shape = new FirmYearBlock(artifact.spec(), settings.mode());
    model.setProperty(PREFIX + "artifact", artifact.name());
    model.setProperty(PREFIX + "version", artifact.version());
    model.setProperty(PREFIX + "directory", artifact.dir().toString());
    model.setProperty(PREFIX + "engine", engine);
    model.setProperty(PREFIX + "mode", settings.modeName());
    model.setProperty(PREFIX + "dtype", settings.dtypeName());
    model.setProperty(PREFIX + "modelSha256", artifact.sha256(YearArtifact.MODEL));
    model.setProperty(
        PREFIX + "stateVariables",
        StateVariable.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    model.setProperty(
        PREFIX + "flowVariables",
        FlowVariable.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    model.setProperty(
        PREFIX + "uniformColumns",
        String.valueOf(
            settings.mode() == io.firmsim.models.equations.ForwardMode.SAMPLE
                ? shape.uniformColumns()
                : 0));
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
                    PREFIX + "provenance." + f.getKey(),
                    v.isValueNode() ? v.asText() : v.toString());
              }
            });
  }
}
