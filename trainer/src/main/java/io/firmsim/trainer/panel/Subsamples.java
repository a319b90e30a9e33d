package io.firmsim.trainer.panel;

import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Method;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Cuts a {@link FeatureTable} into the estimation data of each submodel (MODEL.md section 6). With
 * {@code v} the equation's value (its target column):
 *
 * <table>
 *   <caption>Rows and target of each submodel</caption>
 *   <tr><th>method</th><th>submodel</th><th>rows</th><th>target</th></tr>
 *   <tr><td>HS</td><td>level</td><td>all</td><td>v</td></tr>
 *   <tr><td>TOBIT</td><td>latent</td><td>all (censored at 0)</td><td>v</td></tr>
 *   <tr><td>LLG, LLN</td><td>prob</td><td>all</td><td>1{v != 0}</td></tr>
 *   <tr><td>LLG, LLN</td><td>level</td><td>v != 0</td><td>v</td></tr>
 *   <tr><td>MUNO</td><td>prob</td><td>all</td><td>sign(v) in {-1, 0, 1}</td></tr>
 *   <tr><td>LSG</td><td>prob_pos</td><td>all</td><td>1{v &gt; 0}</td></tr>
 *   <tr><td>LSG</td><td>prob_neg</td><td>all</td><td>1{v &lt; 0}</td></tr>
 *   <tr><td>MUNO, LSG</td><td>level_pos</td><td>v &gt; 0</td><td>v</td></tr>
 *   <tr><td>MUNO, LSG</td><td>level_neg</td><td>v &lt; 0</td><td>v</td></tr>
 * </table>
 *
 * <p>Columns: the submodel's features from the spec, minus those constant on its rows (see {@link
 * SubmodelData}). Rows keep the table's order. Stateless; the methods are thread-safe.
 */
public final class Subsamples {
  /** Rows gathered per parallel task. */
  private static final int BLOCK_ROWS = 8192;

  private Subsamples() {}

  /**
   * The data of one submodel.
   *
   * @param equation an equation of the model whose features the table holds
   * @param submodel one of {@code equation.method().submodels()}
   * @throws IllegalArgumentException if the equation has no such submodel
   */
  public static SubmodelData of(FeatureTable table, EquationSpec equation, String submodel) {
    return of(table, equation, submodel, equation.submodel(submodel).features(), true);
  }

  /**
   * The data of one submodel with a chosen feature list (a configuration's override, or the
   * features a fit on other rows kept, to evaluate it on validation rows).
   *
   * @param dropConstant whether features constant in the subsample are dropped (and listed in
   *     {@link SubmodelData#droppedConstant()}) or kept
   */
  public static SubmodelData of(
      FeatureTable table,
      EquationSpec equation,
      String submodel,
      List<Feature> features,
      boolean dropConstant) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(equation, "equation");
    Objects.requireNonNull(submodel, "submodel");
    SubmodelSpec spec = equation.submodel(submodel);
    Method method = equation.method();
    double[] v = table.targetView(equation.target());
    Selection selection = selection(method, submodel);
    int[] rows = selectedRows(v, selection.rows);
    int n = rows.length;

    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = selection.target.of(v[rows[i]]);
    }

    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    List<double[]> columns = new ArrayList<>();
    for (Feature f : features) {
      double[] c = table.columnView(f);
      if (dropConstant && constant(c, rows)) {
        dropped.add(f.name());
      } else {
        kept.add(f.name());
        columns.add(c);
      }
    }
    double[][] cols = columns.toArray(new double[0][]);
    int p = cols.length;
    double[] x = new double[Math.multiplyExact(n, p)];
    IntStream.range(0, (n + BLOCK_ROWS - 1) / BLOCK_ROWS)
        .parallel()
        .forEach(
            b -> {
              int to = Math.min(n, (b + 1) * BLOCK_ROWS);
              for (int i = b * BLOCK_ROWS; i < to; i++) {
                int r = rows[i];
                int o = i * p;
                for (int j = 0; j < p; j++) {
                  x[o + j] = cols[j][r];
                }
              }
            });
    return new SubmodelData(
        equation.target(), submodel, spec.family(), spec.link(), kept, x, y, n, dropped);
  }

  /**
   * The data of every submodel of the model, in spec order: equations in table order, each
   * equation's submodels in {@link Method#submodels()} order (51 for the paper model's layout).
   *
   * <p>All of it is held at once: the sum over submodels of rows times (features + 1) doubles,
   * about 560 per table row for the paper model on a simulated panel (4 GB for 900,000 rows). For a
   * large panel, take {@link #of} one submodel at a time instead.
   */
  public static List<SubmodelData> all(FeatureTable table, ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    List<SubmodelData> out = new ArrayList<>();
    for (EquationSpec e : spec.equations()) {
      for (String s : e.method().submodels()) {
        out.add(of(table, e, s));
      }
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ selection

  private interface RowTest {
    boolean test(double v);
  }

  private interface Target {
    double of(double v);
  }

  private record Selection(RowTest rows, Target target) {}

  private static final RowTest ALL = v -> true;
  private static final Target VALUE = v -> v;

  private static Selection selection(Method method, String submodel) {
    Family family = method.familyOf(submodel);
    switch (submodel) {
      case "level_pos":
        return new Selection(v -> v > 0, VALUE);
      case "level_neg":
        return new Selection(v -> v < 0, VALUE);
      case "prob_pos":
        return new Selection(ALL, v -> v > 0 ? 1.0 : 0.0);
      case "prob_neg":
        return new Selection(ALL, v -> v < 0 ? 1.0 : 0.0);
      default:
        break;
    }
    if (family == Family.ORDINAL3) {
      return new Selection(ALL, v -> v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
    }
    if (family == Family.BINARY) {
      return new Selection(ALL, v -> v != 0 ? 1.0 : 0.0);
    }
    if (family == Family.HUBER && method != Method.HS) {
      return new Selection(v -> v != 0, VALUE); // the level of LLG / LLN
    }
    return new Selection(ALL, VALUE); // HS level, TOBIT latent
  }

  private static int[] selectedRows(double[] v, RowTest test) {
    int count = 0;
    for (double value : v) {
      if (test.test(value)) {
        count++;
      }
    }
    int[] rows = new int[count];
    int at = 0;
    for (int r = 0; r < v.length; r++) {
      if (test.test(v[r])) {
        rows[at++] = r;
      }
    }
    return rows;
  }

  /** Whether the column has one value on all the rows (vacuously true with no rows). */
  private static boolean constant(double[] column, int[] rows) {
    if (rows.length == 0) {
      return true;
    }
    double first = column[rows[0]];
    for (int r : rows) {
      if (column[r] != first) {
        return false;
      }
    }
    return true;
  }
}
