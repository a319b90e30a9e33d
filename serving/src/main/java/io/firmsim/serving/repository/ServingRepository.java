package io.firmsim.serving.repository;

import io.firmsim.serving.batching.RowPadding;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.metrics.ServeMetrics;
import io.firmsim.serving.runtime.OrtModelRunner;
import io.firmsim.serving.runtime.RunListener;
import io.firmsim.serving.runtime.SessionSettings;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served model repository: a folder of artifacts as {@code NAME/VERSION/} with numeric VERSION
 * folders (other folders are ignored with a log line), of which the highest version of each NAME is
 * served.
 *
 * <p>Loading a version verifies it with {@link ArtifactReader} (a changed byte, a missing or
 * unknown file fails the load with the {@link ArtifactException}'s message as reason), opens one
 * {@link OrtModelRunner} per ONNX file, named {@code NAME-<file stem>} (for example {@code
 * paper-year-sample-float64}, {@code paper-T07-mean-float32}), warms each up and wraps it with the
 * {@link RunnerWrapper}. Only then does the version replace the one serving, in one step: requests
 * that hold the old version ({@link ModelLease}) finish on it, and its sessions close when they
 * have drained. A failed load leaves the serving version in place; the index shows the failed
 * version with its reason.
 *
 * <p>Thread-safe. Loads of one NAME are serialized; lookups never wait for a load.
 */
public final class ServingRepository implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingRepository.class);
  private static final Pattern VERSION = Pattern.compile("[0-9]+");
  private static final Comparator<String> NUMERIC =
      Comparator.comparing((String v) -> new BigInteger(v))
          .thenComparing(Comparator.naturalOrder());
  private static final String ONNX_SUFFIX = ".onnx";

  private final Path dir;
  private final SessionSettings sessionSettings;
  private final RunnerWrapper wrapper;
  private final ServeMetrics metrics;
  private final RunListener runListener;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, String> modelToArtifact = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final long pollSeconds;
  private volatile boolean initialLoadDone;
  private volatile boolean closed;

  /** What the repository knows about one NAME. */
  private static final class Slot {
    final String name;
    volatile LoadedArtifact serving;
    volatile boolean unloaded;
    volatile boolean loading;
    final Map<String, IndexEntry> versions = new ConcurrentHashMap<>();
    final Map<String, String> attempted = new ConcurrentHashMap<>();

    Slot(String name) {
      this.name = name;
    }
  }

  private ServingRepository(Builder b) {
    this.dir = b.dir.toAbsolutePath().normalize();
    this.sessionSettings = b.sessionSettings;
    this.wrapper = b.wrapper;
    this.metrics = b.metrics;
    this.runListener =
        metrics == null
            ? RunListener.NONE
            : (m, rows, seconds) -> metrics.observeCompute(m, seconds);
    this.pollSeconds = b.pollSeconds;
    if (b.pollSeconds > 0) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "firmsim-repository-poll");
                t.setDaemon(true);
                return t;
              });
    } else {
      poller = null;
    }
  }

  /** A builder; {@link Builder#setDirectory} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The repository folder. */
  public Path directory() {
    return dir;
  }

  /**
   * Lists the artifact versions on disk without loading anything, registers them in the index and
   * returns the highest numeric version of each NAME.
   *
   * @throws UncheckedIOException when the folder cannot be listed
   */
  public Map<String, String> scan() {
    Map<String, String> latest = new TreeMap<>();
    try (Stream<Path> names = Files.list(dir)) {
      for (Path nameDir : names.sorted().toList()) {
        String name = nameDir.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(nameDir)) {
          continue;
        }
        List<String> versions = new ArrayList<>();
        try (Stream<Path> vs = Files.list(nameDir)) {
          for (Path v : vs.sorted().toList()) {
            String version = v.getFileName().toString();
            if (!Files.isDirectory(v)) {
              continue;
            }
            if (!VERSION.matcher(version).matches()) {
              LOG.info("ignoring {}: version folders are numeric", v);
              continue;
            }
            versions.add(version);
          }
        }
        if (versions.isEmpty()) {
          LOG.info("ignoring {}: no numeric version folder", nameDir);
          continue;
        }
        versions.sort(NUMERIC);
        Slot slot = slots.computeIfAbsent(name, Slot::new);
        for (String version : versions) {
          List<String> models = modelNames(name, nameDir.resolve(version));
          for (String m : models) {
            modelToArtifact.putIfAbsent(m, name);
          }
          slot.versions.computeIfAbsent(
              version,
              v -> new IndexEntry(name, v, ArtifactState.UNAVAILABLE, "not loaded", models));
        }
        latest.put(name, versions.get(versions.size() - 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list the repository " + dir + ": " + e.getMessage(), e);
    }
    return latest;
  }

  /** The served model names of a version folder, from its {@code onnx/*.onnx} files. */
  private static List<String> modelNames(String name, Path versionDir) throws IOException {
    Path onnx = versionDir.resolve("onnx");
    if (!Files.isDirectory(onnx)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(onnx)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(ONNX_SUFFIX))
          .sorted()
          .map(f -> name + "-" + f.substring(0, f.length() - ONNX_SUFFIX.length()))
          .toList();
    }
  }

  /**
   * Scans the folder and loads the highest version of every NAME, one after the other; a failed
   * load is logged and shown in the index. Afterwards {@link #ready()} tells whether all loaded,
   * and polling (when configured) starts.
   *
   * @return the number of NAMEs serving afterwards
   */
  public int loadAll() {
    Map<String, String> latest = scan();
    for (Map.Entry<String, String> e : latest.entrySet()) {
      if (closed) {
        break;
      }
      try {
        load(e.getKey(), e.getValue());
      } catch (InferenceException ex) {
        LOG.warn("{}/{} not served: {}", e.getKey(), e.getValue(), ex.getMessage());
      }
    }
    initialLoadDone = true;
    if (poller != null && !closed) {
      poller.scheduleWithFixedDelay(this::pollQuietly, pollSeconds, pollSeconds, TimeUnit.SECONDS);
    }
    return (int) slots.values().stream().filter(s -> s.serving != null).count();
  }

  /**
   * Loads the highest numeric version of {@code name} (a NAME folder of the repository) and serves
   * it in place of the version serving now; a version already serving whose files have not changed
   * is kept as it is.
   *
   * @return the version serving afterwards
   * @throws InferenceException NOT_FOUND when the repository has no such NAME with a numeric
   *     version, INVALID when the version fails to load (the previous version keeps serving)
   */
  public LoadedArtifact load(String name) throws InferenceException {
    String latest = scan().get(name);
    if (latest == null) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND,
          "the repository " + dir + " has no artifact " + name + " with a numeric version folder");
    }
    return load(name, latest);
  }

  private LoadedArtifact load(String name, String version) throws InferenceException {
    Slot slot = slots.computeIfAbsent(name, Slot::new);
    synchronized (slot) {
      if (closed) {
        throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "shutting down");
      }
      Path versionDir = dir.resolve(name).resolve(version);
      String fingerprint = fingerprint(versionDir);
      LoadedArtifact current = slot.serving;
      if (current != null
          && current.version().equals(version)
          && fingerprint.equals(slot.attempted.get(version))) {
        slot.unloaded = false;
        return current;
      }
      slot.attempted.put(version, fingerprint);
      IndexEntry entry =
          slot.versions.computeIfAbsent(
              version, v -> new IndexEntry(name, v, ArtifactState.UNAVAILABLE, "", List.of()));
      boolean reload = current != null && current.version().equals(version);
      if (!reload) {
        slot.versions.put(version, entry.with(ArtifactState.LOADING, ""));
      }
      slot.loading = true;
      long start = System.nanoTime();
      try {
        LoadedArtifact loaded = open(name, version, versionDir);
        if (closed) {
          loaded.retire();
          throw new InferenceException(InferenceException.Reason.UNAVAILABLE, "shutting down");
        }
        slot.versions.put(
            version,
            new IndexEntry(
                name, version, ArtifactState.READY, "", List.copyOf(loaded.runners().keySet())));
        for (String m : loaded.runners().keySet()) {
          modelToArtifact.put(m, name);
        }
        slot.serving = loaded;
        slot.unloaded = false;
        if (current != null) {
          if (!reload) {
            slot.versions.computeIfPresent(
                current.version(),
                (v, e) -> e.with(ArtifactState.UNAVAILABLE, "replaced by version " + version));
          }
          current.retire();
        }
        LOG.info(
            "serving {}/{}: {} models, loaded in {} ms",
            name,
            version,
            loaded.runners().size(),
            (System.nanoTime() - start) / 1_000_000);
        return loaded;
      } catch (InferenceException e) {
        String reason = e.getMessage();
        IndexEntry failed = slot.versions.get(version);
        if (reload) {
          slot.versions.put(version, failed.with(ArtifactState.READY, "reload failed: " + reason));
        } else {
          slot.versions.put(version, failed.with(ArtifactState.UNAVAILABLE, reason));
        }
        throw new InferenceException(
            InferenceException.Reason.INVALID, name + "/" + version + ": " + reason, e);
      } finally {
        slot.loading = false;
        if (metrics != null) {
          metrics.observeLoad(name, (System.nanoTime() - start) / 1e9);
        }
      }
    }
  }

  /** Verifies, opens, warms up and wraps every graph of a version; all or nothing. */
  private LoadedArtifact open(String name, String version, Path versionDir)
      throws InferenceException {
    Artifact artifact;
    try {
      artifact = ArtifactReader.open(versionDir);
    } catch (ArtifactException e) {
      throw new InferenceException(InferenceException.Reason.ENGINE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new InferenceException(
          InferenceException.Reason.ENGINE, versionDir + ": cannot read: " + e, e);
    }
    if (!artifact.name().equals(name) || !artifact.version().equals(version)) {
      throw new InferenceException(
          InferenceException.Reason.ENGINE,
          versionDir.resolve(ArtifactMetadata.FILE)
              + ": the metadata names "
              + artifact.name()
              + "/"
              + artifact.version()
              + ", the folder is "
              + name
              + "/"
              + version);
    }
    Map<String, InferenceRunner> runners = new LinkedHashMap<>();
    try {
      for (ArtifactMetadata.Graph graph : artifact.metadata().onnx().graphs()) {
        String file = graph.file();
        String stem = Path.of(file).getFileName().toString();
        if (stem.endsWith(ONNX_SUFFIX)) {
          stem = stem.substring(0, stem.length() - ONNX_SUFFIX.length());
        }
        String model = name + "-" + stem;
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(artifact.file(file));
        } catch (IOException e) {
          throw new InferenceException(
              InferenceException.Reason.ENGINE, artifact.file(file) + ": cannot read: " + e, e);
        }
        // Every run padded to whole row blocks, so that an answer does not depend on its batch;
        // the rows metric counts the request's rows, not the padding.
        InferenceRunner session =
            new RowPadding(
                OrtModelRunner.open(model, bytes, sessionSettings, runListener),
                RowPadding.DEFAULT_MULTIPLE,
                metrics == null ? rows -> {} : rows -> metrics.observeRows(model, rows));
        InferenceRunner served;
        try {
          served = Objects.requireNonNull(wrapper.wrap(model, version, session), "wrapped runner");
        } catch (RuntimeException e) {
          session.close();
          throw new InferenceException(
              InferenceException.Reason.ENGINE, model + ": wrapping the session failed: " + e, e);
        }
        runners.put(model, served);
      }
    } catch (InferenceException | RuntimeException e) {
      for (InferenceRunner r : runners.values()) {
        r.close();
      }
      throw e;
    }
    return new LoadedArtifact(name, version, artifact, runners);
  }

  /** Sizes and modification times of every file of a folder: a changed or added file shows. */
  private static String fingerprint(Path versionDir) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(versionDir)) {
      for (Path p : files.sorted().toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        sb.append(versionDir.relativize(p))
            .append(':')
            .append(a.size())
            .append(':')
            .append(a.lastModifiedTime().toMillis())
            .append(';');
      }
    } catch (IOException e) {
      sb.append("unreadable:").append(e.getMessage());
    }
    return Integer.toHexString(sb.toString().hashCode()) + ":" + sb.length();
  }

  /**
   * Stops serving {@code name}: its models answer 503 until it is loaded again; the sessions close
   * once the requests in progress have finished.
   *
   * @throws InferenceException NOT_FOUND when the repository knows no such NAME
   */
  public void unload(String name) throws InferenceException {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND, "the repository has no artifact " + name);
    }
    synchronized (slot) {
      slot.unloaded = true;
      LoadedArtifact current = slot.serving;
      slot.serving = null;
      if (current != null) {
        slot.versions.computeIfPresent(
            current.version(), (v, e) -> e.with(ArtifactState.UNAVAILABLE, "unloaded"));
        current.retire();
        LOG.info("unloaded {}/{}", name, current.version());
      }
    }
  }

  /** Every artifact version seen, by NAME then numeric VERSION. */
  public List<IndexEntry> index() {
    List<IndexEntry> entries = new ArrayList<>();
    slots.keySet().stream()
        .sorted()
        .forEach(
            n ->
                slots.get(n).versions.values().stream()
                    .sorted(Comparator.comparing(IndexEntry::version, NUMERIC))
                    .forEach(entries::add));
    return entries;
  }

  /**
   * Whether the initial load has finished and every NAME not explicitly unloaded serves a version.
   */
  public boolean ready() {
    if (!initialLoadDone || closed) {
      return false;
    }
    for (Slot s : slots.values()) {
      if (s.loading || (s.serving == null && !s.unloaded)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the initial load has finished (successfully or not). */
  public boolean initialLoadDone() {
    return initialLoadDone;
  }

  /** Whether {@code name} is an artifact NAME the repository has seen. */
  public boolean isArtifact(String name) {
    return slots.containsKey(name);
  }

  /** Whether {@code model} is a served model name the repository has seen (loaded or not). */
  public boolean isModel(String model) {
    return modelToArtifact.containsKey(model);
  }

  /** The artifact NAME a served model belongs to. */
  public Optional<String> artifactOf(String model) {
    return Optional.ofNullable(modelToArtifact.get(model));
  }

  /** The served model names seen, sorted. */
  public List<String> modelNames() {
    return modelToArtifact.keySet().stream().sorted().toList();
  }

  /**
   * Resolves a served model for one request and holds its artifact version until the lease is
   * closed.
   *
   * @param model the served model name
   * @param version the wanted version, or null for the serving one
   * @throws InferenceException NOT_FOUND for an unknown model or a version that is not serving,
   *     UNAVAILABLE when the model is known but no version of it is loaded (loading, failed,
   *     unloaded)
   */
  public ModelLease acquire(String model, String version) throws InferenceException {
    String name = modelToArtifact.get(model);
    if (name == null) {
      throw new InferenceException(InferenceException.Reason.NOT_FOUND, "unknown model " + model);
    }
    LoadedArtifact a = acquireArtifact(name, version);
    InferenceRunner runner = a.runners().get(model);
    if (runner == null) {
      a.release();
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND,
          "model " + model + " is not part of " + name + "/" + a.version());
    }
    return new ModelLease(model, a, runner);
  }

  /**
   * Takes a reference on the serving version of an artifact NAME; the caller must {@link
   * LoadedArtifact#release() release} it.
   *
   * @param version the wanted version, or null for the serving one
   * @throws InferenceException as {@link #acquire}
   */
  public LoadedArtifact acquireArtifact(String name, String version) throws InferenceException {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw new InferenceException(InferenceException.Reason.NOT_FOUND, "unknown artifact " + name);
    }
    if (version != null && !slot.versions.containsKey(version)) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND, name + " has no version " + version);
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      LoadedArtifact a = slot.serving;
      if (a == null) {
        String why =
            slot.unloaded
                ? "unloaded"
                : (slot.loading || !initialLoadDone) ? "loading" : "not loaded";
        throw new InferenceException(
            InferenceException.Reason.UNAVAILABLE, name + " is not available: " + why);
      }
      if (version != null && !version.equals(a.version())) {
        IndexEntry e = slot.versions.get(version);
        throw new InferenceException(
            InferenceException.Reason.NOT_FOUND,
            name
                + " version "
                + version
                + " is not serving ("
                + (e == null
                    ? "unknown"
                    : e.state() + (e.reason().isEmpty() ? "" : ": " + e.reason()))
                + "); version "
                + a.version()
                + " is");
      }
      if (a.tryAcquire()) {
        return a;
      }
      // Retired and drained between the read and the acquire: the slot holds its successor now.
      Thread.onSpinWait();
    }
    throw new InferenceException(
        InferenceException.Reason.UNAVAILABLE, name + " is being replaced: retry");
  }

  /** The serving version of {@code name}, if any (without a reference: for listings). */
  public Optional<LoadedArtifact> serving(String name) {
    Slot slot = slots.get(name);
    return slot == null ? Optional.empty() : Optional.ofNullable(slot.serving);
  }

  /**
   * Loads what changed on disk since the last look: a NAME that is new or has a higher version, or
   * whose serving version's files changed, unless the same files already failed to load. NAMEs
   * unloaded on request are left alone.
   */
  public void poll() {
    for (Map.Entry<String, String> e : scan().entrySet()) {
      Slot slot = slots.get(e.getKey());
      if (closed || slot == null || slot.unloaded) {
        continue;
      }
      String version = e.getValue();
      String fp = fingerprint(dir.resolve(e.getKey()).resolve(version));
      if (fp.equals(slot.attempted.get(version))) {
        continue;
      }
      try {
        load(e.getKey(), version);
      } catch (InferenceException ex) {
        LOG.warn("poll: {}", ex.getMessage());
      }
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("poll of {} failed", dir, e);
    }
  }

  /** Stops polling and retires every serving version (sessions close as requests drain). */
  @Override
  public void close() {
    closed = true;
    if (poller != null) {
      poller.shutdownNow();
    }
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        LoadedArtifact a = slot.serving;
        slot.serving = null;
        if (a != null) {
          a.retire();
        }
      }
    }
  }

  /** Builds a {@link ServingRepository}: {@code setX} required, {@code optX} optional. */
  public static final class Builder {
    private Path dir;
    private SessionSettings sessionSettings = SessionSettings.DEFAULT;
    private RunnerWrapper wrapper = RunnerWrapper.IDENTITY;
    private ServeMetrics metrics;
    private long pollSeconds;

    private Builder() {}

    /** The repository folder ({@code NAME/VERSION/} artifacts). */
    public Builder setDirectory(Path dir) {
      this.dir = dir;
      return this;
    }

    /** The sessions' threads (default one intra-op thread). */
    public Builder optSessionSettings(SessionSettings settings) {
      this.sessionSettings = Objects.requireNonNull(settings);
      return this;
    }

    /** Wraps each session before it is served (default: as it is). */
    public Builder optRunnerWrapper(RunnerWrapper wrapper) {
      this.wrapper = Objects.requireNonNull(wrapper);
      return this;
    }

    /** Where load durations and session runs are recorded (default: nowhere). */
    public Builder optMetrics(ServeMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Seconds between looks for new or changed versions; 0 (the default) does not look. */
    public Builder optPollSeconds(long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("pollSeconds must be at least 0, found " + seconds);
      }
      this.pollSeconds = seconds;
      return this;
    }

    /** Builds the repository; nothing is loaded until {@link ServingRepository#loadAll()}. */
    public ServingRepository build() {
      if (dir == null) {
        throw new IllegalArgumentException("You must specify the repository directory");
      }
      return new ServingRepository(this);
    }
  }
}
