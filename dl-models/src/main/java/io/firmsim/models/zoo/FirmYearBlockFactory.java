package io.firmsim.models.zoo;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.nio.file.Path;
import java.util.Map;

/**
 * DJL's hook for a model directory loaded with {@code Criteria.optModelPath(DIR)}: named by the
 * artifact's {@code serving.properties} ({@code blockFactory=io.firmsim.models.zoo.
 * FirmYearBlockFactory}) or by the Criteria argument {@code blockFactory}. It verifies the artifact
 * first (every file's size and SHA-256; a damaged, missing or unknown file is refused naming it),
 * then
 *
 * <ul>
 *   <li>on the PyTorch engine returns the {@code FirmYearBlock} of model.json with its parameter
 *       values read from {@code djl/year-0000.params} (arguments {@code mode}, {@code dtype}; DJL
 *       must not look for a parameter file of its own: option {@code hasParameter=false});
 *   <li>on the OnnxRuntime engine returns no block (DJL's ONNX model takes none) and checks that
 *       the graph DJL will open, the model name ({@code option.modelName} or {@code optModelName},
 *       e.g. {@code onnx/year-mean-float64}), is a year graph of the artifact consistent with the
 *       {@code mode} and {@code dtype} arguments, which default to the graph's.
 * </ul>
 *
 * In both cases the model's properties carry the artifact's name, version, settings and provenance
 * ({@code firmsim.*}).
 *
 * <p>Class is stateless and thread-safe.
 */
public final class FirmYearBlockFactory implements BlockFactory {
  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    try {
      return block(model, modelPath, arguments);
    } catch (RuntimeException e) {
      // DJL does not close a model whose block factory fails: free its manager here.
      model.close();
      throw e;
    }
  }

  private static Block block(Model model, Path modelPath, Map<String, ?> arguments) {
    Artifact artifact = ArtifactReader.open(modelPath);
    String engine = model.getNDManager().getEngine().getEngineName();
    switch (engine) {
      case Engines.PYTORCH:
        {
          YearSettings settings = YearSettings.of(arguments);
          Block block = YearLoading.pytorchBlock(artifact, settings, model.getNDManager());
          model.setDataType(settings.dtype());
          YearLoading.describe(model, artifact, settings, engine);
          return block;
        }
      case Engines.ONNX_RUNTIME:
        {
          YearSettings named = YearSettings.ofGraphName(model.getName());
          if (named == null) {
            YearSettings asked = YearSettings.of(arguments);
            throw new ModelSpecException(
                artifact.dir()
                    + ": on the OnnxRuntime engine DJL opens the .onnx file named by the model"
                    + " name, '"
                    + model.getName()
                    + "' is not a year graph: pass optModelName(\""
                    + asked.onnxYearFile().replace(".onnx", "")
                    + "\")");
          }
          YearSettings settings = YearSettings.of(arguments, named.modeName(), named.dtypeName());
          if (!settings.equals(named)) {
            throw new ModelSpecException(
                artifact.dir()
                    + ": the arguments ask for "
                    + settings.modeName()
                    + " "
                    + settings.dtypeName()
                    + " but the model name opens "
                    + named.onnxYearFile()
                    + ": pass optModelName(\""
                    + settings.onnxYearFile().replace(".onnx", "")
                    + "\")");
          }
          YearLoading.onnxYearGraph(artifact, settings);
          model.setDataType(settings.dtype());
          YearLoading.describe(model, artifact, settings, engine);
          return null;
        }
      default:
        throw new ModelSpecException(
            artifact.dir() + ": firmsim models load on PyTorch or OnnxRuntime, not " + engine);
    }
  }
}
