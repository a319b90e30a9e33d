package io.firmsim.trainer.embed.train;

import ai.djl.Model;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifactWriter;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeatures;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The encoder benchmark of {@code docs/EMBEDDINGS.md} (a documented command, not a test): trains
 * the trajectory autoencoder on every k-year window of a panel CSV, reports the training time and
 * the reconstruction loss, writes the embedding artifact, and measures how the embeddings of each
 * firm's last window group firms: for each characteristic (Public, largcity, size decile of total
 * assets in the window's last year) the mean Euclidean distance between firms sharing its value
 * divided by the mean distance between random pairs of firms (below 1: the embedding puts such
 * firms nearer to each other). The same ratios on the standardised input windows themselves
 * (flattened) are printed as a baseline.
 *
 * <pre>
 * java -cp trainer/target/trainer.jar io.firmsim.trainer.embed.train.EncoderBenchmark \
 *     PANEL.csv OUT_DIR [steps=3000] [window=5] [embedding=16] [hidden=64] [batch=256] [seed=1]
 * </pre>
 *
 * <p>Pairs: 200,000 random pairs of distinct firms, and for each characteristic 200,000 pairs whose
 * first firm is uniform and second uniform among the other firms with the same value; seeded.
 */
public final class EncoderBenchmark {
  private static final int PAIRS = 200_000;

  private EncoderBenchmark() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: EncoderBenchmark PANEL.csv OUT_DIR [steps] [window] [embedding] [hidden] [batch]"
              + " [seed]");
      System.exit(2);
    }
    Path csv = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int steps = arg(args, 2, 3000);
    int window = arg(args, 3, 5);
    int embedding = arg(args, 4, 16);
    int hidden = arg(args, 5, 64);
    int batch = arg(args, 6, 256);
    long seed = arg(args, 7, 1);

    long t0 = System.nanoTime();
    Panel panel = PanelCsvReader.read(csv);
    String sha = Hashing.sha256(csv);
    double[][] features = FirmFeatures.compute(panel);
    FeatureScaling scaling = FeatureScaling.fit(features);
    FirmWindows train =
        FirmWindows.of(panel, features, csv.toString(), window, scaling, FirmWindows.Selection.ALL);
    FirmWindows latest =
        FirmWindows.of(
            panel, features, csv.toString(), window, scaling, FirmWindows.Selection.LATEST);
    double prepare = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "panel %s: %d rows, %d training windows of %d years, %d firms; read + features %.1f s%n",
        csv,
        panel.rows(),
        train.size(),
        window,
        latest.size(),
        prepare);

    EmbeddingSettings settings =
        EmbeddingSettings.builder()
            .optWindow(window)
            .optEmbedding(embedding)
            .optHidden(hidden)
            .optSteps(steps)
            .optBatchSize(batch)
            .optSeed(seed)
            .build();
    EmbeddingTrainer trainer = new EmbeddingTrainer(settings);
    try (Model model = trainer.newModel()) {
      EmbeddingTrainingResult r = trainer.train(model, train);
      TrajectoryAutoencoder ae = (TrajectoryAutoencoder) model.getBlock();
      List<Double> c = r.curve();
      System.out.printf(
          Locale.ROOT,
          "training: %d steps of %d in %.1f s (%.1f steps/s); reconstruction loss (MSE over all"
              + " windows) %.4f -> %.4f; last 100 batch losses mean %.4f%n",
          steps,
          batch,
          r.seconds(),
          steps / r.seconds(),
          r.initialLoss(),
          r.finalLoss(),
          c.subList(Math.max(0, c.size() - 100), c.size()).stream()
              .mapToDouble(Double::doubleValue)
              .average()
              .orElse(Double.NaN));
      EmbeddingArtifactWriter.write(
          out,
          true,
          new EmbeddingArtifactWriter.Contents(
              "firm-trajectories",
              "bench",
              ae,
              scaling,
              EmbeddingArtifactWriter.provenance(
                  csv.toString(),
                  sha,
                  panel.rows(),
                  train.size(),
                  settings,
                  r,
                  BuildInfo.current().codeVersion())));
      System.out.println("artifact: " + out);

      float[][] emb = EmbeddingTrainer.embed(ae.encoder(), latest);
      float[][] raw = new float[latest.size()][];
      int stride = latest.length() * latest.features();
      float[] flat = latest.flat();
      for (int i = 0; i < raw.length; i++) {
        raw[i] = Arrays.copyOfRange(flat, i * stride, (i + 1) * stride);
      }
      Map<String, int[]> groups = characteristics(panel, latest);
      SplittableRandom random = new SplittableRandom(seed);
      double embRandom = randomPairs(emb, random.split());
      double rawRandom = randomPairs(raw, random.split());
      System.out.printf(
          Locale.ROOT,
          "grouping (mean distance of firms sharing the value / random pairs; %d firms)%n",
          emb.length);
      for (Map.Entry<String, int[]> g : groups.entrySet()) {
        double e = samePairs(emb, g.getValue(), random.split()) / embRandom;
        double x = samePairs(raw, g.getValue(), random.split()) / rawRandom;
        System.out.printf(
            Locale.ROOT, "  %-12s embedding %.3f   input windows %.3f%n", g.getKey(), e, x);
      }
    }
  }

  private static int arg(String[] args, int i, int otherwise) {
    return args.length > i ? Integer.parseInt(args[i]) : otherwise;
  }

  /** Public, largcity and the size decile of each window's firm, in its last year. */
  private static Map<String, int[]> characteristics(Panel panel, FirmWindows w) {
    Map<Long, Integer> row = new HashMap<>();
    for (int r = 0; r < panel.rows(); r++) {
      row.put(panel.firmId(r) * 100_000L + panel.year(r), r);
    }
    int n = w.size();
    int[] pub = new int[n];
    int[] city = new int[n];
    double[] size = new double[n];
    for (int i = 0; i < n; i++) {
      int r = row.get(w.firmId(i) * 100_000L + w.endYear(i));
      pub[i] = (int) Math.round(panel.state(r, StateVariable.Public));
      city[i] = (int) Math.round(panel.state(r, StateVariable.largcity));
      size[i] =
          panel.state(r, StateVariable.CA)
              + panel.state(r, StateVariable.MA)
              + panel.state(r, StateVariable.BU)
              + panel.state(r, StateVariable.OFA);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(size[a], size[b]));
    int[] decile = new int[n];
    for (int rank = 0; rank < n; rank++) {
      decile[order[rank]] = (int) ((long) rank * 10 / n);
    }
    Map<String, int[]> m = new java.util.LinkedHashMap<>();
    m.put("Public", pub);
    m.put("largcity", city);
    m.put("size decile", decile);
    return m;
  }

  private static double randomPairs(float[][] x, SplittableRandom random) {
    int n = x.length;
    return meanDistance(
        x,
        random,
        i -> {
          int j = random.nextInt(n - 1);
          return j >= i ? j + 1 : j;
        });
  }

  private static double samePairs(float[][] x, int[] group, SplittableRandom random) {
    Map<Integer, List<Integer>> members = new HashMap<>();
    for (int i = 0; i < group.length; i++) {
      members.computeIfAbsent(group[i], g -> new ArrayList<>()).add(i);
    }
    return meanDistance(
        x,
        random,
        i -> {
          List<Integer> same = members.get(group[i]);
          if (same.size() < 2) {
            return -1;
          }
          int j;
          do {
            j = same.get(random.nextInt(same.size()));
          } while (j == i);
          return j;
        });
  }

  private static double meanDistance(float[][] x, SplittableRandom random, IntUnaryOperator pick) {
    double sum = 0;
    int count = 0;
    for (int p = 0; p < PAIRS; p++) {
      int i = random.nextInt(x.length);
      int j = pick.applyAsInt(i);
      if (j < 0) {
        continue;
      }
      double s = 0;
      for (int k = 0; k < x[i].length; k++) {
        double d = x[i][k] - x[j][k];
        s += d * d;
      }
      sum += Math.sqrt(s);
      count++;
    }
    return sum / count;
  }
}
