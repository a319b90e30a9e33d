// Lucene (through io.firmsim.trainer.embed.index.EmbeddingIndex) against hnswlib for Java on the
// same clustered synthetic embeddings: build time, heap, saved size, recall@10, query cpu time.
// One thread each, M=16, efConstruction=EFC, ef=100. Run by tools/index-compare/run.sh; hnswlib is
// not a firmsim dependency (the script fetches it into the local Maven repository).
import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.EmbeddingTable;
import io.firmsim.trainer.embed.index.ExactSearch;
import io.firmsim.trainer.embed.index.IndexParameters;
import io.firmsim.trainer.embed.index.Metric;
import io.firmsim.trainer.embed.index.Neighbour;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

public class CompareHnswLibraries {
  record Row(Integer id, float[] vector) implements Item<Integer, float[]> {
    public int dimensions() {
      return vector.length;
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int d = Integer.parseInt(args[1]);
    int efc = Integer.parseInt(args[2]);
    int queries = 500;
    int k = 10;
    float[][] all = clustered(n + 2 * queries, d, Math.max(1, n / 1000), 0.5, 20261203L);
    float[][] data = Arrays.copyOf(all, n);
    long[] firms = new long[n];
    int[] years = new int[n];
    for (int i = 0; i < n; i++) {
      firms[i] = i;
      years[i] = 2020;
    }
    EmbeddingTable table = EmbeddingTable.of(data, firms, years);
    ExactSearch exact = new ExactSearch(table, Metric.L2);
    List<Set<Integer>> truth =
        IntStream.range(n + queries, n + 2 * queries)
            .parallel()
            .mapToObj(q -> rows(exact.query(all[q], k)))
            .toList();
    System.out.printf("n=%d d=%d M=16 efConstruction=%d ef=100, %d queries%n", n, d, efc, queries);

    long h0 = heap();
    long t0 = System.nanoTime();
    EmbeddingIndex lucene =
        EmbeddingIndex.build(
            table,
            IndexParameters.builder().setMetric(Metric.L2).optM(16).optEfConstruction(efc).build());
    double lb = (System.nanoTime() - t0) / 1e9;
    long lh = heap() - h0;
    Path ld = Files.createTempDirectory("cmp-lucene").resolve("i");
    lucene.save(ld);
    long ls = 0;
    try (var files = Files.walk(ld)) {
      ls = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    report("lucene 9.12.3", lb, lh, ls, (q) -> rowsOf(lucene.query(q, k)), all, n, queries, truth);
    lucene.close();

    h0 = heap();
    t0 = System.nanoTime();
    HnswIndex<Integer, float[], Row, Float> hnsw =
        HnswIndex.newBuilder(d, DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE, n)
            .withM(16)
            .withEfConstruction(efc)
            .withEf(100)
            .build();
    for (int i = 0; i < n; i++) {
      hnsw.add(new Row(i, data[i]));
    }
    double hb = (System.nanoTime() - t0) / 1e9;
    long hh = heap() - h0;
    Path hf = Files.createTempFile("cmp-hnswlib", ".bin");
    hnsw.save(hf.toFile());
    report(
        "hnswlib-core 1.2.1",
        hb,
        hh,
        Files.size(hf),
        (q) -> {
          List<Integer> ids = new ArrayList<>();
          for (SearchResult<Row, Float> r : hnsw.findNearest(q, k)) {
            ids.add(r.item().id());
          }
          return ids;
        },
        all,
        n,
        queries,
        truth);
  }

  interface Search {
    List<Integer> find(float[] q);
  }

  static void report(
      String name,
      double build,
      long heap,
      long disk,
      Search s,
      float[][] all,
      int n,
      int queries,
      List<Set<Integer>> truth) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int q = n; q < n + queries; q++) {
      s.find(all[q]);
    }
    long[] cpu = new long[queries];
    int found = 0;
    for (int i = 0; i < queries; i++) {
      long c = threads.getCurrentThreadCpuTime();
      List<Integer> got = s.find(all[n + queries + i]);
      cpu[i] = threads.getCurrentThreadCpuTime() - c;
      for (int id : got) {
        found += truth.get(i).contains(id) ? 1 : 0;
      }
    }
    Arrays.sort(cpu);
    System.out.printf(
        "%s: build %.1f s, heap +%d MiB, saved %d MiB, recall@10 %.4f, query cpu p50 %.3f ms p99"
            + " %.3f ms%n",
        name,
        build,
        heap >> 20,
        disk >> 20,
        found / (10.0 * queries),
        cpu[queries / 2] / 1e6,
        cpu[(int) Math.ceil(0.99 * queries) - 1] / 1e6);
  }

  static Set<Integer> rows(List<Neighbour> ns) {
    Set<Integer> s = new HashSet<>();
    ns.forEach(x -> s.add(x.row()));
    return s;
  }

  static List<Integer> rowsOf(List<Neighbour> ns) {
    return ns.stream().map(Neighbour::row).toList();
  }

  static long heap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static float[][] clustered(int n, int d, int clusters, double spread, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] centres = new double[clusters][d];
    for (double[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = gaussian(rng);
      }
    }
    float[][] out = new float[n][d];
    for (float[] row : out) {
      double[] c = centres[rng.nextInt(clusters)];
      for (int j = 0; j < d; j++) {
        row[j] = (float) (c[j] + spread * gaussian(rng));
      }
    }
    return out;
  }

  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
