package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.trainer.embed.index.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an embedding configuration ({@code firmsim train CONFIG.yaml} whose top level is an {@code
 * embed:} section) into a validated {@link EmbedConfig}. The schema, with defaults; keys are
 * case-sensitive and a key not listed is an error:
 *
 * <pre>
 * embed:
 *   panel: panel.csv        # required; a panel CSV (firmsim simulate --panel csv)
 *   window: 5               # k, years per window, &gt;= 1
 *   dim: 16                 # d, &gt;= 1
 *   hidden: 64              # &gt;= 1
 *   steps: 2000             # &gt;= 1 per encoder
 *   batchSize: 256          # &gt;= 1
 *   learningRate: 0.001     # &gt; 0
 *   seeds: [1]              # one encoder per seed, trained in parallel; the first feeds the index
 *   parallelism: 0          # tasks run at once, 1..1024; 0 (default) = seeds + 1 (every encoder
 *                           #   and the anomaly task together); 1 = one task at a time
 *   metric: l2              # the index's distance: l2 or cosine
 *   device: cpu             # where the encoders train: cpu (deterministic) or gpu
 *   anomaly:                # optional
 *     trees: 100            #   &gt;= 1
 *     quantile: 0.01        #   share of firm-years flagged, in [0, 1]
 *     seed: 1
 *   output:                 # required
 *     directory: out        #   required; the output is DIRECTORY/NAME/VERSION
 *     name: firms           #   required; letters, digits, . _ + -
 *     version: "1"          #   default "1"
 * </pre>
 *
 * <p>Every problem is a {@link ConfigException} naming the file, the line and the dotted YAML path
 * ({@code embed.anomaly.trees}); types are strict. Stateless and thread-safe.
 */
public final class EmbedConfigReader {
  /** The top-level key that marks an embedding configuration. */
  public static final String SECTION = "embed";

  private EmbedConfigReader() {}

  /**
   * Whether the file is an embedding configuration: YAML whose top level is a mapping with the key
   * {@value #SECTION}. A file that cannot be read or parsed is not.
   */
  public static boolean isEmbedConfig(Path file) {
    return YamlDocument.hasTopLevelKey(file, SECTION);
  }

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException if the file cannot be read or breaks a rule of the class doc
   */
  public static EmbedConfig read(Path file) {
    return parse(YamlDocument.readText(file), file);
  }

  /**
   * Validates configuration text as if read from {@code file} (named in messages; relative paths
   * resolve against its folder).
   *
   * @throws ConfigException if the text breaks a rule of the class doc
   */
  public static EmbedConfig parse(String text, Path file) {
    YamlDocument doc = YamlDocument.parse(text, file);
    if (doc.isEmpty() || !doc.root().isObject()) {
      throw ConfigException.at(doc.name(), 1, null, "expected a mapping with the key 'embed'");
    }
    YamlMapping top = doc.top("a mapping with the key 'embed'");
    top.allow(SECTION);
    YamlMapping e = top.obj(SECTION, true);
    e.allow(
        "panel",
        "window",
        "dim",
        "hidden",
        "steps",
        "batchSize",
        "learningRate",
        "seeds",
        "parallelism",
        "metric",
        "anomaly",
        "device",
        "output");
    Path panel = e.existingFile("panel");
    int window = e.integer("window", 5, 1, 1_000);
    int dim = e.integer("dim", 16, 1, 100_000);
    int hidden = e.integer("hidden", 64, 1, 100_000);
    int steps = e.integer("steps", 2_000, 1, Integer.MAX_VALUE);
    int batch = e.integer("batchSize", 256, 1, Integer.MAX_VALUE);
    double lr = e.number("learningRate", 1e-3, 0, true);
    List<Long> seeds = new ArrayList<>();
    if (e.has("seeds")) {
      JsonNode list = e.list("seeds", false);
      for (int i = 0; i < list.size(); i++) {
        JsonNode v = list.get(i);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
          throw e.failElement("seeds", i, "expected an integer, found " + v);
        }
        if (seeds.contains(v.longValue())) {
          throw e.failElement("seeds", i, v + " is listed twice");
        }
        seeds.add(v.longValue());
      }
    } else {
      seeds.add(1L);
    }
    int parallelism = e.integer("parallelism", 0, 0, 1_024);
    if (parallelism == 0) {
      parallelism = Math.min(seeds.size() + 1, 1_024);
    }
    Metric metric = Metric.L2;
    if (e.has("metric")) {
      String m = e.choice("metric", "l2", List.of("l2", "cosine"));
      metric = m.equals("cosine") ? Metric.COSINE : Metric.L2;
    }
    String device = e.has("device") ? e.choice("device", "cpu", List.of("cpu", "gpu")) : "cpu";
    EmbedConfig.Anomaly anomaly = EmbedConfig.Anomaly.DEFAULTS;
    YamlMapping a = e.obj("anomaly", false);
    if (a != null) {
      a.allow("trees", "quantile", "seed");
      EmbedConfig.Anomaly d = EmbedConfig.Anomaly.DEFAULTS;
      anomaly =
          new EmbedConfig.Anomaly(
              a.integer("trees", d.trees(), 1, 100_000),
              a.share("quantile", d.quantile(), true),
              a.longInteger("seed", d.seed()));
    }
    YamlMapping o = e.obj("output", true);
    o.allow("directory", "name", "version");
    EmbedConfig.Output output =
        new EmbedConfig.Output(
            o.path("directory"), o.artifactName("name", null), o.artifactName("version", "1"));
    return new EmbedConfig(
        doc.file(),
        panel,
        window,
        dim,
        hidden,
        steps,
        batch,
        lr,
        seeds,
        parallelism,
        metric,
        anomaly,
        output,
        device);
  }
}
