/**
 * Running served models on ONNX Runtime: one session per served model version on the process's
 * shared environment, with the thread settings of {@link
 * io.firmsim.serving.runtime.SessionSettings}.
 */
package io.firmsim.serving.runtime;
