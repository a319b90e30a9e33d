package io.firmsim.serving.http;

import io.firmsim.serving.repository.LoadedArtifact;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An endpoint of an artifact beyond inference, dispatched for {@code
 * /v2/models/{NAME}[/versions/{v}]/{action}} when NAME is an artifact NAME of the repository, or a
 * served model of one (then with the model's name in {@link #MODEL_ATTRIBUTE}), and the action is
 * registered under that name ({@link InferenceServer.Builder#optAction}): the simulation endpoint
 * ({@code POST .../simulate}) and drift monitoring ({@code GET .../drift}) go here.
 *
 * <p>The server resolves the artifact version (the serving one, or the one named; 404 or 503 with
 * {@code {"error"}} otherwise) and holds it until {@code callback} completes, so its runners stay
 * open while the action uses them. The action checks the method itself (answer 405 with {@link
 * HttpAnswers#error}), answers through {@code response} and completes {@code callback}, as a Jetty
 * core handler does; it runs on an HTTP thread and may block. An exception it throws before
 * completing the callback is answered 500 with {@code {"error"}}.
 */
@FunctionalInterface
public interface ModelAction {
  /**
   * The request attribute that holds the served model's name when the path named a served model
   * ({@code /v2/models/NAME-year-mean-float64/drift}) rather than an artifact; absent otherwise.
   */
  String MODEL_ATTRIBUTE = "io.firmsim.serving.model";

  /**
   * @param artifact the artifact version, referenced until the callback completes
   * @param request the HTTP request
   * @param response the HTTP response
   * @param callback complete it when the answer is written
   */
  void handle(LoadedArtifact artifact, Request request, Response response, Callback callback)
      throws Exception;
}
