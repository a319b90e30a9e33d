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
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulation year for a batch of firms (MODEL.md section 4) as a DJL block: {@link YearProgram}
 * (the 24 equations in dependency-depth order, their constraints, the income statement, the tax and
 * the new balance sheet) evaluated eagerly on DJL arrays.
 *
 * <p>Inputs: {@code state [N, StateVariable.count()]}, {@code macro [2]} (dgnp, realr) and, in
 * {@link ForwardMode#SAMPLE}, {@code uniforms [N, uniformColumns()]} (column k &lt; 24 is the draw
 * of equation T(k+1), then one column per fitted level with residual noise; columns the block does
 * not read are ignored), then optionally {@code levers [N, Lever.count()]} (stress-scenario levers,
 * {@link Lever}; the input after the mode's own inputs), then, exactly when the block is built with
 * aligned submodels ({@link AlignedSubmodel}, {@link Alignment}), {@code alignTargets [A]} (the
 * year's target rate per aligned submodel, in construction order; NaN or negative: not aligned this
 * year) and {@code weights [N]} (firm weights, 0 for padding rows; N a multiple of {@link #TILE})
 * as the last two inputs. In full: {@code state, macro, [uniforms], [levers], [alignTargets,
 * weights]}. Outputs: {@code newState [N, StateVariable.count()]}, {@code flows [N,
 * FlowVariable.count()]} and {@code balanceGap [N]}, the balance identity's gap after the year
 * relative to {@code max(1, total assets, sum of |liability and equity items|)} (see {@link
 * Year#balanceGap()} for why not total assets alone), and with alignment {@code alignedProbability
 * [N, A]}, the probabilities the year used after alignment. A block built without aligned submodels
 * computes exactly what it did before alignment existed.
 *
 * <p>The predictor weights of the program are the block's parameters ({@code lagged_weight}, {@code
 * macro_weight}, {@code bias}, {@code depth<d>_weight}), so {@code Model.save} writes them.
 * Internally the block works on one contiguous {@code [N]} tensor per state column ({@code
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

  private final YearProgram program;
  private final List<EquationBlock> equations;
  private final Parameter laggedWeight;
  private final Parameter macroWeight;
  private final Parameter bias;
  private final List<Parameter> depthWeights; // null entries where a depth reads no current feature

  /**
   * @param spec the model
   * @param mode sample (uniform draws as input) or mean (expected values)
   */
  public FirmYearBlock(ModelSpec spec, ForwardMode mode) {
    this(spec, mode, List.of());
  }

  /**
   * A block that aligns the listed probability submodels ({@link Alignment}).
   *
   * @param aligned the aligned submodels, in the order of the {@code alignTargets} input; empty for
   *     the plain year
   * @throws IllegalArgumentException naming a submodel that cannot be aligned
   */
  public FirmYearBlock(ModelSpec spec, ForwardMode mode, List<AlignedSubmodel> aligned) {
    this.program = new YearProgram(spec, mode, aligned);
    this.equations = new ArrayList<>();
    for (EquationBlock b : program.equations()) {
      equations.add(addChildBlock("T" + b.spec().table(), b));
    }
    depthWeights = new ArrayList<>();
    for (int d = 0; d < program.depthCount(); d++) {
      double[][] w = program.depthWeights(d);
      depthWeights.add(
          w == null
              ? null
              : addParameter(
                  constant("depth" + d + "_weight", w, program.currentFeatures(d).size())));
    }
    laggedWeight =
        addParameter(
            constant("lagged_weight", program.laggedWeights(), program.laggedFeatures().size()));
    macroWeight = addParameter(constant("macro_weight", program.macroWeights(), 2));
    double[] b = program.bias();
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

  private static Parameter constant(String name, double[][] rows, int cols) {
    double[] flat = new double[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows.length, cols))
        .optInitializer(new Values(flat))
        .optRequiresGrad(false)
        .build();
  }

  public ModelSpec spec() {
    return program.spec();
  }

  /** The backend-neutral year this block evaluates. */
  public YearProgram program() {
    return program;
  }

  /**
   * Width of the uniforms input in sample mode: column k &lt; 24 is the draw of equation T(k+1);
   * the columns after them are the draws of the fitted levels' residual noise.
   */
  public int uniformColumns() {
    return program.uniformColumns();
  }

  /** Which uniform columns the block reads in sample mode (the others may hold anything). */
  public boolean[] readsUniform() {
    return program.readsUniform();
  }

  public ForwardMode mode() {
    return program.mode();
  }

  /** The aligned submodels, in the order of the {@code alignTargets} input (empty for none). */
  public List<AlignedSubmodel> aligned() {
    return program.aligned();
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
    Shape[] plain = {new Shape(n, V), new Shape(n, FlowVariable.count()), new Shape(n)};
    if (program.aligned().isEmpty()) {
      return plain;
    }
    return new Shape[] {plain[0], plain[1], plain[2], new Shape(n, program.aligned().size())};
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray state = inputs.get(0);
    if (state.getShape().dimension() != 2 || state.getShape().get(1) != V) {
      throw new IllegalArgumentException(
          "state must be [firms, " + V + "], found " + state.getShape());
    }
    boolean sample = program.mode() == ForwardMode.SAMPLE;
    if (sample && inputs.size() < 3) {
      throw new IllegalArgumentException(
          "sample mode needs uniforms [firms, " + uniformColumns() + "] as third input");
    }
    NDManager scope = state.getManager();
    long n = state.getShape().get(0);
    NDArray macro = inputs.get(1);

    // [N, V] -> [V, N] contiguous: one dense [N] tensor per column.
    NDArray columns = state.transpose().reshape(-1).reshape(V, n);
    Tensor[] s = new Tensor[V];
    for (int i = 0; i < V; i++) {
      s[i] = DjlTensor.of(columns.get(i));
    }
    Tensor[] u = null;
    if (sample) {
      NDArray uniforms = inputs.get(2);
      NDArray ut = uniforms.transpose().reshape(-1).reshape(uniforms.getShape().get(1), n);
      u = new Tensor[(int) uniforms.getShape().get(1)];
      for (int e = 0; e < u.length; e++) {
        u[e] = DjlTensor.of(ut.get(e));
      }
    }

    NDArray wl = ps.getValue(laggedWeight, state.getDevice(), training);
    NDArray wm = ps.getValue(macroWeight, state.getDevice(), training);
    NDArray b = ps.getValue(bias, state.getDevice(), training);
    PredictorProducts products =
        new PredictorProducts() {
          @Override
          public Tensor lagged(List<Tensor> features) {
            // Lagged and macro parts of every predictor row: one product for the whole year.
            NDArray rowBias = own(wm.matMul(macro.toType(wm.getDataType(), false)), scope).add(b);
            return DjlTensor.of(linear(wl, arrays(features), n, scope).add(rowBias.expandDims(1)));
          }

          @Override
          public Tensor current(int depth, List<Tensor> features) {
            NDArray w = ps.getValue(depthWeights.get(depth), state.getDevice(), training);
            return DjlTensor.of(linear(w, arrays(features), n, scope));
          }
        };
    int leverInput = sample ? 3 : 2;
    int alignedCount = program.aligned().size();
    int alignInputs = alignedCount == 0 ? 0 : 2;
    if (inputs.size() < leverInput + alignInputs || inputs.size() > leverInput + 1 + alignInputs) {
      throw new IllegalArgumentException(
          "expected state, macro"
              + (sample ? ", uniforms" : "")
              + ", optional levers"
              + (alignInputs > 0 ? ", alignTargets, weights" : "")
              + "; found "
              + inputs.size()
              + " inputs");
    }
    Tensor[] targets = null;
    Tensor weights = null;
    if (alignInputs > 0) {
      NDArray t = inputs.get(inputs.size() - 2);
      NDArray wt = inputs.get(inputs.size() - 1);
      if (t.getShape().dimension() != 1 || t.getShape().get(0) != alignedCount) {
        throw new IllegalArgumentException(
            "alignTargets must be [" + alignedCount + "], found " + t.getShape());
      }
      if (wt.getShape().dimension() != 1 || wt.getShape().get(0) != n || n % TILE != 0) {
        throw new IllegalArgumentException(
            "weights must be ["
                + n
                + "] with "
                + n
                + " a multiple of "
                + TILE
                + " firms, found "
                + wt.getShape());
      }
      t = t.toType(state.getDataType(), false);
      targets = new Tensor[alignedCount];
      for (int a = 0; a < alignedCount; a++) {
        targets[a] = DjlTensor.of(t.get(a));
      }
      // A copy in the step's scope: a caller may keep the weights for many years in a longer-lived
      // manager, and what is computed from them belongs to their manager (DJL's rule).
      NDArray own = wt.toType(state.getDataType(), true);
      own.attach(scope);
      weights = DjlTensor.of(own);
    }
    Tensor[] levers = null;
    if (inputs.size() - alignInputs > leverInput) {
      NDArray l = inputs.get(leverInput);
      if (l.getShape().dimension() != 2
          || l.getShape().get(0) != n
          || l.getShape().get(1) != Lever.count()) {
        throw new IllegalArgumentException(
            "levers must be [" + n + ", " + Lever.count() + "], found " + l.getShape());
      }
      NDArray lt = l.toType(state.getDataType(), false).transpose().reshape(-1);
      lt = lt.reshape(Lever.count(), n);
      levers = new Tensor[Lever.count()];
      for (int i = 0; i < levers.length; i++) {
        levers[i] = DjlTensor.of(lt.get(i));
      }
    }
    YearValues y = program.run(products, s, u, levers, targets, weights);
    NDList out =
        new NDList(
            NDArrays.stack(arrays(Arrays.asList(y.next())), 1),
            NDArrays.stack(arrays(Arrays.asList(y.flows())), 1),
            DjlTensor.unwrap(y.gap()));
    if (alignedCount > 0) {
      out.add(NDArrays.stack(arrays(Arrays.asList(y.aligned())), 1));
    }
    return out;
  }

  private static NDList arrays(List<Tensor> tensors) {
    NDList list = new NDList(tensors.size());
    for (Tensor t : tensors) {
      list.add(DjlTensor.unwrap(t));
    }
    return list;
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
