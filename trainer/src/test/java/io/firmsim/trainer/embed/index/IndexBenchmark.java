package io.firmsim.trainer.embed.index;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Benchmark of {@link EmbeddingIndex} against {@link ExactSearch} (not a unit test): clustered
 * synthetic embeddings (a Gaussian mixture, {@link SyntheticEmbeddings#clustered}), recall@10 of
 * held-out queries, single-thread query latency, build time, heap and size on disk. Run by {@code
 * tools/bench-index.sh}; arguments: {@code ROWS DIM CLUSTERS QUERIES M EF_CONSTRUCTION
 * EF_SEARCH[,EF_SEARCH...] METRIC OUT_DIR}.
 */
public final class IndexBenchmark {
  private IndexBenchmark() {}

  public static void main(String[] args) throws IOException {
    int n = arg(args, 0, 1_000_000);
    int d = arg(args, 1, 32);
    int clusters = arg(args, 2, 1000);
    int queries = arg(args, 3, 1000);
    int m = arg(args, 4, 16);
    int efConstruction = arg(args, 5, 100);
    int[] efSearches =
        Arrays.stream((args.length > 6 ? args[6] : "50,100,200").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Metric metric = Metric.valueOf(args.length > 7 ? args[7] : "L2");
    Path out = Path.of(args.length > 8 ? args[8] : "target/bench-index");
    int k = 10;
    double spread = 0.5;

    System.out.printf(
        Locale.ROOT,
        "data: %d clustered embeddings, d=%d, %d clusters, spread %.2f; %d held-out queries;"
            + " %s, M=%d, efConstruction=%d; java %s, %d cpus, max heap %d MiB%n",
        n,
        d,
        clusters,
        spread,
        queries,
        metric,
        m,
        efConstruction,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    float[][] all = SyntheticEmbeddings.clustered(n + 2 * queries, d, clusters, spread, 20261203L);
    EmbeddingTable table = SyntheticEmbeddings.table(Arrays.copyOf(all, n));
    float[][] warm = Arrays.copyOfRange(all, n, n + queries);
    float[][] test = Arrays.copyOfRange(all, n + queries, n + 2 * queries);
    all = null;
    warm = warm.clone();
    long heapTable = usedHeap();

    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long t0 = System.nanoTime();
    IndexParameters p =
        IndexParameters.builder()
            .setMetric(metric)
            .optM(m)
            .optEfConstruction(efConstruction)
            .build();
    EmbeddingIndex index = EmbeddingIndex.build(table, p);
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    long peak =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .mapToLong(pool -> pool.getPeakUsage().getUsed())
            .sum();
    long heapBuilt = usedHeap();
    System.out.printf(
        Locale.ROOT,
        "build: %.1f s (one thread); heap: table (and queries) %d MiB, table + in-memory index %d"
            + " MiB, peak during build at most %d MiB (sum of the heap pools' peaks)%n",
        buildSeconds,
        heapTable >> 20,
        heapBuilt >> 20,
        peak >> 20);

    long t1 = System.nanoTime();
    ExactSearch exact = new ExactSearch(table, metric);
    List<Set<Integer>> truth =
        IntStream.range(0, test.length)
            .parallel()
            .mapToObj(q -> rows(exact.query(test[q], k)))
            .toList();
    System.out.printf(
        Locale.ROOT,
        "exact search: %.1f s for %d queries (all cpus)%n",
        (System.nanoTime() - t1) / 1e9,
        test.length);

    Path dir = out.resolve("index");
    deleteRecursively(dir);
    long t2 = System.nanoTime();
    index.save(dir);
    double saveSeconds = (System.nanoTime() - t2) / 1e9;
    index.close();
    index = null;
    long t3 = System.nanoTime();
    EmbeddingIndex loaded = EmbeddingIndex.load(dir);
    double loadSeconds = (System.nanoTime() - t3) / 1e9;
    long heapLoaded = usedHeap();
    System.out.printf(
        Locale.ROOT,
        "disk: lucene/ %d MiB, table.bin %d MiB; save %.1f s, load (with SHA-256 check) %.1f s;"
            + " heap after load (table + memory-mapped index) %d MiB%n",
        size(dir.resolve("lucene")) >> 20,
        Files.size(dir.resolve("table.bin")) >> 20,
        saveSeconds,
        loadSeconds,
        heapLoaded >> 20);

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int ef : efSearches) {
      for (float[] q : warm) {
        loaded.query(q, k, ef);
      }
      long[] nanos = new long[test.length];
      long[] cpu = new long[test.length];
      int found = 0;
      for (int q = 0; q < test.length; q++) {
        long c = threads.getCurrentThreadCpuTime();
        long s = System.nanoTime();
        List<Neighbour> got = loaded.query(test[q], k, ef);
        nanos[q] = System.nanoTime() - s;
        cpu[q] = threads.getCurrentThreadCpuTime() - c;
        for (Neighbour nb : got) {
          found += truth.get(q).contains(nb.row()) ? 1 : 0;
        }
      }
      Arrays.sort(nanos);
      Arrays.sort(cpu);
      int p99 = (int) Math.ceil(0.99 * nanos.length) - 1;
      System.out.printf(
          Locale.ROOT,
          "efSearch %d: recall@%d %.4f; wall latency p50 %.3f ms, p99 %.3f ms, max %.3f ms;"
              + " thread cpu time p50 %.3f ms, p99 %.3f ms%n",
          ef,
          k,
          found / (double) (k * test.length),
          nanos[nanos.length / 2] / 1e6,
          nanos[p99] / 1e6,
          nanos[nanos.length - 1] / 1e6,
          cpu[cpu.length / 2] / 1e6,
          cpu[p99] / 1e6);
    }
    loaded.close();
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  private static Set<Integer> rows(List<Neighbour> neighbours) {
    Set<Integer> rows = new HashSet<>();
    neighbours.forEach(nb -> rows.add(nb.row()));
    return rows;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(f);
      }
    }
  }
}
