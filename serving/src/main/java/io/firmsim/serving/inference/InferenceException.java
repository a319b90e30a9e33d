package io.firmsim.serving.inference;

import java.util.Objects;

/**
 * Why an inference (or a simulation) did not answer, in terms a client can act on. Every HTTP
 * answer of a failure uses {@link Reason#httpStatus()}: INVALID 400, NOT_FOUND 404, OVERLOADED and
 * UNAVAILABLE 503 (with {@code Retry-After}), TIMEOUT 504, ENGINE 500; the body is always {@code
 * {"error": "..."}} with the message.
 */
public final class InferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The class of failure. */
  public enum Reason {
    /** The request is wrong (shape, datatype, values): the client must change it. */
    INVALID(400),
    /** No such model or version. */
    NOT_FOUND(404),
    /** The model's queue is full: retry later. */
    OVERLOADED(503),
    /** The model is not loaded or is shutting down: retry later. */
    UNAVAILABLE(503),
    /** The request's time limit passed before it was answered. */
    TIMEOUT(504),
    /** The engine failed: a server-side fault. */
    ENGINE(500);

    private final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status code of an answer that fails for this reason. */
    public int httpStatus() {
      return httpStatus;
    }

    /** Whether the answer carries {@code Retry-After} (the client may retry unchanged). */
    public boolean retryable() {
      return this == OVERLOADED || this == UNAVAILABLE;
    }
  }

  private final Reason reason;

  public InferenceException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  public InferenceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
  }

  public Reason reason() {
    return reason;
  }
}
