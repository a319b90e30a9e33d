package io.firmsim.models.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.equations.Predictor;
import io.firmsim.zoo.modelspec.DependencyGraph;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ResidualNoise;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One simulation year for a batch of firms (MODEL.md section 4) as a DJL block: the 24 equations in
 * dependency-depth order, their constraints, the income statement, the tax and the new balance
 * sheet.
 *
 * <p>Inputs: {@code state [N, StateVariable.count()]}, {@code macro [2]} (dgnp, realr) and, in
 * {@link ForwardMode#SAMPLE}, {@code uniforms [N, uniformColumns()]} (column k &lt; 24 is the draw
 * of equation T(k+1), then one column per fitted level with residual noise; columns the block does
 * not read are ignored). Outputs: {@code newState [N, StateVariable.count()]}, {@code flows [N,
 * FlowVariable.count()]} and {@code balanceGap [N]}, the balance identity's gap after the year
 * relative to {@code max(1, total assets, sum of |liability and equity items|)} (see {@link
 * Year#balanceGap()} for why not total assets alone).
 *
 * <p>Linear predictors: every predictor row of every equation is split into its lagged part, its
 * macro part and its current-year part. The lagged parts of all rows are one matrix product per
 * year ({@code [rows, lagged features] x [lagged features, N]}); the macro part folds into the
 * bias; each depth then adds its current-year part with one matrix product over the current-year
 * features that depth reads. Rows are ordered by depth so each depth's rows are one contiguous
 * slice. Internally the block works on one contiguous {@code [N]} tensor per state column ({@code
 * [variables, N]} layout), which keeps every elementwise operation dense.
 *
 * <p>Feature selection (which columns feed which rows) is resolved once, at construction, from the
 * spec. Nothing here copies to the host. Intermediate arrays belong to the manager of the input
 * state, so a caller that scopes the input to a sub-manager frees them all when it closes it.
 */
public final class FirmYearBlock extends AbstractBlock {
  private static final int V = StateVariable.count();

  /**
   * Width of the firm tiles of the predictor products. Batches whose size is a multiple of it,
   * starting at a population index that is a multiple of it, give bit-identical results whatever
   * their size.
   */
  public static final int TILE = 512;

  private final ModelSpec spec;
  private final ForwardMode mode;
  private final List<EquationBlock> equations;
  private final DependencyGraph graph;
  private final List<Feature> laggedFeatures; // lagged firm-level features read by any row
  private final int[] depthStart; // first global row of each depth; depthStart[D] = rows
  private final int[][] localRows; // per equation: rows relative to its depth's first row
  private final List<List<Feature>> currentFeatures; // per depth
  private final Parameter laggedWeight;
  private final Parameter macroWeight;
  private final Parameter bias;
  private final List<Parameter> depthWeights; // null entries where a depth reads no current feature
  private final ResidualNoise[][] noise; // per equation and predictor row, null for none
  private final int[][] noiseColumn; // uniform column of each noisy row, -1 for none
  private final int uniformColumns;

  /**
   * @param spec the model
   * @param mode sample (uniform draws as input) or mean (expected values)
   */
  public FirmYearBlock(ModelSpec spec, ForwardMode mode) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.graph = spec.dependencyGraph();
    this.equations = new ArrayList<>();
    for (EquationSpec e : spec.equations()) {
      equations.add(addChildBlock("T" + e.table(), EquationBlock.of(e, mode)));
    }

    // Lagged firm-level features read by any equation, in first-use order.
    LinkedHashSet<Feature> lagged = new LinkedHashSet<>();
    for (EquationBlock b : equations) {
      for (Feature f : b.features()) {
        if (f.lagged() && !isMacro(f)) {
          lagged.add(f);
        }
      }
    }
    this.laggedFeatures = List.copyOf(lagged);
    List<Feature> macro = List.of(Feature.dgnp, Feature.realr);

    int depths = graph.depthCount();
    depthStart = new int[depths + 1];
    localRows = new int[equations.size()][];
    currentFeatures = new ArrayList<>();
    List<double[]> lagRows = new ArrayList<>();
    List<double[]> macroRows = new ArrayList<>();
    List<Double> biases = new ArrayList<>();
    depthWeights = new ArrayList<>();
    int row = 0;
    for (int d = 0; d < depths; d++) {
      depthStart[d] = row;
      LinkedHashSet<Feature> current = new LinkedHashSet<>();
      for (int eq : graph.equationsAt(d)) {
        for (Feature f : equations.get(eq).features()) {
          if (!f.lagged()) {
            current.add(f);
          }
        }
      }
      List<Feature> cur = List.copyOf(current);
      currentFeatures.add(cur);
      List<double[]> curRows = new ArrayList<>();
      for (int eq : graph.equationsAt(d)) {
        EquationBlock b = equations.get(eq);
        int p = b.predictors().size();
        localRows[eq] = new int[p];
        double[][] wl = b.predictorWeights(laggedFeaturesPlus(b, laggedFeatures));
        double[][] wm = b.predictorWeights(laggedFeaturesPlus(b, macro));
        double[][] wc = b.predictorWeights(laggedFeaturesPlus(b, cur));
        for (int r = 0; r < p; r++) {
          localRows[eq][r] = row - depthStart[d];
          lagRows.add(java.util.Arrays.copyOf(wl[r], laggedFeatures.size()));
          macroRows.add(java.util.Arrays.copyOf(wm[r], macro.size()));
          curRows.add(java.util.Arrays.copyOf(wc[r], cur.size()));
          biases.add(b.predictors().get(r).bias());
          row++;
        }
      }
      if (cur.isEmpty()) {
        depthWeights.add(null);
      } else {
        depthWeights.add(addParameter(constant("depth" + d + "_weight", curRows, cur.size())));
      }
    }
    depthStart[depths] = row;
    // Level noise of fitted models: one extra uniform column per noisy level, after the 24
    // equation columns, in table and predictor order.
    noise = new ResidualNoise[equations.size()][];
    noiseColumn = new int[equations.size()][];
    int column = equations.size();
    for (int eq = 0; eq < equations.size(); eq++) {
      List<Predictor> rows = equations.get(eq).predictors();
      noise[eq] = new ResidualNoise[rows.size()];
      noiseColumn[eq] = new int[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        noise[eq][r] = rows.get(r).submodel().noise();
        noiseColumn[eq][r] = noise[eq][r] == null ? -1 : column++;
      }
    }
    uniformColumns = column;
    laggedWeight = addParameter(constant("lagged_weight", lagRows, laggedFeatures.size()));
    macroWeight = addParameter(constant("macro_weight", macroRows, macro.size()));
    double[] b = new double[biases.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = biases.get(i);
    }
    bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(b.length))
                .optInitializer(new Values(b))
                .optRequiresGrad(false)
                .build());
  }

  /**
   * Weights over {@code over}, with the equation's other features appended so that every
   * coefficient has a column; the caller keeps the first {@code over.size()} columns.
   */
  private static List<Feature> laggedFeaturesPlus(EquationBlock b, List<Feature> over) {
    List<Feature> all = new ArrayList<>(over);
    for (Feature f : b.features()) {
      if (!all.contains(f)) {
        all.add(f);
      }
    }
    return all;
  }

  private static boolean isMacro(Feature f) {
    return f == Feature.dgnp || f == Feature.realr;
  }

  private static Parameter constant(String name, List<double[]> rows, int cols) {
    double[] flat = new double[rows.size() * cols];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, flat, r * cols, cols);
    }
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows.size(), cols))
        .optInitializer(new Values(flat))
        .optRequiresGrad(false)
        .build();
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * Width of the uniforms input in sample mode: column k &lt; 24 is the draw of equation T(k+1);
   * the columns after them are the draws of the fitted levels' residual noise.
   */
  public int uniformColumns() {
    return uniformColumns;
  }

  /** Which uniform columns the block reads in sample mode (the others may hold anything). */
  public boolean[] readsUniform() {
    boolean[] used = new boolean[uniformColumns];
    if (mode == ForwardMode.SAMPLE) {
      for (int eq = 0; eq < equations.size(); eq++) {
        used[eq] = equations.get(eq).needsUniform();
        for (int c : noiseColumn[eq]) {
          if (c >= 0) {
            used[c] = true;
          }
        }
      }
    }
    return used;
  }

  public ForwardMode mode() {
    return mode;
  }

  /** The equation blocks, by table - 1. */
  public List<EquationBlock> equations() {
    return List.copyOf(equations);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (EquationBlock b : equations) {
      b.initialize(manager, dataType, new Shape(-1, b.features().size()));
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    return new Shape[] {new Shape(n, V), new Shape(n, FlowVariable.count()), new Shape(n)};
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray state = inputs.get(0);
    if (state.getShape().dimension() != 2 || state.getShape().get(1) != V) {
      throw new IllegalArgumentException(
          "state must be [firms, " + V + "], found " + state.getShape());
    }
    if (mode == ForwardMode.SAMPLE && inputs.size() < 3) {
      throw new IllegalArgumentException("sample mode needs uniforms [firms, 24] as third input");
    }
    NDManager scope = state.getManager();
    long n = state.getShape().get(0);
    NDArray macro = inputs.get(1);

    // [N, V] -> [V, N] contiguous: one dense [N] tensor per column.
    NDArray columns = state.transpose().reshape(-1).reshape(V, n);
    NDArray[] s = new NDArray[V];
    for (int i = 0; i < V; i++) {
      s[i] = columns.get(i);
    }
    NDArray[] u = null;
    if (mode == ForwardMode.SAMPLE) {
      NDArray uniforms = inputs.get(2);
      NDArray ut = uniforms.transpose().reshape(-1).reshape(uniforms.getShape().get(1), n);
      u = new NDArray[(int) uniforms.getShape().get(1)];
      for (int e = 0; e < u.length; e++) {
        u[e] = ut.get(e);
      }
    }

    Year y = new Year(s, spec.constants());

    // Lagged and macro parts of every predictor row: one product for the whole year.
    NDArray wl = ps.getValue(laggedWeight, state.getDevice(), training);
    NDArray wm = ps.getValue(macroWeight, state.getDevice(), training);
    NDArray b = ps.getValue(bias, state.getDevice(), training);
    NDList lagCols = new NDList(laggedFeatures.size());
    for (Feature f : laggedFeatures) {
      lagCols.add(y.lagged(f));
    }
    NDArray rowBias = own(wm.matMul(macro.toType(wm.getDataType(), false)), scope).add(b);
    NDArray etaAll = linear(wl, lagCols, n, scope).add(rowBias.expandDims(1));

    for (int d = 0; d < graph.depthCount(); d++) {
      NDArray eta = etaAll.get(new NDIndex("{}:{}", depthStart[d], depthStart[d + 1]));
      Parameter wd = depthWeights.get(d);
      if (wd != null) {
        NDList cur = new NDList();
        for (Feature f : currentFeatures.get(d)) {
          cur.add(y.current(f));
        }
        NDArray w = ps.getValue(wd, state.getDevice(), training);
        eta = linear(w, cur, n, scope).add(eta);
      }
      for (int eq : graph.equationsAt(d)) {
        EquationBlock block = equations.get(eq);
        List<NDArray> rows = new ArrayList<>(localRows[eq].length);
        for (int r = 0; r < localRows[eq].length; r++) {
          NDArray level = eta.get(localRows[eq][r]);
          ResidualNoise e = noise[eq][r];
          if (e != null) {
            level =
                mode == ForwardMode.MEAN
                    ? level.add(e.mean())
                    : level.add(draw(e, u[noiseColumn[eq][r]]));
          }
          rows.add(level);
        }
        NDArray uniform = block.needsUniform() ? u[eq] : null;
        y.setEquation(eq, block.combine(rows, uniform));
      }
      y.endOfDepth();
    }
    y.closeYear();

    NDList newCols = new NDList(V);
    for (StateVariable v : StateVariable.all()) {
      newCols.add(y.next(v));
    }
    NDList flowCols = new NDList(FlowVariable.count());
    for (FlowVariable f : FlowVariable.all()) {
      flowCols.add(y.flow(f));
    }
    return new NDList(NDArrays.stack(newCols, 1), NDArrays.stack(flowCols, 1), y.balanceGap());
  }

  /**
   * {@code weights [R, K] x features [K, N] -> [R, N]}, the features given as K arrays of shape
   * {@code [N]}.
   *
   * <p>When N is a multiple of {@link #TILE}, the product runs as a batch of identical {@code [R,
   * K] x [K, TILE]} products, one per tile of firms. BLAS kernels may round a column differently
   * depending on the matrix width and on the column's position in it (seen with float64 on CPU);
   * with fixed-width tiles a firm's predictors depend only on its position within its tile, and the
   * simulator aligns chunks to tiles, so results do not depend on the chunk size or the thread
   * count.
   *
   * <p>A batch of one matrix takes another BLAS path than a batch of several: with float32 on CPU
   * and 5 to 11 predictor rows, the single product rounds differently from the same product inside
   * a batch of two or more (which agree with each other whatever their number). A single tile is
   * therefore run as a batch of two, the second all zeros, so that a chunk of 512 firms (or a last
   * chunk of up to 512) gives the same values as a larger one.
   */
  private static NDArray linear(NDArray weights, NDList features, long n, NDManager scope) {
    if (n % TILE != 0) {
      return own(weights.matMul(NDArrays.stack(features, 0)), scope);
    }
    long tiles = n / TILE;
    NDList tiled = new NDList(features.size());
    for (NDArray f : features) {
      tiled.add(f.reshape(tiles, TILE));
    }
    NDArray x = NDArrays.stack(tiled, 1); // [tiles, K, TILE]
    long batch = Math.max(2, tiles);
    if (tiles < batch) {
      x = NDArrays.concat(new NDList(x, x.zerosLike()), 0);
    }
    long rows = weights.getShape().get(0);
    NDArray w =
        own(
            own(weights.expandDims(0), scope).broadcast(batch, rows, weights.getShape().get(1)),
            scope);
    NDArray product = own(w.batchMatMul(x), scope); // [batch, R, TILE]
    if (tiles < batch) {
      product = product.get(new NDIndex("0:{}", tiles));
    }
    NDArray eta = product.transpose(1, 0, 2).reshape(rows, n); // a copy: rows contiguous
    // The two largest temporaries of the year: free them now rather than when the scope closes.
    x.close();
    product.close();
    return eta;
  }

  /**
   * A Johnson SU draw {@code xi + lambda sinh((Z - gamma) / delta)} with {@code Z = Phi^-1(U)}. U
   * is kept 1e-7 (float32) or 1e-16 (float64) away from 0 and 1 so that Z stays finite (|Z| below
   * 5.2 or 8.2).
   */
  private static NDArray draw(ResidualNoise e, NDArray uniform) {
    double eps = uniform.getDataType() == DataType.FLOAT32 ? 1e-7 : 1e-16;
    NDArray z = uniform.clip(eps, 1 - eps).mul(2).sub(1).erfinv().mul(Math.sqrt(2));
    return z.sub(e.gamma()).div(e.delta()).sinh().mul(e.lambda()).add(e.xi());
  }

  /** Moves an array computed from a parameter (first operand) into the step's scope. */
  private static NDArray own(NDArray array, NDManager scope) {
    array.attach(scope);
    return array;
  }

  /** Fixed parameter values in whatever dtype the block is initialized with. */
  private static final class Values implements Initializer {
    private final double[] values;

    Values(double[] values) {
      this.values = values;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      NDArray a = manager.create(values, shape);
      return dataType == DataType.FLOAT64 ? a : a.toType(dataType, false);
    }
  }
}
