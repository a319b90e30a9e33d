package io.firmsim.models.step;

import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.equations.Predictor;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.DependencyGraph;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ResidualNoise;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One simulation year (MODEL.md section 4) written once, on {@link Tensor}: the layout of the
 * year's linear predictors and the computation that runs the 24 equations in dependency-depth
 * order, their constraints, the income statement, the tax and the new balance sheet.
 *
 * <p>Backends run it: {@link FirmYearBlock} on DJL arrays, the ONNX exporter as a recorded graph.
 * Each supplies the predictor products ({@link PredictorProducts}) from its own copy of the weights
 * defined here.
 *
 * <p>Linear predictors: every predictor row of every equation is split into its lagged part, its
 * macro part and its current-year part. The lagged parts of all rows are one matrix product per
 * year ({@code [rows, lagged features] x [lagged features, N]}); the macro part folds into the
 * bias; each depth then adds its current-year part with one matrix product over the current-year
 * features that depth reads. Rows are ordered by depth so each depth's rows are one contiguous
 * slice.
 *
 * <p>Uniform columns (sample mode): column k &lt; 24 is the draw of equation T(k+1), then one
 * column per fitted level with residual noise, in table and predictor order ({@link
 * #uniformColumnNames()}).
 */
public final class YearProgram {
  private static final List<Feature> MACRO = List.of(Feature.dgnp, Feature.realr);

  private final ModelSpec spec;
  private final ForwardMode mode;
  private final List<EquationBlock> equations;
  private final DependencyGraph graph;
  private final List<Feature> laggedFeatures;
  private final int[] depthStart; // first global row of each depth; depthStart[D] = rows
  private final int[][] localRows; // per equation: rows relative to its depth's first row
  private final List<List<Feature>> currentFeatures; // per depth
  private final double[][] laggedWeights;
  private final double[][] macroWeights;
  private final double[] bias;
  private final List<double[][]> depthWeights; // null where a depth reads no current feature
  private final int[][] equationUniforms; // per equation: its uniform columns, in its own order
  private final List<String> uniformNames;
  private final List<AlignedSubmodel> aligned;
  private final int[] alignedEquation; // per aligned submodel: equation index (table - 1)
  private final EquationBlock.AlignableRow[] alignedRow; // per aligned submodel

  public YearProgram(ModelSpec spec, ForwardMode mode) {
    this(spec, mode, List.of());
  }

  /**
   * A year whose listed probability submodels are aligned ({@link Alignment}).
   *
   * @param aligned the aligned submodels, in the order of the targets given to {@link #run}; empty
   *     for none (the year is then the plain one)
   * @throws IllegalArgumentException naming the table and submodel when one cannot be aligned (not
   *     in the model, not a binary probability, MUNO's ordinal prob) or is listed twice
   */
  public YearProgram(ModelSpec spec, ForwardMode mode, List<AlignedSubmodel> aligned) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.graph = spec.dependencyGraph();
    List<EquationBlock> blocks = new ArrayList<>();
    for (EquationSpec e : spec.equations()) {
      blocks.add(EquationBlock.of(e, mode));
    }
    this.equations = List.copyOf(blocks);

    // Lagged firm-level features read by any equation, in first-use order.
    LinkedHashSet<Feature> lagged = new LinkedHashSet<>();
    for (EquationBlock b : equations) {
      for (Feature f : b.features()) {
        if (f.lagged() && !MACRO.contains(f)) {
          lagged.add(f);
        }
      }
    }
    this.laggedFeatures = List.copyOf(lagged);

    int depths = graph.depthCount();
    depthStart = new int[depths + 1];
    localRows = new int[equations.size()][];
    List<List<Feature>> current = new ArrayList<>();
    List<double[]> lagRows = new ArrayList<>();
    List<double[]> macroRows = new ArrayList<>();
    List<Double> biases = new ArrayList<>();
    List<double[][]> perDepth = new ArrayList<>();
    int row = 0;
    for (int d = 0; d < depths; d++) {
      depthStart[d] = row;
      LinkedHashSet<Feature> cur = new LinkedHashSet<>();
      for (int eq : graph.equationsAt(d)) {
        for (Feature f : equations.get(eq).features()) {
          if (!f.lagged()) {
            cur.add(f);
          }
        }
      }
      List<Feature> curList = List.copyOf(cur);
      current.add(curList);
      List<double[]> curRows = new ArrayList<>();
      for (int eq : graph.equationsAt(d)) {
        EquationBlock b = equations.get(eq);
        int p = b.predictors().size();
        localRows[eq] = new int[p];
        double[][] wl = b.predictorWeights(withOwnFeatures(b, laggedFeatures));
        double[][] wm = b.predictorWeights(withOwnFeatures(b, MACRO));
        double[][] wc = b.predictorWeights(withOwnFeatures(b, curList));
        for (int r = 0; r < p; r++) {
          localRows[eq][r] = row - depthStart[d];
          lagRows.add(Arrays.copyOf(wl[r], laggedFeatures.size()));
          macroRows.add(Arrays.copyOf(wm[r], MACRO.size()));
          curRows.add(Arrays.copyOf(wc[r], curList.size()));
          biases.add(b.predictors().get(r).bias());
          row++;
        }
      }
      perDepth.add(curList.isEmpty() ? null : curRows.toArray(new double[0][]));
    }
    depthStart[depths] = row;
    this.currentFeatures = List.copyOf(current);
    this.depthWeights = java.util.Collections.unmodifiableList(perDepth);
    this.laggedWeights = lagRows.toArray(new double[0][]);
    this.macroWeights = macroRows.toArray(new double[0][]);
    this.bias = biases.stream().mapToDouble(Double::doubleValue).toArray();

    // Uniform columns: the 24 equation draws, then one per noisy level in table and row order.
    List<String> names = new ArrayList<>();
    for (EquationBlock b : equations) {
      names.add("T" + b.spec().table());
    }
    equationUniforms = new int[equations.size()][];
    for (int eq = 0; eq < equations.size(); eq++) {
      EquationBlock b = equations.get(eq);
      List<Predictor> rows = b.predictors();
      List<Integer> cols = new ArrayList<>();
      if (b.needsUniform()) {
        cols.add(eq);
      }
      for (int r = 0; r < rows.size(); r++) {
        ResidualNoise e = rows.get(r).submodel().noise();
        if (e != null) {
          if (mode == ForwardMode.SAMPLE) {
            cols.add(names.size());
          }
          names.add("T" + b.spec().table() + "." + rows.get(r).submodel().name() + ".noise");
        }
      }
      equationUniforms[eq] = cols.stream().mapToInt(Integer::intValue).toArray();
    }
    this.uniformNames = List.copyOf(names);

    this.aligned = List.copyOf(aligned);
    alignedEquation = new int[this.aligned.size()];
    alignedRow = new EquationBlock.AlignableRow[this.aligned.size()];
    for (int a = 0; a < this.aligned.size(); a++) {
      AlignedSubmodel m = this.aligned.get(a);
      if (this.aligned.subList(0, a).contains(m)) {
        throw new IllegalArgumentException(m.label() + " is aligned twice");
      }
      int eq = -1;
      for (int i = 0; i < equations.size(); i++) {
        if (equations.get(i).spec().table() == m.table()) {
          eq = i;
        }
      }
      if (eq < 0) {
        throw new IllegalArgumentException("cannot align " + m.label() + ": no table " + m.table());
      }
      alignedEquation[a] = eq;
      alignedRow[a] = equations.get(eq).alignableRow(m.submodel());
    }
  }

  /** The aligned submodels, in the order of their targets. */
  public List<AlignedSubmodel> aligned() {
    return aligned;
  }

  /**
   * Weights over {@code over}, with the equation's other features appended so that every
   * coefficient has a column; the caller keeps the first {@code over.size()} columns.
   */
  private static List<Feature> withOwnFeatures(EquationBlock b, List<Feature> over) {
    List<Feature> all = new ArrayList<>(over);
    for (Feature f : b.features()) {
      if (!all.contains(f)) {
        all.add(f);
      }
    }
    return all;
  }

  public ModelSpec spec() {
    return spec;
  }

  public ForwardMode mode() {
    return mode;
  }

  /** The equation blocks, by table - 1. */
  public List<EquationBlock> equations() {
    return equations;
  }

  /** Lagged firm-level features read by any predictor row, in the column order of the weights. */
  public List<Feature> laggedFeatures() {
    return laggedFeatures;
  }

  /** {@code [R, laggedFeatures().size()]}: the lagged part of every predictor row. */
  public double[][] laggedWeights() {
    return deepCopy(laggedWeights);
  }

  /** {@code [R, 2]}: the slopes on (dgnp, realr) of every predictor row. */
  public double[][] macroWeights() {
    return deepCopy(macroWeights);
  }

  /** {@code [R]}: the intercept of every predictor row. */
  public double[] bias() {
    return bias.clone();
  }

  /** Total number of predictor rows. */
  public int rows() {
    return bias.length;
  }

  public int depthCount() {
    return graph.depthCount();
  }

  /** Current-year features the rows of a depth read, in the column order of its weights. */
  public List<Feature> currentFeatures(int depth) {
    return currentFeatures.get(depth);
  }

  /** {@code [R_depth, currentFeatures(depth).size()]}, or null when the depth reads none. */
  public double[][] depthWeights(int depth) {
    double[][] w = depthWeights.get(depth);
    return w == null ? null : deepCopy(w);
  }

  /** Width of the uniforms input in sample mode (the columns {@link #uniformColumnNames()}). */
  public int uniformColumns() {
    return uniformNames.size();
  }

  /** {@code T1 .. T24}, then {@code T<table>.<submodel>.noise} per fitted level with noise. */
  public List<String> uniformColumnNames() {
    return uniformNames;
  }

  /** Which uniform columns the year reads in sample mode (the others may hold anything). */
  public boolean[] readsUniform() {
    boolean[] used = new boolean[uniformNames.size()];
    for (int[] cols : equationUniforms) {
      for (int c : cols) {
        used[c] = true;
      }
    }
    return used;
  }

  /**
   * Runs the year.
   *
   * @param products the backend's predictor products
   * @param state last year's state, by {@link StateVariable} index, each {@code [N]}
   * @param uniforms the uniform columns, each {@code [N]} (sample mode; unread columns may be
   *     null), or null in mean mode
   */
  public YearValues run(PredictorProducts products, Tensor[] state, Tensor[] uniforms) {
    return run(products, state, uniforms, null);
  }

  /**
   * Runs the year with stress-scenario levers.
   *
   * @param levers the {@link Lever} columns, each {@code [N]} (rows of {@link Lever#neutralRow}
   *     leave a firm's year exactly as without levers), or null for none
   */
  public YearValues run(
      PredictorProducts products, Tensor[] state, Tensor[] uniforms, Tensor[] levers) {
    return run(products, state, uniforms, levers, null, null);
  }

  /**
   * Runs the year with levers and alignment ({@link Alignment}).
   *
   * @param targets per aligned submodel ({@link #aligned()} order), the year's target rate as a 0-d
   *     tensor: in (0, 1), or NaN or negative where the submodel is not aligned this year; null
   *     when no submodel is aligned
   * @param weights the firm weights, {@code [N]} (0 for padding rows; N a multiple of {@link
   *     FirmYearBlock#TILE}), or null when no submodel is aligned
   */
  public YearValues run(
      PredictorProducts products,
      Tensor[] state,
      Tensor[] uniforms,
      Tensor[] levers,
      Tensor[] targets,
      Tensor weights) {
    if (!aligned.isEmpty()
        && (targets == null || targets.length != aligned.size() || weights == null)) {
      throw new IllegalArgumentException(
          "an aligned year needs " + aligned.size() + " targets and the firm weights");
    }
    if (aligned.isEmpty() && (targets != null || weights != null)) {
      throw new IllegalArgumentException("targets and weights given to a year without alignment");
    }
    Tensor tiledWeights = weights == null ? null : weights.tiles(FirmYearBlock.TILE);
    Tensor[] alignedProbability = new Tensor[aligned.size()];
    if (levers != null && levers.length != Lever.count()) {
      throw new IllegalArgumentException(
          "levers has " + levers.length + " columns, expected " + Lever.count());
    }
    if (state.length != StateVariable.count()) {
      throw new IllegalArgumentException(
          "state has " + state.length + " columns, expected " + StateVariable.count());
    }
    if (mode == ForwardMode.SAMPLE && (uniforms == null || uniforms.length < uniformColumns())) {
      throw new IllegalArgumentException("sample mode needs " + uniformColumns() + " uniforms");
    }
    Year y = new Year(state, spec.constants(), levers);
    List<Tensor> lagCols = new ArrayList<>(laggedFeatures.size());
    for (Feature f : laggedFeatures) {
      lagCols.add(y.lagged(f));
    }
    Tensor etaAll = products.lagged(lagCols);
    for (int d = 0; d < graph.depthCount(); d++) {
      Tensor eta = etaAll.slice(depthStart[d], depthStart[d + 1]);
      if (depthWeights.get(d) != null) {
        List<Tensor> cur = new ArrayList<>();
        for (Feature f : currentFeatures.get(d)) {
          cur.add(y.current(f));
        }
        eta = products.current(d, cur).add(eta);
      }
      for (int eq : graph.equationsAt(d)) {
        EquationBlock block = equations.get(eq);
        List<Tensor> rows = new ArrayList<>(localRows[eq].length);
        for (int r : localRows[eq]) {
          rows.add(eta.row(r));
        }
        for (int a = 0; a < aligned.size(); a++) {
          if (alignedEquation[a] == eq) {
            EquationBlock.AlignableRow ar = alignedRow[a];
            Tensor shifted =
                Alignment.align(rows.get(ar.row()), ar.link(), tiledWeights, targets[a]);
            rows.set(ar.row(), shifted);
            alignedProbability[a] = ar.link().probability(shifted);
          }
        }
        List<Tensor> u = new ArrayList<>(equationUniforms[eq].length);
        for (int c : equationUniforms[eq]) {
          u.add(uniforms[c]);
        }
        y.setEquation(eq, block.evaluate(rows, u));
      }
      y.endOfDepth();
    }
    y.closeYear();
    Tensor[] next = new Tensor[StateVariable.count()];
    for (StateVariable v : StateVariable.all()) {
      next[v.index()] = y.next(v);
    }
    Tensor[] flows = new Tensor[FlowVariable.count()];
    for (FlowVariable f : FlowVariable.all()) {
      flows[f.index()] = y.flow(f);
    }
    return new YearValues(next, flows, y.balanceGap(), alignedProbability);
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
