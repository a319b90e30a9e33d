package io.firmsim.serving.simulation;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceException.Reason;
import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.output.CsvPanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firmsim extension {@code POST /v2/models/{artifact}[/versions/{v}]/simulate}: a whole Monte
 * Carlo simulation of a population as a service, with the numbers {@code firmsim simulate} gives
 * for the same population file, years, seed, mode, dtype, first year, burn-in and macro path.
 *
 * <p><b>Request.</b> Either {@code Content-Type: application/json} with an object holding {@code
 * population} (an array of objects: {@code firm_id} and the state columns) or {@code
 * population_csv} (the text of a population file), and the optional settings {@code years} (10),
 * {@code seed} (1), {@code mode} ({@code sample}|{@code mean}), {@code dtype} ({@code
 * float64}|{@code float32}), {@code start_year} (1), {@code burn_in} (0), {@code macro} (an array
 * of {@code {"year","dgnp","realr"}}; zeros without), {@code backend} ({@code djl}|{@code onnx}),
 * {@code panel} (false) and {@code population_year} (for a panel file holding several years); or
 * {@code Content-Type: text/csv} with the population file as the body and the same settings, but
 * the macro path, as query parameters. The population is read by the command's reader, with its
 * rules and messages (see {@link RequestInputs}).
 *
 * <p><b>Response.</b> Without a panel, {@code application/json}: {@code model_name}, {@code
 * model_version}, {@code seed}, {@code mode}, {@code dtype}, {@code backend}, {@code start_year},
 * {@code burn_in}, {@code firms}, {@code firm_years} (firm-years stepped, burn-in included) and
 * {@code years}, one object per reported year with exactly the columns and double values of the
 * command's {@code aggregates.csv} (doubles written as the shortest text that reads back as the
 * same double). With {@code panel=true}: {@code text/csv}, byte for byte the command's {@code
 * --panel csv} file, streamed as the simulation produces it (the first bytes come once a megabyte
 * of text is ready, then continuously).
 *
 * <p><b>Failures</b> answer {@code {"error": "..."}} with the status of an {@link
 * InferenceException.Reason}: 400 for bad input (naming the field, or the row and column of the
 * population) and for a request beyond the {@link SimulationLimits} (naming the limit), also for a
 * population whose simulation breaks the balance identity (the same request fails the same way),
 * 413 for a body beyond {@link SimulationLimits#maxBodyBytes()}, 405 for a method other than POST,
 * 500 for a fault of the engine. Once a panel's first bytes are sent the status cannot change: a
 * failure then aborts the response (no final chunk), so a client never takes a cut panel for a
 * whole one.
 *
 * <p><b>Threads.</b> The simulation runs on the calling thread (the server's request thread, whose
 * pool is bounded, so concurrent simulations are bounded by it too), as one simulator worker, and
 * {@link #handle} returns once the answer is complete. The engine's intra-op threads are the
 * engine's defaults (DJL's PyTorch threads are process-wide and are not changed here).
 *
 * <p><b>Cancellation.</b> When the client goes away (a failed write of the panel, or a failure of
 * the request reported by Jetty) the simulation stops at the next chunk-year, its engine resources
 * and temporary files are released, and the callback fails. The connector's idle timeout counts
 * only while an answer is being written (a client that stops reading a panel is dropped); while the
 * simulator computes, the request is not idle, however long a chunk takes.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class SimulateAction {
  private static final Logger LOG = LoggerFactory.getLogger(SimulateAction.class);

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private static final String JSON_TYPE = "application/json";
  private static final String CSV_TYPE = "text/csv";

  /**
   * Firm-years held in memory by a chunk of a panel, as {@code firmsim simulate} chooses its
   * default chunk size with a panel.
   */
  private static final int PANEL_CHUNK_FIRM_YEARS = 4_000_000;

  private final SimulationLimits limits;
  private final int chunkSize; // 0: the default
  private final LongConsumer stepped; // told each chunk-year's firms, or null

  /**
   * @param limits the largest request served
   */
  public SimulateAction(SimulationLimits limits) {
    this(limits, 0, null);
  }

  /**
   * For tests: a fixed chunk size (0: the default) and a hook told the firms of each chunk-year as
   * it is stepped (null: none).
   */
  SimulateAction(SimulationLimits limits, int chunkSize, LongConsumer stepped) {
    this.limits = Objects.requireNonNull(limits, "limits");
    if (chunkSize < 0) {
      throw new IllegalArgumentException(
          "chunk size must be 0 (default) or more, found " + chunkSize);
    }
    this.chunkSize = chunkSize;
    this.stepped = stepped;
  }

  /** The limits of this action. */
  public SimulationLimits limits() {
    return limits;
  }

  /**
   * Handles one POST .../simulate; always completes the callback (success or a JSON error). Blocks
   * the calling thread until the answer is written (class doc).
   *
   * @param artifactName the model's name, as resolved by the router
   * @param artifactVersion the model's version, as resolved by the router
   * @param artifact the artifact whose model is simulated
   */
  public void handle(
      String artifactName,
      String artifactVersion,
      Artifact artifact,
      Request request,
      Response response,
      Callback callback) {
    Path work = null;
    AtomicBoolean bodyRead = new AtomicBoolean();
    try {
      if (!HttpMethod.POST.is(request.getMethod())) {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
        throw new WrongMethod(request.getMethod());
      }
      work = Files.createTempDirectory("firmsim-simulate-");
      Job job = prepare(request, work, bodyRead);
      AtomicReference<Throwable> gone = new AtomicReference<>();
      request.addFailureListener(t -> gone.compareAndSet(null, t));
      // The connector's idle timeout is meant for a silent peer, not for a long computation: it
      // fails the request only while an answer is being written (a client that stops reading),
      // not while the simulator computes between writes.
      AtomicBoolean writing = new AtomicBoolean();
      request.addIdleTimeoutListener(t -> writing.get());
      run(artifactName, artifactVersion, artifact, job, gone, writing, response, callback);
    } catch (Throwable t) {
      if (!bodyRead.get() && !response.isCommitted()) {
        // Refused before its body was read: the rest of the body is not read either, so the
        // connection cannot carry another request; say so, or a client would reuse it.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      fail(response, callback, t);
    } finally {
      delete(work);
    }
  }

  /** What a request asks for, read and checked. */
  private record Job(SimulationSettings settings, Population population, MacroPath macro) {}

  private Job prepare(Request request, Path work, AtomicBoolean bodyRead)
      throws InferenceException, IOException {
    long declared = request.getLength();
    if (declared > limits.maxBodyBytes()) {
      throw new BodyTooLarge(declared, limits.maxBodyBytes());
    }
    String type = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    Fields query = Request.extractQueryParameters(request);
    SimulationSettings settings;
    Population population;
    MacroPath macro = MacroPath.zeros();
    if (type.equals(JSON_TYPE)) {
      if (query.getSize() > 0) {
        throw SimulationSettings.invalid(
            "query parameters are not read with a JSON body: put '"
                + query.getNames().iterator().next()
                + "' in the body");
      }
      byte[] bytes = readBody(request);
      bodyRead.set(true);
      JsonNode body = parseJson(bytes);
      settings = SimulationSettings.fromJson(body);
      settings.check(limits);
      boolean rebalance = settings.precision() == Precision.FLOAT64;
      JsonNode rows = body.get("population");
      JsonNode csv = body.get("population_csv");
      if ((rows == null) == (csv == null)) {
        throw SimulationSettings.invalid(
            rows == null
                ? "the population is missing: give 'population' (an array of rows) or"
                    + " 'population_csv' (CSV text)"
                : "give either 'population' or 'population_csv', not both");
      }
      if (rows != null) {
        population =
            RequestInputs.readJsonPopulation(
                rows,
                work.resolve("population.csv"),
                settings.populationYear(),
                rebalance,
                limits.maxFirms());
      } else {
        if (!csv.isTextual()) {
          throw SimulationSettings.invalid(
              "'population_csv' must be a string of CSV text, found "
                  + SimulationSettings.shown(csv));
        }
        Path file = work.resolve("population.csv");
        Files.writeString(file, csv.textValue(), StandardCharsets.UTF_8);
        population =
            RequestInputs.readCsvPopulation(
                file, "population_csv", settings.populationYear(), rebalance);
      }
      JsonNode macroRows = body.get("macro");
      if (macroRows != null && !macroRows.isNull()) {
        macro =
            RequestInputs.readJsonMacro(
                macroRows, work.resolve("macro.csv"), settings.startYear(), settings.years());
      }
    } else if (type.equals(CSV_TYPE)) {
      settings = SimulationSettings.fromQuery(query);
      settings.check(limits);
      Path file = work.resolve("population.csv");
      copyBody(request, file);
      bodyRead.set(true);
      population =
          RequestInputs.readCsvPopulation(
              file, "body", settings.populationYear(), settings.precision() == Precision.FLOAT64);
    } else {
      throw SimulationSettings.invalid(
          "Content-Type must be "
              + JSON_TYPE
              + " or "
              + CSV_TYPE
              + ", found '"
              + (type.isEmpty() ? "(none)" : type)
              + "'");
    }
    checkSize(population.size(), settings);
    return new Job(settings, population, macro);
  }

  private void checkSize(int firms, SimulationSettings settings) throws InferenceException {
    if (firms > limits.maxFirms()) {
      throw SimulationSettings.invalid(
          "the population has "
              + firms
              + " firms, more than the limit of "
              + limits.maxFirms()
              + " firms (maxFirms)");
    }
    long firmYears = firms * settings.simulatedYears();
    if (firmYears > limits.maxFirmYears()) {
      throw SimulationSettings.invalid(
          String.format(
              Locale.ROOT,
              "%d firms over %d years (years plus burn_in) are %d firm-years, more than the limit"
                  + " of %d firm-years (maxFirmYears)",
              firms,
              settings.simulatedYears(),
              firmYears,
              limits.maxFirmYears()));
    }
  }

  private void run(
      String name,
      String version,
      Artifact artifact,
      Job job,
      AtomicReference<Throwable> gone,
      AtomicBoolean writing,
      Response response,
      Callback callback)
      throws IOException {
    SimulationSettings s = job.settings();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(artifact.spec())
            .setYears(s.years())
            .optMode(s.mode())
            .optPrecision(s.precision())
            .optDevice(DeviceChoice.AUTO)
            .optBurnIn(s.burnIn())
            .optStartYear(s.startYear())
            .optSeed(s.seed())
            .optMacro(job.macro())
            .optChunkSize(chunkSize(s))
            .optBackend(s.backend())
            .optWorkers(1)
            .build();
    LongConsumer progress =
        firms -> {
          if (stepped != null) {
            stepped.accept(firms);
          }
          Throwable t = gone.get();
          if (t != null) {
            throw new ClientGone(t);
          }
        };
    PopulationSource source = PopulationSource.of(job.population());
    if (!s.panel()) {
      SimulationResult result = new Simulator(config).run(source, null, progress);
      byte[] body = aggregatesJson(name, version, s, result);
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      writing.set(true);
      response.write(true, ByteBuffer.wrap(body), callback);
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CSV_TYPE + "; charset=utf-8");
    ResponseStream stream = new ResponseStream(Content.Sink.asOutputStream(response), writing);
    CsvPanelWriter panel = new CsvPanelWriter(stream, s.precision() == Precision.FLOAT32);
    try {
      new Simulator(config).run(source, panel, progress);
      panel.close();
    } catch (Throwable t) {
      stream.abandon();
      try {
        panel.close();
      } catch (IOException | RuntimeException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    callback.succeeded();
  }

  /**
   * The chunk size: the test's, else {@code firmsim simulate}'s default for one worker on the
   * device the simulator will use (smaller with a panel, whose chunk years are held in memory).
   */
  private int chunkSize(SimulationSettings s) {
    if (chunkSize > 0) {
      return chunkSize;
    }
    boolean gpu = DeviceChoice.AUTO.resolve(Engine.getEngine("PyTorch")).isGpu();
    int chunk = SimulationConfig.defaultChunkSize(s.backend(), s.precision(), gpu);
    if (!s.panel()) {
      return chunk;
    }
    return (int)
        Math.max(1024, Math.min(chunk, PANEL_CHUNK_FIRM_YEARS / Math.max(1, s.simulatedYears())));
  }

  /** The JSON answer: the run's settings and sizes, and the rows of aggregates.csv. */
  static byte[] aggregatesJson(
      String name, String version, SimulationSettings s, SimulationResult result)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("model_name", name);
      g.writeStringField("model_version", version);
      g.writeNumberField("seed", s.seed());
      g.writeStringField("mode", s.mode().name().toLowerCase(Locale.ROOT));
      g.writeStringField("dtype", s.precision() == Precision.FLOAT32 ? "float32" : "float64");
      g.writeStringField("backend", s.backend().optionName());
      g.writeNumberField("start_year", s.startYear());
      g.writeNumberField("burn_in", s.burnIn());
      g.writeNumberField("firms", result.firms());
      g.writeNumberField("firm_years", result.firmYearsStepped());
      g.writeArrayFieldStart("years");
      // The columns and values of AggregatesCsvWriter, in its order.
      for (int y = 0; y < result.years(); y++) {
        g.writeStartObject();
        g.writeNumberField("year", result.startYear() + y);
        g.writeNumberField("firms", result.firms());
        for (StateVariable v : StateVariable.all()) {
          if (v.kind() != StateVariable.Kind.CHARACTERISTIC) {
            g.writeNumberField(v.name(), result.stateSum(y, v));
          }
        }
        for (FlowVariable f : FlowVariable.all()) {
          g.writeNumberField(f.name(), result.flowSum(y, f));
        }
        g.writeNumberField("max_balance_gap", result.maxBalanceGap(y));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return bytes.toByteArray();
  }

  /** Answers a failure: a JSON error while the response is not committed, else an abort. */
  private static void fail(Response response, Callback callback, Throwable t) {
    Throwable cause = t instanceof UncheckedIOException u ? u.getCause() : t;
    if (t instanceof ClientGone || t instanceof UncheckedIOException || response.isCommitted()) {
      // The client is gone (a failed write, a failed request) or the status is sent already.
      LOG.debug("simulation abandoned: {}", cause.toString());
      callback.failed(cause);
      return;
    }
    int status;
    String message;
    if (t instanceof BodyTooLarge) {
      status = 413;
      message = t.getMessage();
    } else if (t instanceof WrongMethod) {
      status = 405;
      message = t.getMessage();
    } else if (t instanceof HttpException h) {
      // Jetty's refusal of the request itself (a malformed query or body encoding)
      status = h.getCode();
      message = h.getReason() != null ? h.getReason() : String.valueOf(t.getMessage());
    } else if (t instanceof InferenceException e) {
      status = e.reason().httpStatus();
      message = e.getMessage();
      if (e.reason().retryable()) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      }
    } else if (t instanceof BadInputException) {
      status = Reason.INVALID.httpStatus();
      message = t.getMessage();
    } else if (t instanceof BalanceViolationException) {
      status = Reason.INVALID.httpStatus();
      message = "the simulation of this population stopped: " + t.getMessage();
    } else {
      LOG.error("simulation failed", t);
      status = Reason.ENGINE.httpStatus();
      message = "simulation failed: " + t;
    }
    writeError(response, callback, status, message);
  }

  private static void writeError(Response response, Callback callback, int status, String message) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
    } catch (JsonProcessingException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** The media type of a Content-Type value, lower case, without parameters; "" for none. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }

  private static JsonNode parseJson(byte[] body) throws InferenceException {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw SimulationSettings.invalid("malformed JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw SimulationSettings.invalid("malformed JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw SimulationSettings.invalid(
          "the body must be a JSON object, found "
              + (node == null || node.isMissingNode()
                  ? "nothing"
                  : SimulationSettings.shown(node)));
    }
    return node;
  }

  /** The whole body, refused beyond the limit. */
  private byte[] readBody(Request request) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    copyBody(request, bytes);
    return bytes.toByteArray();
  }

  private void copyBody(Request request, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      copyBody(request, out);
    }
  }

  private void copyBody(Request request, OutputStream out) throws IOException {
    long max = limits.maxBodyBytes();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Content.Source.asInputStream(request)) {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          // The connection broke while the body came in: nobody is left to answer.
          throw new ClientGone(e);
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (total > max) {
          throw new BodyTooLarge(-1, max);
        }
        out.write(buffer, 0, n);
      }
    }
  }

  /** Removes the request's temporary folder. */
  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot remove {}: {}", dir, e.toString());
    }
  }

  /** A body beyond {@link SimulationLimits#maxBodyBytes()}: 413. */
  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(long declared, long max) {
      super(
          (declared >= 0 ? "the body is " + declared + " bytes" : "the body is")
              + " more than the limit of "
              + max
              + " bytes (maxBodyBytes)");
    }
  }

  /** A method other than POST: 405. */
  private static final class WrongMethod extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongMethod(String method) {
      super("simulate takes POST, not " + method);
    }
  }

  /** Thrown out of the simulator's progress callback to stop a run whose client is gone. */
  private static final class ClientGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientGone(Throwable cause) {
      super("client gone: " + cause, cause);
    }
  }

  /**
   * The response's blocking stream, which refuses further writes once the run has failed, so that
   * closing the panel writer then sends nothing more: the answer is an error or an abort, never a
   * panel that looks complete.
   */
  private static final class ResponseStream extends OutputStream {
    private final OutputStream out;
    private final AtomicBoolean writing;
    private volatile boolean abandoned;

    /**
     * @param writing set while a write is under way (then an idle timeout is the client's)
     */
    ResponseStream(OutputStream out, AtomicBoolean writing) {
      this.out = out;
      this.writing = writing;
    }

    void abandon() {
      abandoned = true;
    }

    private void check() throws IOException {
      if (abandoned) {
        throw new IOException("the simulation failed: the panel is abandoned");
      }
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      check();
      writing.set(true);
      try {
        out.write(b, off, len);
      } finally {
        writing.set(false);
      }
    }

    @Override
    public void flush() throws IOException {
      check();
      writing.set(true);
      try {
        out.flush();
      } finally {
        writing.set(false);
      }
    }

    @Override
    public void close() throws IOException {
      check();
      // the last write: from here on the response is being written until it completes
      writing.set(true);
      out.close();
    }
  }
}
