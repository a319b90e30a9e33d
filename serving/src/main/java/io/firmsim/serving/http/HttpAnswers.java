package io.firmsim.serving.http;

import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.protocol.ProtocolJson;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes the server's answers: JSON bodies, and failures as {@code {"error": "..."}} with the
 * status of their {@link InferenceException.Reason} and {@code Retry-After} on the retryable ones.
 * For {@link ModelAction}s, so that every endpoint answers alike.
 */
public final class HttpAnswers {
  /** Seconds a client is told to wait before retrying a 503. */
  public static final String RETRY_AFTER_SECONDS = "1";

  private HttpAnswers() {}

  /** Answers {@code status} with a JSON body and completes the callback. */
  public static void json(Response response, Callback callback, int status, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProtocolJson.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** Answers a failure with its reason's status. */
  public static void error(Response response, Callback callback, InferenceException e) {
    if (e.reason().retryable()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    error(response, callback, e.reason().httpStatus(), e.getMessage());
  }

  /** Answers {@code status} with {@code {"error": message}}. */
  public static void error(Response response, Callback callback, int status, String message) {
    json(response, callback, status, ProtocolJson.error(message));
  }
}
