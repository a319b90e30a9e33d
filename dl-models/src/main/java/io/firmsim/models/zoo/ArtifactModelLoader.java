package io.firmsim.models.zoo;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads one named model of the firmsim zoo ({@code optGroupId("io.firmsim").optArtifactId(NAME)}):
 * the latest version in the local repository, or the one named by the Criteria filter {@code
 * version}. The artifact is verified first (a damaged, missing or unknown file is refused naming
 * it, {@link ModelSpecException}); then, by the Criteria's engine (default PyTorch):
 *
 * <ul>
 *   <li>PyTorch: a {@code FirmYearBlock} from model.json with the parameter values of {@code
 *       djl/year-0000.params};
 *   <li>OnnxRuntime: a session of {@code onnx/year-{mode}-{dtype}.onnx} (Criteria options such as
 *       {@code intraOpNumThreads} pass to ONNX Runtime).
 * </ul>
 *
 * Criteria arguments {@code mode} (sample|mean, default sample) and {@code dtype} (float64|float32,
 * default float64) choose the year; the translator is the Criteria's or {@link
 * YearTranslatorFactory}'s. The model's properties carry the artifact's name, version, settings and
 * provenance ({@code firmsim.*}).
 *
 * <p>Class is immutable and thread-safe.
 */
final class ArtifactModelLoader implements ModelLoader {
  /** Criteria filter naming the artifact version. */
  static final String VERSION = "version";

  private final FirmsimModelZoo zoo;
  private final String name;

  ArtifactModelLoader(FirmsimModelZoo zoo, String name) {
    this.zoo = zoo;
    this.name = name;
  }

  @Override
  public String getGroupId() {
    return FirmsimModelZoo.GROUP_ID;
  }

  @Override
  public String getArtifactId() {
    return name;
  }

  @Override
  public Application getApplication() {
    return Application.UNDEFINED;
  }

  @Override
  public MRL getMrl() {
    Repository repo = Repository.newInstance(name, zoo.repository().root().resolve(name));
    return MRL.undefined(repo, FirmsimModelZoo.GROUP_ID, name);
  }

  @Override
  public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException {
    Map<String, String> filters = criteria.getFilters();
    String version = filters == null ? null : filters.get(VERSION);
    Class<I> in = criteria.getInputClass();
    Class<O> out = criteria.getOutputClass();
    TranslatorFactory factory = criteria.getTranslatorFactory();
    if (factory == null || !factory.isSupported(in, out)) {
      factory = new YearTranslatorFactory();
      if (!factory.isSupported(in, out)) {
        throw new ModelNotFoundException(
            "firmsim year models translate NDList -> NDList or PopulationBatch -> YearOutcome,"
                + " not "
                + in.getName()
                + " -> "
                + out.getName());
      }
    }
    Artifact artifact = zoo.resolve(name, version);
    Map<String, Object> arguments =
        criteria.getArguments() == null ? new HashMap<>() : new HashMap<>(criteria.getArguments());
    YearSettings settings = YearSettings.of(arguments);
    String engine = criteria.getEngine();
    if (engine == null) {
      engine = Engine.hasEngine(Engines.PYTORCH) ? Engines.PYTORCH : Engines.ONNX_RUNTIME;
    }
    if (!zoo.getSupportedEngines().contains(engine)) {
      throw new ModelNotFoundException(
          "firmsim models load on PyTorch or OnnxRuntime, not " + engine);
    }
    Model model = newModel(artifact.name(), criteria, engine);
    try {
      if (Engines.PYTORCH.equals(engine)) {
        model.setBlock(YearLoading.pytorchBlock(artifact, settings, model.getNDManager()));
        model.setDataType(settings.dtype());
        model.load(artifact.dir(), null, Map.of("hasParameter", "false"));
      } else {
        Path graph = YearLoading.onnxYearGraph(artifact, settings);
        Map<String, String> options =
            criteria.getOptions() == null ? new HashMap<>() : new HashMap<>(criteria.getOptions());
        model.load(graph, null, options);
        model.setDataType(settings.dtype());
      }
      for (Map.Entry<String, Object> a : arguments.entrySet()) {
        model.setProperty(a.getKey(), String.valueOf(a.getValue()));
      }
      YearLoading.describe(model, artifact, settings, engine);
      Translator<I, O> translator = factory.newInstance(in, out, model, arguments);
      return new ZooModel<>(model, translator);
    } catch (TranslateException e) {
      model.close();
      throw new ModelNotFoundException("no translator for " + artifact.dir(), e);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
    return true;
  }

  @Override
  public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
    // Local artifacts: nothing to download.
  }

  @Override
  public String toString() {
    return FirmsimModelZoo.GROUP_ID + ":" + name + " in " + zoo.repository().root();
  }

  /**
   * A new DJL model on the engine. DJL's OnnxRuntime engine cannot start once something else has
   * created the process's ONNX Runtime environment; that failure is reported with its remedy rather
   * than as DJL's bare class-initialization error.
   */
  private static Model newModel(String name, Criteria<?, ?> criteria, String engine)
      throws ModelNotFoundException {
    try {
      return Model.newInstance(name, criteria.getDevice(), engine);
    } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
      if (!Engines.ONNX_RUNTIME.equals(engine)) {
        throw e;
      }
      throw new ModelNotFoundException(
          "DJL's OnnxRuntime engine could not start, most likely because this process created"
              + " its ONNX Runtime environment before DJL did (ONNX Runtime allows one per"
              + " process); take the environment from"
              + " io.firmsim.models.onnx.OrtEnvironments.shared() instead of"
              + " OrtEnvironment.getEnvironment()",
          e);
    }
  }
}
