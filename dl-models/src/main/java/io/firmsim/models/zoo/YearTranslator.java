package io.firmsim.models.zoo;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * The year model's tensors in and out, the same on both engines.
 *
 * <p>Input: {@code state [N, StateVariable.count()]}, {@code macro [2]} (dgnp, realr) and, in
 * sample mode, {@code uniforms [N, U]} (U is the model property {@code firmsim.uniformColumns}),
 * all in the model's dtype. Either positionally in that order (the order of {@code FirmYearBlock}'s
 * forward), or named {@code state}, {@code macro}, {@code uniforms} in any order. Output: {@code
 * new_state [N, StateVariable.count()]}, {@code flows [N, FlowVariable.count()]} and {@code
 * balance_gap [N]}, in that order and named so. The outputs (and on the PyTorch engine the year's
 * intermediates) belong to the manager of the input state: scope the inputs in a sub-manager and
 * close it to free them.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class YearTranslator implements NoBatchifyTranslator<NDList, NDList> {
  static final String STATE = "state";
  static final String MACRO = "macro";
  static final String UNIFORMS = "uniforms";
  static final String NEW_STATE = "new_state";
  static final String FLOWS = "flows";
  static final String BALANCE_GAP = "balance_gap";

  private final boolean onnx;
  private final boolean sample;
  private final DataType dtype;
  private final int uniformColumns;

  /**
   * @param model a year model loaded by firmsim's model loader or block factory
   * @throws TranslateException when the model is not one
   */
  public YearTranslator(Model model) throws TranslateException {
    String mode = model.getProperty(YearLoading.PREFIX + "mode");
    String dt = model.getProperty(YearLoading.PREFIX + "dtype");
    String u = model.getProperty(YearLoading.PREFIX + "uniformColumns");
    String engine = model.getProperty(YearLoading.PREFIX + "engine");
    if (mode == null || dt == null || u == null || engine == null) {
      throw new TranslateException(
          "model " + model.getName() + " is not a firmsim year model (no firmsim.* properties)");
    }
    this.onnx = Engines.ONNX_RUNTIME.equals(engine);
    this.sample = "sample".equals(mode);
    this.dtype = "float32".equals(dt) ? DataType.FLOAT32 : DataType.FLOAT64;
    this.uniformColumns = Integer.parseInt(u);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, NDList input) throws TranslateException {
    int expected = sample ? 3 : 2;
    if (input.size() != expected) {
      throw new TranslateException(
          (sample ? "sample" : "mean")
              + " mode takes "
              + (sample ? "state, macro and uniforms" : "state and macro")
              + ", found "
              + input.size()
              + " arrays");
    }
    NDArray state;
    NDArray macro;
    NDArray uniforms;
    if (input.get(0).getName() != null && input.get(STATE) != null) {
      state = input.get(STATE);
      macro = require(input.get(MACRO), MACRO);
      uniforms = sample ? require(input.get(UNIFORMS), UNIFORMS) : null;
    } else {
      state = input.get(0);
      macro = input.get(1);
      uniforms = sample ? input.get(2) : null;
    }
    Shape s = state.getShape();
    if (s.dimension() != 2 || s.get(1) != StateVariable.count()) {
      throw new TranslateException(
          "state must be [firms, " + StateVariable.count() + "], found " + s);
    }
    if (!macro.getShape().equals(new Shape(2))) {
      throw new TranslateException("macro must be [2] (dgnp, realr), found " + macro.getShape());
    }
    if (sample && !uniforms.getShape().equals(new Shape(s.get(0), uniformColumns))) {
      throw new TranslateException(
          "uniforms must be ["
              + s.get(0)
              + ", "
              + uniformColumns
              + "], found "
              + uniforms.getShape());
    }
    NDList list = sample ? new NDList(state, macro, uniforms) : new NDList(state, macro);
    for (NDArray a : list) {
      if (a.getDataType() != dtype) {
        throw new TranslateException(
            "the model is " + dtype + ", an input is " + a.getDataType() + ": convert it first");
      }
    }
    if (onnx) {
      // The year graph's inputs are matched by name.
      state.setName(STATE);
      macro.setName(MACRO);
      if (sample) {
        uniforms.setName(UNIFORMS);
      }
    }
    return list;
  }

  private static NDArray require(NDArray a, String name) throws TranslateException {
    if (a == null) {
      throw new TranslateException("named inputs must include " + name);
    }
    return a;
  }

  @Override
  public NDList processOutput(TranslatorContext ctx, NDList output) {
    NDList out;
    if (output.get(NEW_STATE) != null) {
      out = new NDList(output.get(NEW_STATE), output.get(FLOWS), output.get(BALANCE_GAP));
    } else {
      out = new NDList(output.get(0), output.get(1), output.get(2));
    }
    out.get(0).setName(NEW_STATE);
    out.get(1).setName(FLOWS);
    out.get(2).setName(BALANCE_GAP);
    return out;
  }
}
