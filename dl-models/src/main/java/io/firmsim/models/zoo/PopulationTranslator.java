package io.firmsim.models.zoo;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * The year model with plain Java arrays: a {@link PopulationBatch} in, a {@link YearOutcome} out.
 * The arrays are created in the model's dtype in the prediction's own manager and the results
 * copied out, so nothing outlives the call. Wraps {@link YearTranslator}, which checks the shapes.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class PopulationTranslator
    implements NoBatchifyTranslator<PopulationBatch, YearOutcome> {
  private final YearTranslator tensors;
  private final DataType dtype;

  /**
   * @param model a year model loaded by firmsim's model loader or block factory
   * @throws TranslateException when the model is not one
   */
  public PopulationTranslator(Model model) throws TranslateException {
    this.tensors = new YearTranslator(model);
    this.dtype =
        "float32".equals(model.getProperty(YearLoading.PREFIX + "dtype"))
            ? DataType.FLOAT32
            : DataType.FLOAT64;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, PopulationBatch batch)
      throws TranslateException {
    NDManager m = ctx.getNDManager();
    int n = batch.firms();
    NDList list = new NDList();
    list.add(create(m, batch.state(), new Shape(n, StateVariable.count())));
    list.add(create(m, batch.macro(), new Shape(2)));
    double[] u = batch.uniforms();
    if (u != null) {
      list.add(create(m, u, new Shape(n, batch.uniformColumns())));
    }
    return tensors.processInput(ctx, list);
  }

  private NDArray create(NDManager m, double[] values, Shape shape) {
    if (dtype == DataType.FLOAT64) {
      return m.create(values, shape);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return m.create(f, shape);
  }

  @Override
  public YearOutcome processOutput(TranslatorContext ctx, NDList output) {
    NDList out = tensors.processOutput(ctx, output);
    int n = Math.toIntExact(out.get(2).getShape().get(0));
    return new YearOutcome(n, values(out.get(0)), values(out.get(1)), values(out.get(2)));
  }

  private static double[] values(NDArray a) {
    if (a.getDataType() == DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
