package io.firmsim.trainer.embed.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.Hashing;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;

/**
 * Approximate nearest neighbours of firm embeddings: an HNSW graph (Malkov and Yashunin 2018) over
 * the rows of an {@link EmbeddingTable}, queried by a vector or by a firm.
 *
 * <h2>Why Apache Lucene</h2>
 *
 * The graph is Apache Lucene's ({@code lucene-core} 9.12, Apache 2, the newest line for Java 17),
 * used through its public indexing API ({@link KnnFloatVectorField}, {@link KnnFloatVectorQuery})
 * rather than hnswlib for Java ({@code com.github.jelmerk:hnswlib-core} 1.2.1, also Apache 2):
 * Lucene's build takes a seed (hnswlib draws node levels from {@code ThreadLocalRandom}, so its
 * graph differs run to run), its files carry codec versions and CRC32 footers (hnswlib saves by
 * Java serialization), vectors live in flat arrays or memory-mapped files rather than one object
 * per item, and it is maintained by the Apache Software Foundation with releases every few months
 * (hnswlib by one person, on eclipse-collections 9.2 from 2018). The comparison is in {@code
 * docs/EMBEDDINGS.md}, section Index.
 *
 * <h2>Distances</h2>
 *
 * {@link Metric#L2} searches Lucene's Euclidean similarity; {@link Metric#COSINE} normalises the
 * vectors and searches Lucene's dot product (equal to the cosine on unit vectors, and cheaper). The
 * graph returns {@code max(k, efSearch)} candidates; their distances are then recomputed in double
 * precision from the table, exactly as {@link ExactSearch} computes them, and the k nearest are
 * returned, ties by row.
 *
 * <h2>Determinism</h2>
 *
 * The build adds rows in order from one thread into one segment, and Lucene draws each node's layer
 * from a {@code SplittableRandom} seeded with {@link IndexParameters#seed()}: the same table and
 * parameters give the same graph and so the same answers. Lucene reads that seed from a
 * process-wide static ({@code HnswGraphBuilder.randSeed}); builds here set and restore it under a
 * lock, but another Lucene HNSW build in the same process at the same time (none in firmsim) could
 * see it. Not deterministic: Lucene's segment and file identifiers (random), so two builds' files
 * differ in bytes although their graphs are the same.
 *
 * <h2>Files</h2>
 *
 * {@link #save(Path)} writes a directory in format {@value #FORMAT} version {@value #VERSION}:
 * {@code index.json} (format, version, counts, dimension, metric, parameters, library and the
 * SHA-256 of every other file), {@code table.bin} (firm ids, end years and embeddings as given) and
 * {@code lucene/} (the Lucene index). {@link #load(Path)} refuses, naming the file, an unknown
 * format or version, a missing, extra or changed file, and counts that do not match.
 *
 * <p>Queries are thread-safe; {@link #close()} releases the Lucene reader (and the memory-mapped
 * files of a loaded index) and must not run during queries.
 */
public final class EmbeddingIndex implements Closeable {
  /** The format name in {@code index.json}. */
  public static final String FORMAT = "firmsim-embedding-index";

  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  static final String MANIFEST = "index.json";
  static final String TABLE = "table.bin";
  static final String LUCENE = "lucene";

  private static final String VECTOR_FIELD = "vector";
  private static final String ROW_FIELD = "row";
  private static final String TABLE_MAGIC = "firmsim-embedding-table";
  private static final Object SEED_LOCK = new Object();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final EmbeddingTable table;
  private final IndexParameters parameters;
  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final int[] docToRow;

  private EmbeddingIndex(
      EmbeddingTable table, IndexParameters parameters, Directory directory, DirectoryReader reader)
      throws IOException {
    this.table = table;
    this.parameters = parameters;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.searcher.setQueryCache(null);
    this.docToRow = docToRow(reader, table.rows());
  }

  /**
   * Builds the graph over every row of the table, in memory, from the calling thread.
   *
   * @throws BadInputException for the cosine metric with a zero row
   */
  public static EmbeddingIndex build(EmbeddingTable table, IndexParameters parameters) {
    if (table == null || parameters == null) {
      throw new IllegalArgumentException("table and parameters are required");
    }
    Queries.checkRows(table, parameters.metric());
    Directory directory = new ByteBuffersDirectory();
    try {
      IndexWriterConfig config = new IndexWriterConfig();
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      config.setCodec(codec(parameters));
      // One segment where it fits (no flush before commit, no merges): one graph per index.
      config.setRAMBufferSizeMB(1900);
      config.setMergePolicy(NoMergePolicy.INSTANCE);
      config.setUseCompoundFile(false);
      VectorSimilarityFunction similarity = similarity(parameters.metric());
      int d = table.dimension();
      float[] values = table.values();
      synchronized (SEED_LOCK) {
        long previous = HnswGraphBuilder.randSeed;
        HnswGraphBuilder.randSeed = parameters.seed();
        try (IndexWriter writer = new IndexWriter(directory, config)) {
          for (int r = 0; r < table.rows(); r++) {
            float[] v = new float[d];
            System.arraycopy(values, r * d, v, 0, d);
            Document doc = new Document();
            doc.add(new KnnFloatVectorField(VECTOR_FIELD, luceneVector(v, parameters), similarity));
            doc.add(new NumericDocValuesField(ROW_FIELD, r));
            writer.addDocument(doc);
          }
          writer.commit();
        } finally {
          HnswGraphBuilder.randSeed = previous;
        }
      }
      return new EmbeddingIndex(table, parameters, directory, DirectoryReader.open(directory));
    } catch (IOException e) {
      closeQuietly(directory, e);
      throw new UncheckedIOException("building the HNSW index failed", e);
    }
  }

  /** The indexed table. */
  public EmbeddingTable table() {
    return table;
  }

  /** The parameters the index was built with. */
  public IndexParameters parameters() {
    return parameters;
  }

  /**
   * The k rows nearest to a vector, nearest first, searching with the index's {@code efSearch}.
   *
   * @throws BadInputException when k is below 1 or the vector's length is not the dimension (or it
   *     is not finite, or zero for cosine)
   */
  public List<Neighbour> query(float[] vector, int k) {
    return query(vector, k, parameters.efSearch());
  }

  /** As {@link #query(float[], int)} with another {@code efSearch} (at least 1). */
  public List<Neighbour> query(float[] vector, int k, int efSearch) {
    Queries.checkK(k);
    checkEfSearch(efSearch);
    Queries.checkVector(vector, table.dimension(), parameters.metric());
    return search(vector.clone(), k, efSearch, Long.MIN_VALUE, false);
  }

  /**
   * The k rows nearest to the firm's latest embedding (its row with the latest end year), leaving
   * out every row of that firm.
   *
   * @throws BadInputException when k is below 1 or the firm has no row
   */
  public List<Neighbour> query(long firmId, int k) {
    return query(firmId, k, parameters.efSearch());
  }

  /** As {@link #query(long, int)} with another {@code efSearch} (at least 1). */
  public List<Neighbour> query(long firmId, int k, int efSearch) {
    Queries.checkK(k);
    checkEfSearch(efSearch);
    int row = table.latestRow(firmId);
    return search(table.vector(row), k, efSearch, firmId, true);
  }

  private List<Neighbour> search(
      float[] vector, int k, int efSearch, long excludedFirm, boolean exclude) {
    int skipped = exclude ? table.rowCount(excludedFirm) : 0;
    int wanted = (int) Math.min((long) Math.max(k, efSearch) + skipped, table.rows());
    TopDocs hits;
    try {
      hits =
          searcher.search(
              new KnnFloatVectorQuery(VECTOR_FIELD, luceneVector(vector, parameters), wanted),
              wanted);
    } catch (IOException e) {
      throw new UncheckedIOException("searching the HNSW index failed", e);
    }
    int d = table.dimension();
    float[] values = table.values();
    Queries.TopK top = new Queries.TopK(k);
    for (ScoreDoc hit : hits.scoreDocs) {
      int r = docToRow[hit.doc];
      long firm = table.firmId(r);
      if (exclude && firm == excludedFirm) {
        continue;
      }
      double dist = parameters.metric().distance(vector, 0, values, r * d, d);
      top.offer(new Neighbour(r, firm, table.endYear(r), dist));
    }
    return top.nearestFirst();
  }

  /**
   * Writes the index to a new or empty directory.
   *
   * @throws BadInputException when the directory exists and is not empty
   * @throws UncheckedIOException when writing fails
   */
  public void save(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> entries = Files.list(dir)) {
          if (entries.findAny().isPresent()) {
            throw BadInputException.at(
                dir, -1, null, "exists and is not empty: an index is saved to a new directory");
          }
        }
      }
      Path luceneDir = dir.resolve(LUCENE);
      Files.createDirectories(luceneDir);
      try (FSDirectory out = FSDirectory.open(luceneDir)) {
        for (String file : directory.listAll()) {
          if (!file.equals(IndexWriter.WRITE_LOCK_NAME)) {
            out.copyFrom(directory, file, file, IOContext.DEFAULT);
          }
        }
      }
      writeTable(dir.resolve(TABLE));
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("format", FORMAT);
      manifest.put("version", VERSION);
      manifest.put("rows", table.rows());
      manifest.put("firms", firmCount());
      manifest.put("dimension", table.dimension());
      manifest.put("metric", parameters.metric().name());
      ObjectNode p = manifest.putObject("parameters");
      p.put("m", parameters.m());
      p.put("efConstruction", parameters.efConstruction());
      p.put("efSearch", parameters.efSearch());
      p.put("seed", parameters.seed());
      manifest.put("library", "Apache Lucene " + Version.LATEST);
      ObjectNode files = manifest.putObject("sha256");
      for (Map.Entry<String, Path> e : dataFiles(dir).entrySet()) {
        files.put(e.getKey(), Hashing.sha256(e.getValue()));
      }
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("saving the index to " + dir + " failed", e);
    }
  }

  /**
   * Reads an index written by {@link #save(Path)}; its Lucene files are memory-mapped.
   *
   * @throws BadInputException naming the file when the format or version is unknown, a file is
   *     missing, extra, changed or damaged, or the counts do not match the manifest
   */
  public static EmbeddingIndex load(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw BadInputException.at(
          manifestFile, -1, null, "missing: " + dir + " is not a saved " + FORMAT);
    }
    JsonNode manifest;
    try {
      manifest = JSON.readTree(manifestFile.toFile());
    } catch (IOException e) {
      throw BadInputException.at(manifestFile, -1, null, "not valid JSON: " + e.getMessage(), e);
    }
    if (manifest == null || !manifest.isObject()) {
      throw BadInputException.at(manifestFile, -1, null, "not a JSON object");
    }
    String format = manifest.path("format").asText("");
    if (!FORMAT.equals(format)) {
      throw BadInputException.at(
          manifestFile, -1, "format", "'" + format + "' is not the format " + FORMAT);
    }
    JsonNode version = manifest.path("version");
    if (!version.isInt() || version.intValue() != VERSION) {
      throw BadInputException.at(
          manifestFile,
          -1,
          "version",
          version + " is not a version this build reads (" + VERSION + ")");
    }
    int rows = positiveInt(manifest, "rows", manifestFile);
    int dimension = positiveInt(manifest, "dimension", manifestFile);
    Metric metric;
    try {
      metric = Metric.valueOf(manifest.path("metric").asText(""));
    } catch (IllegalArgumentException e) {
      throw BadInputException.at(
          manifestFile, -1, "metric", manifest.path("metric") + " is not L2 or COSINE");
    }
    JsonNode p = manifest.path("parameters");
    IndexParameters parameters;
    try {
      parameters =
          IndexParameters.builder()
              .setMetric(metric)
              .optM(positiveInt(p, "m", manifestFile))
              .optEfConstruction(positiveInt(p, "efConstruction", manifestFile))
              .optEfSearch(positiveInt(p, "efSearch", manifestFile))
              .optSeed(longField(p, "seed", manifestFile))
              .build();
    } catch (IllegalArgumentException e) {
      throw BadInputException.at(manifestFile, -1, "parameters", e.getMessage(), e);
    }
    verifyFiles(dir, manifest.path("sha256"), manifestFile);
    EmbeddingTable table = readTable(dir.resolve(TABLE), rows, dimension);
    Path luceneDir = dir.resolve(LUCENE);
    Directory directory = null;
    try {
      directory = new MMapDirectory(luceneDir);
      DirectoryReader reader = DirectoryReader.open(directory);
      checkLucene(reader, luceneDir, rows, dimension, metric);
      return new EmbeddingIndex(table, parameters, directory, reader);
    } catch (IOException | RuntimeException e) {
      closeQuietly(directory, e);
      if (e instanceof BadInputException bad) {
        throw bad;
      }
      throw BadInputException.at(
          luceneDir, -1, null, "not a readable Lucene index: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      directory.close();
    }
  }

  private int firmCount() {
    long[] ids = table.firmIdArray().clone();
    java.util.Arrays.sort(ids);
    int n = ids.length == 0 ? 0 : 1;
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] != ids[i - 1]) {
        n++;
      }
    }
    return n;
  }

  private static void checkEfSearch(int efSearch) {
    if (efSearch < 1) {
      throw new BadInputException("efSearch must be at least 1, found " + efSearch);
    }
  }

  private static Lucene912Codec codec(IndexParameters parameters) {
    KnnVectorsFormat format =
        new Lucene99HnswVectorsFormat(parameters.m(), parameters.efConstruction());
    return new Lucene912Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
  }

  private static VectorSimilarityFunction similarity(Metric metric) {
    return metric == Metric.COSINE
        ? VectorSimilarityFunction.DOT_PRODUCT
        : VectorSimilarityFunction.EUCLIDEAN;
  }

  /** The vector as Lucene sees it: unit length for cosine. */
  private static float[] luceneVector(float[] v, IndexParameters parameters) {
    if (parameters.metric() != Metric.COSINE) {
      return v;
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    float[] unit = new float[v.length];
    for (int j = 0; j < v.length; j++) {
      unit[j] = (float) (v[j] / norm);
    }
    return unit;
  }

  private static int[] docToRow(DirectoryReader reader, int rows) throws IOException {
    if (reader.maxDoc() != rows) {
      throw new IOException("the Lucene index has " + reader.maxDoc() + " documents, not " + rows);
    }
    int[] map = new int[rows];
    java.util.Arrays.fill(map, -1);
    boolean[] seen = new boolean[rows];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues dv = leaf.reader().getNumericDocValues(ROW_FIELD);
      if (dv == null) {
        throw new IOException("a Lucene segment has no row numbers");
      }
      for (int doc = dv.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = dv.nextDoc()) {
        long r = dv.longValue();
        if (r < 0 || r >= rows || seen[(int) r]) {
          throw new IOException("the Lucene index's row numbers are not 0.." + (rows - 1));
        }
        seen[(int) r] = true;
        map[leaf.docBase + doc] = (int) r;
      }
    }
    for (int m : map) {
      if (m < 0) {
        throw new IOException("a Lucene document has no row number");
      }
    }
    return map;
  }

  private static void checkLucene(
      DirectoryReader reader, Path luceneDir, int rows, int dimension, Metric metric) {
    if (reader.numDocs() != rows) {
      throw BadInputException.at(
          luceneDir, -1, null, "holds " + reader.numDocs() + " vectors, the manifest " + rows);
    }
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(VECTOR_FIELD);
      if (info == null
          || info.getVectorDimension() != dimension
          || info.getVectorSimilarityFunction() != similarity(metric)) {
        throw BadInputException.at(
            luceneDir,
            -1,
            null,
            "its vectors are not of dimension " + dimension + " with the " + metric + " metric");
      }
    }
  }

  /** The files the manifest covers, by path relative to the index directory ('/'-separated). */
  private static Map<String, Path> dataFiles(Path dir) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    files.put(TABLE, dir.resolve(TABLE));
    Path luceneDir = dir.resolve(LUCENE);
    if (Files.isDirectory(luceneDir)) {
      try (Stream<Path> entries = Files.list(luceneDir)) {
        for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
          Path f = it.next();
          files.put(LUCENE + "/" + f.getFileName(), f);
        }
      }
    }
    return files;
  }

  private static void verifyFiles(Path dir, JsonNode sums, Path manifestFile) {
    if (!sums.isObject() || sums.isEmpty()) {
      throw BadInputException.at(manifestFile, -1, "sha256", "missing: no file checksums");
    }
    Map<String, Path> present;
    try {
      present = dataFiles(dir);
    } catch (IOException e) {
      throw BadInputException.at(dir, -1, null, "cannot be listed: " + e.getMessage(), e);
    }
    for (String name : present.keySet()) {
      if (!sums.has(name)) {
        throw BadInputException.at(
            present.get(name), -1, null, "is not in the manifest " + MANIFEST + ": refused");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = sums.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path file = present.get(e.getKey());
      if (file == null || !Files.isRegularFile(file)) {
        throw BadInputException.at(
            dir.resolve(e.getKey()), -1, null, "missing (listed in " + MANIFEST + ")");
      }
      String actual;
      try {
        actual = Hashing.sha256(file);
      } catch (IOException ex) {
        throw BadInputException.at(file, -1, null, "cannot be read: " + ex.getMessage(), ex);
      }
      if (!actual.equals(e.getValue().asText())) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "damaged or changed: its SHA-256 is "
                + actual
                + ", the manifest says "
                + e.getValue().asText());
      }
    }
  }

  private static long longField(JsonNode node, String field, Path file) {
    JsonNode v = node.path(field);
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw BadInputException.at(file, -1, field, v + " is not an integer");
    }
    return v.longValue();
  }

  private static int positiveInt(JsonNode node, String field, Path file) {
    JsonNode v = node.path(field);
    if (!v.isInt() || v.intValue() < 1) {
      throw BadInputException.at(file, -1, field, v + " is not a positive integer");
    }
    return v.intValue();
  }

  private void writeTable(Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeUTF(TABLE_MAGIC);
      out.writeInt(VERSION);
      out.writeInt(table.rows());
      out.writeInt(table.dimension());
      float[] values = table.values();
      int d = table.dimension();
      for (int r = 0; r < table.rows(); r++) {
        out.writeLong(table.firmId(r));
        out.writeInt(table.endYear(r));
        for (int j = 0; j < d; j++) {
          out.writeFloat(values[r * d + j]);
        }
      }
    }
  }

  private static EmbeddingTable readTable(Path file, int rows, int dimension) {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      String magic = in.readUTF();
      int version = in.readInt();
      if (!TABLE_MAGIC.equals(magic) || version != VERSION) {
        throw BadInputException.at(
            file, -1, null, "not a " + TABLE_MAGIC + " version " + VERSION + " file");
      }
      int n = in.readInt();
      int d = in.readInt();
      if (n != rows || d != dimension) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "holds "
                + n
                + " rows of dimension "
                + d
                + ", the manifest "
                + rows
                + " of dimension "
                + dimension);
      }
      long[] firms = new long[n];
      int[] years = new int[n];
      float[] values = new float[Math.multiplyExact(n, d)];
      for (int r = 0; r < n; r++) {
        firms[r] = in.readLong();
        years[r] = in.readInt();
        for (int j = 0; j < d; j++) {
          values[r * d + j] = in.readFloat();
        }
      }
      if (in.read() != -1) {
        throw BadInputException.at(file, -1, null, "has bytes after its last row");
      }
      return EmbeddingTable.ofFlat(values, d, firms, years);
    } catch (EOFException e) {
      throw BadInputException.at(file, -1, null, "ends before its last row", e);
    } catch (IOException e) {
      throw BadInputException.at(file, -1, null, "cannot be read: " + e.getMessage(), e);
    } catch (BadInputException e) {
      if (e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw BadInputException.at(file, -1, null, e.getMessage(), e);
    }
  }

  private static void closeQuietly(Closeable c, Exception primary) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
