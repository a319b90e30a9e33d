package io.firmsim.simulator.backend;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.models.step.Lever;
import io.firmsim.models.step.YearProgram;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.random.CounterRng;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The ONNX backend: the exported year graph run by ONNX Runtime, one session per worker.
 *
 * <p>Memory: a chunk's state, flows, gaps and uniforms live in direct buffers allocated once per
 * chunk and wrapped (not copied) by ONNX Runtime tensors; each year runs with the next state, flows
 * and gaps bound as pinned outputs, so a year allocates nothing on the Java side and ONNX Runtime
 * reuses its arena for the graph's intermediates. The state buffers alternate between years.
 *
 * <p>Draws, tiles and checks are those of the DJL backend: uniforms are hashed on the host by
 * {@link CounterRng} into the columns {@link YearProgram#readsUniform()} names, chunks are whole
 * tiles padded with all-zero firms, per-tile sums are formed on the host by {@link TileSums}, and
 * each year's largest balance gap and its firm are found on the host, a NaN gap counting as a
 * violation.
 *
 * <p>Threads: each session has {@link SimulationConfig#threads()} intra-op threads (default: the
 * cores divided among the workers) and no inter-op pool. With more than one intra-op thread its
 * threads do not spin while waiting for work ({@code session.intra_op.allow_spinning = 0}) unless
 * {@code FIRMSIM_ORT_SPIN=1}: on a machine shared with other busy processes spinning threads take
 * the cores the work needs (docs/BENCHMARKS.md). Device: with {@code --device gpu}, or {@code auto}
 * when this ONNX Runtime build has the CUDA provider, the CUDA execution provider is added.
 */
final class OnnxBackend implements YearBackend {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int TILE = TileSums.TILE;

  private final SimulationConfig config;
  private final int flushYears;
  private final OrtEnvironment env;
  private final byte[] graph;
  private final boolean[] drawn;
  private volatile boolean cuda;
  private final int threads;

  OnnxBackend(SimulationConfig config, int flushYears, YearGraphSource source) {
    this.config = config;
    this.flushYears = flushYears;
    this.env = OrtEnvironments.shared();
    boolean hasCuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (config.device() == DeviceChoice.GPU && !hasCuda) {
      throw new BadInputException(
          "--device gpu: this ONNX Runtime build has no CUDA provider (build with -Pcuda for "
              + "onnxruntime_gpu, or use --device cpu|auto)");
    }
    this.cuda = hasCuda && config.device() != DeviceChoice.CPU;
    this.graph =
        source.yearGraph(
            config.model(), config.mode(), config.precision(), config.levers(), config.aligned());
    this.drawn =
        config.mode() == ForwardMode.SAMPLE
            ? new YearProgram(config.model(), config.mode()).readsUniform()
            : new boolean[0];
    this.threads =
        config.threads() != null
            ? config.threads()
            : Math.max(1, Runtime.getRuntime().availableProcessors() / config.workers());
  }

  @Override
  public ChunkRunner newRunner() {
    return new Runner();
  }

  @Override
  public String description() {
    return "onnx (ONNX Runtime " + env.getVersion() + ", " + (cuda ? "cuda" : "cpu") + ")";
  }

  @Override
  public void close() {
    // The environment is process-wide and stays; sessions close with their runners.
  }

  /**
   * A session on the year graph: with the CUDA provider when asked for, or under {@code auto} when
   * this build has it (then falling back to the CPU if no GPU can be used).
   */
  private OrtSession session() {
    try {
      try (OrtSession.SessionOptions o = options()) {
        return env.createSession(graph, o);
      } catch (OrtException e) {
        if (!cuda || config.device() != DeviceChoice.AUTO) {
          throw e;
        }
        cuda = false;
        try (OrtSession.SessionOptions o = options()) {
          return env.createSession(graph, o);
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load the year graph: " + e, e);
    }
  }

  private OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      if (threads > 1 && !"1".equals(System.getenv("FIRMSIM_ORT_SPIN"))) {
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      o.addConfigEntry("session.inter_op.allow_spinning", "0");
      if (cuda) {
        o.addCUDA(config.gpuIndex());
      }
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /** One worker's session. */
  private final class Runner implements ChunkRunner {
    private final OrtSession session;
    private final boolean f32;
    private final boolean sample;
    private final CounterRng rng;
    private final boolean levers;
    private final int aligned;
    private final TileSums tileSums = new TileSums();
    private final int columns;
    private Buffers buffers; // reused by the chunks of this worker, grown when a chunk needs more

    Runner() {
      f32 = config.precision() == Precision.FLOAT32;
      sample = config.mode() == ForwardMode.SAMPLE;
      rng = new CounterRng(config.seed());
      levers = config.levers();
      aligned = config.aligned().size();
      session = session();
      try {
        columns = check();
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Checks the graph's inputs and outputs against the contract; returns the uniform columns. */
    private int check() {
      try {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        width(in, "state", V);
        width(out, "new_state", V);
        width(out, "flows", F);
        if (levers) {
          width(in, "levers", Lever.count());
        }
        if (aligned > 0 && (!in.containsKey("align_targets") || !in.containsKey("weights"))) {
          throw new IllegalStateException(
              "year graph lacks align_targets or weights: " + in.keySet());
        }
        if (!out.containsKey("balance_gap") || !in.containsKey("macro")) {
          throw new IllegalStateException(
              "year graph lacks macro or balance_gap: " + in.keySet() + " -> " + out.keySet());
        }
        if (!sample) {
          return 0;
        }
        int u = width(in, "uniforms", -1);
        if (u < drawn.length) {
          throw new IllegalStateException(
              "year graph reads " + u + " uniform columns, the model draws " + drawn.length);
        }
        return u;
      } catch (OrtException e) {
        throw new IllegalStateException("cannot read the year graph's inputs: " + e, e);
      }
    }

    private int width(Map<String, NodeInfo> nodes, String name, int expected) {
      NodeInfo node = nodes.get(name);
      if (node == null || !(node.getInfo() instanceof TensorInfo)) {
        throw new IllegalStateException("year graph has no tensor " + name + ": " + nodes.keySet());
      }
      long[] shape = ((TensorInfo) node.getInfo()).getShape();
      if (shape.length != 2 || (expected >= 0 && shape[1] != expected)) {
        throw new IllegalStateException(
            "year graph's "
                + name
                + " has shape "
                + java.util.Arrays.toString(shape)
                + ", expected [N, "
                + expected
                + "]");
      }
      return (int) shape[1];
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException("cannot close an ONNX Runtime session: " + e, e);
      }
    }

    @Override
    public void run(ChunkJob job, ChunkSink sink) {
      try {
        runChunk(job, sink);
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
      }
    }

    private void runChunk(ChunkJob job, ChunkSink sink) throws OrtException {
      int n = job.firms();
      int rows = job.rows();
      int burnIn = config.burnIn();
      int total = config.totalYears();
      int firstYear = config.firstYear();
      int tiles = rows / TILE;
      int width = V + F;
      long[] ids = job.firmIds();
      long seed = job.seed(config.seed());
      CounterRng draws = seed == config.seed() ? rng : new CounterRng(seed);
      MacroPath path = job.macro(config.macro());
      LeverSchedule schedule = job.levers();
      if (levers != (schedule != null)) {
        throw new IllegalStateException(
            levers ? "a scenario backend needs levers for every job" : "levers need optLevers");
      }
      AlignmentSchedule alignment = job.alignment();
      if ((aligned > 0) != (alignment != null)) {
        throw new IllegalStateException(
            aligned > 0
                ? "an aligning backend needs weights and targets for every job"
                : "alignment targets need optAligned");
      }
      if (buffers == null || buffers.rows < rows) {
        buffers = new Buffers(rows);
      }
      Buffer[] state = {buffers.slice(0, rows * V), buffers.slice(1, rows * V)};
      Buffer flows = buffers.slice(2, rows * F);
      Buffer gap = buffers.slice(3, rows);
      Buffer macro = buffers.slice(4, 2);
      Buffer uniforms = sample ? buffers.slice(5, rows * columns) : null;
      Buffer leverBuffer = levers ? buffers.slice(6, rows * Lever.count()) : null;
      double[] leverRows = levers ? new double[n * Lever.count()] : null;
      Buffer weightBuffer = aligned > 0 ? buffers.slice(7, rows) : null;
      Buffer targetBuffer = aligned > 0 ? buffers.slice(8, aligned) : null;
      double[] targets = aligned > 0 ? new double[aligned] : null;
      // Padding rows start as zeros; the uniform columns the model does not read stay zero.
      for (Buffer b : new Buffer[] {state[0], uniforms, leverBuffer, weightBuffer}) {
        if (b != null) {
          for (int i = 0; i < b.capacity(); i++) {
            put(b, i, 0.0);
          }
        }
      }
      if (weightBuffer != null) {
        double[] w = job.weights(); // padding rows keep 0
        for (int i = 0; i < n; i++) {
          put(weightBuffer, i, w[i]);
        }
      }
      double[] start = job.values();
      for (int i = 0; i < n * V; i++) {
        put(state[0], i, start[i]);
      }
      long[] stateShape = {rows, V};
      double[][] panelState = job.keepPanel() ? new double[total - burnIn][] : null;
      double[][] panelFlows = job.keepPanel() ? new double[total - burnIn][] : null;
      try (OnnxTensor s0 = tensor(state[0], stateShape);
          OnnxTensor s1 = tensor(state[1], stateShape);
          OnnxTensor fl = tensor(flows, new long[] {rows, F});
          OnnxTensor g = tensor(gap, new long[] {rows});
          OnnxTensor m = tensor(macro, new long[] {2});
          OnnxTensor u = sample ? tensor(uniforms, new long[] {rows, columns}) : null;
          OnnxTensor lv = levers ? tensor(leverBuffer, new long[] {rows, Lever.count()}) : null;
          OnnxTensor wt = aligned > 0 ? tensor(weightBuffer, new long[] {rows}) : null;
          OnnxTensor tg = aligned > 0 ? tensor(targetBuffer, new long[] {aligned}) : null) {
        OnnxTensor[] st = {s0, s1};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        outputs.put("flows", fl);
        outputs.put("balance_gap", g);
        inputs.put("macro", m);
        if (sample) {
          inputs.put("uniforms", u);
        }
        if (levers) {
          inputs.put("levers", lv);
        }
        if (aligned > 0) {
          inputs.put("weights", wt);
          inputs.put("align_targets", tg);
        }
        int windowStart = 0;
        double[] maxGap = null;
        int[] worstRow = null;
        double[] sums = null;
        for (int k = 0; k < total; k++) {
          if (k == windowStart) {
            int years = Math.min(flushYears, total - k);
            int reported = Math.max(0, k + years - Math.max(k, burnIn));
            maxGap = new double[years];
            worstRow = new int[years];
            sums = new double[reported * tiles * width];
          }
          int year = firstYear + k;
          put(macro, 0, path.dgnp(year));
          put(macro, 1, path.realr(year));
          if (sample) {
            draw(draws, ids, n, year, uniforms);
          }
          if (levers) {
            schedule.fill(year, leverRows);
            for (int i = 0; i < leverRows.length; i++) {
              put(leverBuffer, i, leverRows[i]);
            }
          }
          if (aligned > 0) {
            alignment.fill(year, targets);
            for (int a = 0; a < aligned; a++) {
              put(targetBuffer, a, targets[a]);
            }
          }
          Buffer next = state[(k + 1) % 2];
          inputs.put("state", st[k % 2]);
          outputs.put("new_state", st[(k + 1) % 2]);
          try (OrtSession.Result r = session.run(inputs, outputs)) {
            // the outputs are pinned: the results are already in the buffers
          }
          int j = k - windowStart;
          gapOf(gap, n, maxGap, worstRow, j);
          if (k >= burnIn) {
            int o = (k - Math.max(windowStart, burnIn)) * tiles * width;
            tileSums(next, rows, n, V, sums, o, width);
            tileSums(flows, rows, n, F, sums, o + V, width);
            if (panelState != null) {
              panelState[k - burnIn] = copy(next, n * V);
              panelFlows[k - burnIn] = copy(flows, n * F);
            }
          }
          sink.yearDone(n);
          if (k + 1 == total || k + 1 - windowStart == flushYears) {
            sink.window(
                new WindowResult(
                    windowStart, maxGap, worstRow, Math.max(windowStart, burnIn), tiles, sums));
            windowStart = k + 1;
          }
        }
      }
      if (panelState != null) {
        sink.panel(panelState, panelFlows);
      }
    }

    /** The year's uniforms: the draws the model reads, hashed on the host; the rest stay 0. */
    private void draw(CounterRng rng, long[] ids, int n, int year, Buffer uniforms) {
      int c = columns;
      int streams = drawn.length;
      if (f32) {
        FloatBuffer b = (FloatBuffer) uniforms;
        for (int i = 0; i < n; i++) {
          long base = rng.base(ids[i], year);
          int o = i * c;
          for (int k = 0; k < streams; k++) {
            if (drawn[k]) {
              b.put(o + k, CounterRng.uniformFloat(base, k + 1));
            }
          }
        }
      } else {
        DoubleBuffer b = (DoubleBuffer) uniforms;
        for (int i = 0; i < n; i++) {
          long base = rng.base(ids[i], year);
          int o = i * c;
          for (int k = 0; k < streams; k++) {
            if (drawn[k]) {
              b.put(o + k, CounterRng.uniform(base, k + 1));
            }
          }
        }
      }
    }

    /** The largest gap of the year's firms and the first row that has it; NaN counts as largest. */
    private void gapOf(Buffer gap, int n, double[] maxGap, int[] worstRow, int j) {
      double max = Double.NEGATIVE_INFINITY;
      int worst = 0;
      boolean nan = false;
      for (int i = 0; i < n; i++) {
        double x = f32 ? ((FloatBuffer) gap).get(i) : ((DoubleBuffer) gap).get(i);
        if (Double.isNaN(x)) {
          if (!nan) {
            nan = true;
            worst = i;
          }
        } else if (!nan && x > max) {
          max = x;
          worst = i;
        }
      }
      maxGap[j] = nan ? Double.NaN : max;
      worstRow[j] = worst;
    }

    private void tileSums(
        Buffer values, int rows, int n, int w, double[] out, int offset, int stride) {
      if (f32) {
        tileSums.sums((FloatBuffer) values, rows, n, w, out, offset, stride);
      } else {
        tileSums.sums((DoubleBuffer) values, rows, n, w, out, offset, stride);
      }
    }

    private double[] copy(Buffer values, int count) {
      double[] d = new double[count];
      if (f32) {
        FloatBuffer b = (FloatBuffer) values;
        for (int i = 0; i < count; i++) {
          d[i] = b.get(i);
        }
      } else {
        ((DoubleBuffer) values).get(0, d, 0, count);
      }
      return d;
    }

    /**
     * Direct buffers for a chunk of up to {@code rows} firms: two states, flows, gaps, macro,
     * uniforms, levers, alignment weights and targets. Allocated once per worker (a direct buffer's
     * memory returns only with a garbage collection), so a run's native memory does not grow with
     * its number of chunks.
     */
    private final class Buffers {
      final int rows;
      final Buffer[] all;

      Buffers(int rows) {
        this.rows = rows;
        all =
            new Buffer[] {
              buffer(rows * V),
              buffer(rows * V),
              buffer(rows * F),
              buffer(rows),
              buffer(2),
              sample ? buffer(rows * columns) : null,
              levers ? buffer(rows * Lever.count()) : null,
              aligned > 0 ? buffer(rows) : null,
              aligned > 0 ? buffer(aligned) : null
            };
      }

      /** The first {@code count} elements of buffer {@code which}, as a buffer of their own. */
      Buffer slice(int which, int count) {
        Buffer b = all[which];
        return f32 ? ((FloatBuffer) b).slice(0, count) : ((DoubleBuffer) b).slice(0, count);
      }
    }

    private Buffer buffer(int count) {
      ByteBuffer bytes =
          ByteBuffer.allocateDirect(count * (f32 ? Float.BYTES : Double.BYTES))
              .order(ByteOrder.nativeOrder());
      return f32 ? bytes.asFloatBuffer() : bytes.asDoubleBuffer();
    }

    private void put(Buffer b, int i, double x) {
      if (f32) {
        ((FloatBuffer) b).put(i, (float) x);
      } else {
        ((DoubleBuffer) b).put(i, x);
      }
    }

    private OnnxTensor tensor(Buffer b, long[] shape) throws OrtException {
      return f32
          ? OnnxTensor.createTensor(env, (FloatBuffer) b, shape)
          : OnnxTensor.createTensor(env, (DoubleBuffer) b, shape);
    }
  }
}
