package io.firmsim.zoo.artifact;

import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A local repository of model artifacts: a folder holding {@code NAME/VERSION/} artifact folders.
 * Models are referred to as {@code NAME} (its highest version, in {@link #VERSION_ORDER}) or {@code
 * NAME/VERSION}.
 *
 * <p>The root is, in this order, a folder given explicitly, the environment variable {@value #ENV},
 * or {@code ~/.firmsim/models} ({@link #locate}). The embedded paper model is available as {@value
 * #PAPER} (version {@value #PAPER_VERSION}) in every repository: the first time it is asked for, it
 * is exported into the repository through the {@link ArtifactBuilder} service found on the class
 * path (model-zoo cannot build DJL or ONNX files itself; see {@link ArtifactBuilder}).
 *
 * <p>Writes (the paper model, {@link #install}) go into a staging folder beside the target that is
 * renamed into place in one step, so a reader never sees half an artifact, and two processes that
 * write the same version at once both end with one complete artifact: the second rename fails and
 * that process uses the first one's. Staging folders of dead processes are removed by the next
 * write beside them.
 *
 * <p>Thread-safe: it holds no mutable state; concurrent writers are handled as above.
 */
public final class ModelRepository {
  /** The environment variable naming the repository's root. */
  public static final String ENV = "FIRMSIM_MODELS";

  /** The name of the embedded paper model. */
  public static final String PAPER = "paper";

  /** The version the embedded paper model is materialized as. */
  public static final String PAPER_VERSION = "1";

  /** Names and versions: a letter or digit first, then letters, digits, {@code . _ + -}. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

  private static final Pattern STAGING = Pattern.compile("\\..*\\.tmp-(\\d+)-.*");

  /**
   * Numeric-aware version order: versions are split into runs of digits and runs of other
   * characters; digit runs compare as numbers ({@code 2 < 10}), other runs as text, and a version
   * that is a prefix of another comes first ({@code 1.0 < 1.0.1}).
   */
  public static final Comparator<String> VERSION_ORDER = ModelRepository::compareVersions;

  private static final Pattern RUN = Pattern.compile("\\d+|\\D+");

  private final Path root;
  private final Supplier<Optional<ArtifactBuilder>> builder;

  /**
   * A repository at {@code root}, materializing the paper model with the {@link ArtifactBuilder}
   * service found on the class path.
   */
  public ModelRepository(Path root) {
    this(root, () -> ServiceLoader.load(ArtifactBuilder.class).findFirst());
  }

  /** A repository at {@code root} that materializes the paper model with {@code builder}. */
  public ModelRepository(Path root, ArtifactBuilder builder) {
    this(root, () -> Optional.of(builder));
  }

  private ModelRepository(Path root, Supplier<Optional<ArtifactBuilder>> builder) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.builder = builder;
  }

  /** The repository at {@link #locate}'s root for this process. */
  public static ModelRepository at(Path explicitRoot) {
    return new ModelRepository(
        locate(explicitRoot, System.getenv(), Path.of(System.getProperty("user.home"))));
  }

  /**
   * The root: {@code explicitRoot} if given, else the value of {@value #ENV} if set and not empty,
   * else {@code home/.firmsim/models}.
   */
  public static Path locate(Path explicitRoot, Map<String, String> env, Path home) {
    if (explicitRoot != null) {
      return explicitRoot;
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    return home.resolve(".firmsim").resolve("models");
  }

  /** The repository's root folder (absolute). */
  public Path root() {
    return root;
  }

  /**
   * Whether {@code text} has the shape of a model reference, {@code NAME} or {@code NAME/VERSION}
   * (it may still name nothing the repository holds).
   */
  public static boolean isReference(String text) {
    String[] parts = text.split("/", -1);
    return parts.length <= 2 && Stream.of(parts).allMatch(p -> SEGMENT.matcher(p).matches());
  }

  /** Whether {@code text} is a valid name or version. */
  public static boolean isValidSegment(String text) {
    return text != null && SEGMENT.matcher(text).matches();
  }

  /**
   * The verified artifact a reference names: {@code NAME} (its highest version) or {@code
   * NAME/VERSION}. {@value #PAPER} is exported into the repository first if it is not there.
   *
   * @throws ModelRepositoryException for an invalid reference or one the repository does not hold
   *     (listing what it holds)
   * @throws ArtifactException when the artifact is damaged
   */
  public Artifact resolve(String reference) {
    if (!isReference(reference)) {
      throw new ModelRepositoryException(
          "'"
              + reference
              + "' is not a model reference: NAME or NAME/VERSION, each a letter or digit followed"
              + " by letters, digits, '.', '_', '+' or '-'");
    }
    int slash = reference.indexOf('/');
    String name = slash < 0 ? reference : reference.substring(0, slash);
    String version = slash < 0 ? null : reference.substring(slash + 1);
    if (name.equals(PAPER)
        && (version == null || version.equals(PAPER_VERSION))
        && !Files.isDirectory(root.resolve(PAPER).resolve(PAPER_VERSION))) {
      materializePaper();
    }
    List<String> versions = versions(name);
    if (versions.isEmpty()) {
      throw new ModelRepositoryException(
          "no model '" + name + "' in the repository " + root + ": it holds " + holdings());
    }
    if (version == null) {
      version = versions.get(versions.size() - 1);
    } else if (!versions.contains(version)) {
      throw new ModelRepositoryException(
          "no version '"
              + version
              + "' of model '"
              + name
              + "' in the repository "
              + root
              + ": it holds versions "
              + String.join(", ", versions));
    }
    return ArtifactReader.open(root.resolve(name).resolve(version));
  }

  /** The names the repository holds, sorted. */
  public List<String> names() {
    return children(root);
  }

  /** The versions of a model, in {@link #VERSION_ORDER} (empty if it holds none). */
  public List<String> versions(String name) {
    if (!isValidSegment(name)) {
      return List.of();
    }
    List<String> versions = children(root.resolve(name));
    versions.sort(VERSION_ORDER);
    return versions;
  }

  /** Every {@code NAME/VERSION} the repository holds, by name and then version. */
  public List<String> list() {
    List<String> all = new ArrayList<>();
    for (String name : names()) {
      for (String version : versions(name)) {
        all.add(name + "/" + version);
      }
    }
    return all;
  }

  /**
   * Copies a verified artifact into the repository as {@code NAME/VERSION} of its metadata, and
   * verifies the copy.
   *
   * @return the installed artifact
   * @throws ModelRepositoryException when the repository already holds that version or the name or
   *     version is not valid
   * @throws IOException when the repository cannot be written
   */
  public Artifact install(Artifact artifact) throws IOException {
    String name = artifact.name();
    String version = artifact.version();
    if (!isValidSegment(name) || !isValidSegment(version)) {
      throw new ModelRepositoryException(
          "cannot install "
              + artifact.dir()
              + ": name '"
              + name
              + "' and version '"
              + version
              + "' must each be a letter or digit followed by letters, digits, '.', '_', '+' or '-'");
    }
    Path target = root.resolve(name).resolve(version);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new ModelRepositoryException(
          "the repository " + root + " already holds " + name + "/" + version);
    }
    boolean placed =
        stageAndPlace(
            target,
            staging -> {
              for (ArtifactMetadata.FileEntry f : artifact.metadata().files()) {
                Path to = staging.resolve(f.path());
                Files.createDirectories(to.getParent());
                Files.copy(artifact.dir().resolve(f.path()), to);
              }
              Files.copy(
                  artifact.dir().resolve(ArtifactMetadata.FILE),
                  staging.resolve(ArtifactMetadata.FILE));
              ArtifactReader.open(staging);
            });
    if (!placed) {
      throw new ModelRepositoryException(
          "the repository " + root + " already holds " + name + "/" + version);
    }
    return ArtifactReader.open(target);
  }

  /** Exports the embedded paper model into the repository (see the class comment). */
  private void materializePaper() {
    ArtifactBuilder b =
        builder
            .get()
            .orElseThrow(
                () ->
                    new ModelRepositoryException(
                        "cannot build the paper model artifact: no "
                            + ArtifactBuilder.class.getName()
                            + " service on the class path (it comes with firmsim's dl-models"
                            + " module)"));
    Path target = root.resolve(PAPER).resolve(PAPER_VERSION);
    try {
      stageAndPlace(target, staging -> b.build(PaperModel.load(), PAPER, PAPER_VERSION, staging));
    } catch (IOException e) {
      throw new ModelRepositoryException(
          "cannot write the paper model into the repository "
              + root
              + " ("
              + e
              + "): choose a writable repository with --models-dir or "
              + ENV,
          e);
    }
  }

  /** Fills a staging folder. */
  private interface Filler {
    void fill(Path staging) throws IOException;
  }

  /**
   * Fills a fresh staging folder beside {@code target} and renames it into place.
   *
   * @return false when another writer put {@code target} in place first (this one is discarded)
   */
  private static boolean stageAndPlace(Path target, Filler filler) throws IOException {
    Path parent = target.getParent();
    Files.createDirectories(parent);
    removeAbandoned(parent);
    Path staging =
        parent.resolve(
            "."
                + target.getFileName()
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + UUID.randomUUID());
    Files.createDirectory(staging);
    try {
      filler.fill(staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (IOException e) {
        if (Files.isRegularFile(target.resolve(ArtifactMetadata.FILE))) {
          return false; // another process placed its copy first
        }
        throw e;
      }
    } finally {
      deleteTree(staging);
    }
  }

  /** Removes staging folders in {@code dir} whose process no longer runs. */
  private static void removeAbandoned(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Matcher m = STAGING.matcher(p.getFileName().toString());
        if (m.matches() && !alive(m.group(1))) {
          deleteTree(p);
        }
      }
    }
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      Iterator<Path> it = walk.sorted(Comparator.reverseOrder()).iterator();
      while (it.hasNext()) {
        Files.deleteIfExists(it.next());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The sub-folders of {@code dir} with valid names, sorted by name (empty if it is missing). */
  private static List<String> children(Path dir) {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (isValidSegment(n)) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new ModelRepositoryException(
          "cannot list the repository folder " + dir + ": " + e.getMessage(), e);
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private String holdings() {
    List<String> all = list();
    List<String> shown = new ArrayList<>(all);
    if (!names().contains(PAPER)) {
      shown.add(PAPER + " (the embedded paper model, built on first use)");
    }
    return String.join(", ", shown);
  }

  private static int compareVersions(String a, String b) {
    Matcher ma = RUN.matcher(a);
    Matcher mb = RUN.matcher(b);
    while (true) {
      boolean ha = ma.find();
      boolean hb = mb.find();
      if (!ha || !hb) {
        return ha ? 1 : hb ? -1 : 0;
      }
      String ra = ma.group();
      String rb = mb.group();
      boolean da = Character.isDigit(ra.charAt(0));
      boolean db = Character.isDigit(rb.charAt(0));
      int c;
      if (da && db) {
        c = new BigInteger(ra).compareTo(new BigInteger(rb));
        if (c == 0) {
          c = Integer.compare(ra.length(), rb.length()); // 01 after 1: a total order
        }
      } else if (da != db) {
        c = da ? -1 : 1; // a number before text at the same place: 1.2 < 1.beta
      } else {
        c = ra.compareTo(rb);
      }
      if (c != 0) {
        return c;
      }
    }
  }
}
