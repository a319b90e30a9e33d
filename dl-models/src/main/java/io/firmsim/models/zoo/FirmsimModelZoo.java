package io.firmsim.models.zoo;

import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ModelRepository;
import io.firmsim.zoo.artifact.ModelRepositoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The firmsim model zoo (group id {@value #GROUP_ID}): one model loader per model name of the local
 * {@link ModelRepository} ({@code NAME/VERSION/} artifact directories), the embedded paper model
 * ({@value ModelRepository#PAPER}) included. The repository is read at every lookup, so artifacts
 * written while the process runs are found. Its root is the system property {@value #ROOT_PROPERTY}
 * if set, else {@link ModelRepository#at}'s (the environment variable {@value ModelRepository#ENV},
 * else {@code ~/.firmsim/models}).
 *
 * <p>Registered with DJL through {@link FirmsimZooProvider} (ServiceLoader), so {@code
 * Criteria.builder().optGroupId("io.firmsim").optArtifactId(NAME)} finds it; the Criteria filter
 * {@code version} picks a version (default: the highest).
 *
 * <p>Class is immutable and thread-safe.
 */
public final class FirmsimModelZoo extends ModelZoo {
  /** The zoo's DJL group id. */
  public static final String GROUP_ID = "io.firmsim";

  /** System property naming the repository's root (takes precedence over the environment). */
  public static final String ROOT_PROPERTY = "firmsim.models";

  private final Path root;

  /** The zoo of the configured local repository. */
  public FirmsimModelZoo() {
    this.root = null;
  }

  /** The zoo of the repository at {@code root}. */
  public FirmsimModelZoo(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The repository this zoo reads now. */
  public ModelRepository repository() {
    if (root != null) {
      return new ModelRepository(root);
    }
    String p = System.getProperty(ROOT_PROPERTY);
    return ModelRepository.at(p == null || p.isBlank() ? null : Path.of(p));
  }

  @Override
  public String getGroupId() {
    return GROUP_ID;
  }

  @Override
  public Set<String> getSupportedEngines() {
    return Set.of(Engines.PYTORCH, Engines.ONNX_RUNTIME);
  }

  @Override
  public Collection<ModelLoader> getModelLoaders() {
    List<ModelLoader> loaders = new ArrayList<>();
    for (String name : names()) {
      loaders.add(new ArtifactModelLoader(this, name));
    }
    return loaders;
  }

  @Override
  public ModelLoader getModelLoader(String name) {
    return names().contains(name) ? new ArtifactModelLoader(this, name) : null;
  }

  /** The repository's names and the paper model's, sorted. */
  List<String> names() {
    TreeSet<String> names = new TreeSet<>(repository().names());
    names.add(ModelRepository.PAPER);
    return new ArrayList<>(names);
  }

  /**
   * The verified artifact of {@code name} at {@code version}, or at its highest version when null.
   *
   * @throws ModelNotFoundException when the repository does not hold it
   * @throws io.firmsim.zoo.artifact.ArtifactException when it is damaged
   */
  Artifact resolve(String name, String version) throws ModelNotFoundException {
    try {
      return repository().resolve(version == null ? name : name + "/" + version);
    } catch (ModelRepositoryException e) {
      throw new ModelNotFoundException(e.getMessage(), e);
    }
  }
}
