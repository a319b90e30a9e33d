package io.firmsim.models.zoo;

import ai.djl.repository.Version;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The firmsim model zoo (group id {@value #GROUP_ID}): one model loader per artifact name in the
 * local repository, a directory of {@code NAME/VERSION/} artifact directories. The repository is
 * read at every lookup, so artifacts written while the process runs are found. Its location is the
 * system property {@value #LOCATION_PROPERTY}, else the environment variable {@value
 * #LOCATION_ENV}, else {@code ~/.firmsim/models}.
 *
 * <p>Registered with DJL through {@link FirmsimZooProvider} (ServiceLoader), so {@code
 * Criteria.builder().optGroupId("io.firmsim").optArtifactId(NAME)} finds it.
 *
 * <p>Class is thread-safe.
 */
public final class FirmsimModelZoo extends ModelZoo {
  /** The zoo's DJL group id. */
  public static final String GROUP_ID = "io.firmsim";

  /** System property naming the local repository. */
  public static final String LOCATION_PROPERTY = "firmsim.repository";

  /** Environment variable naming the local repository. */
  public static final String LOCATION_ENV = "FIRMSIM_REPOSITORY";

  private final Path root;

  /** The zoo of the configured local repository. */
  public FirmsimModelZoo() {
    this.root = null;
  }

  /** The zoo of the repository at {@code root}. */
  public FirmsimModelZoo(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The local repository's directory. */
  public Path root() {
    if (root != null) {
      return root;
    }
    String p = System.getProperty(LOCATION_PROPERTY);
    if (p == null || p.isBlank()) {
      p = System.getenv(LOCATION_ENV);
    }
    if (p == null || p.isBlank()) {
      return Paths.get(System.getProperty("user.home"), ".firmsim", "models");
    }
    return Paths.get(p).toAbsolutePath().normalize();
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

  /** Names with at least one version directory, sorted. */
  List<String> names() {
    Path r = root();
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(r)) {
      return names;
    }
    try (Stream<Path> s = Files.list(r)) {
      s.filter(Files::isDirectory)
          .filter(d -> !versions(d).isEmpty())
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      return names;
    }
    return names;
  }

  /** Version directories of a name (those holding a metadata.json), oldest first. */
  private static List<String> versions(Path nameDir) {
    List<String> versions = new ArrayList<>();
    try (Stream<Path> s = Files.list(nameDir)) {
      s.filter(d -> Files.isRegularFile(d.resolve(YearArtifact.METADATA)))
          .map(d -> d.getFileName().toString())
          .filter(v -> !v.startsWith("."))
          .forEach(versions::add);
    } catch (IOException e) {
      return versions;
    }
    versions.sort(Comparator.comparing(Version::new));
    return versions;
  }

  /**
   * The directory of {@code name} at {@code version}, or at its latest version when null.
   *
   * @throws ModelNotFoundException when there is none
   */
  Path resolve(String name, String version) throws ModelNotFoundException {
    Path nameDir = root().resolve(name);
    List<String> versions = versions(nameDir);
    if (versions.isEmpty()) {
      throw new ModelNotFoundException("no model " + name + " in " + root());
    }
    if (version == null) {
      return nameDir.resolve(versions.get(versions.size() - 1));
    }
    if (!versions.contains(version)) {
      throw new ModelNotFoundException(
          "no version " + version + " of " + name + " in " + root() + " (found " + versions + ")");
    }
    return nameDir.resolve(version);
  }
}
