package io.firmsim.models.tensor;

/**
 * An elementwise condition produced by comparing {@link Tensor}s: combined with {@link #and},
 * turned into 0/1 values or used to choose between two tensors.
 */
public interface Mask {
  Mask and(Mask other);

  /** 1 where true, 0 where false, in the dtype of {@code like}. */
  Tensor toValues(Tensor like);

  /** {@code ifTrue} where the condition holds, else {@code ifFalse}. */
  Tensor select(Tensor ifTrue, Tensor ifFalse);
}
