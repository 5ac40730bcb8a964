package com.reviewpipeline.claude.api;

import com.reviewpipeline.config.ClaudeSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** The transport to the Messages API: one keep-alive connection pool, the documented headers, a timeout per request. */
public final class MessagesClient {

  private final ClaudeSettings settings;
  private final WebClient client;

  public MessagesClient(Vertx vertx, ClaudeSettings settings) {
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(10_000)
        .setKeepAlive(true)
        .setUserAgent("review-pipeline/0.1"), new PoolOptions().setHttp1MaxSize(64));
  }

  /** {@code POST /v1/messages} with {@code body}, authenticated with {@code apiKey}. */
  public Future<HttpResponse<Buffer>> send(JsonObject body, String apiKey) {
    return client.postAbs(settings.baseUrl() + "/v1/messages")
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .putHeader("content-type", "application/json")
        .timeout(settings.requestTimeoutMs())
        .sendJsonObject(body);
  }

  /** {@code POST /v1/messages/batches}. */
  public Future<HttpResponse<Buffer>> createBatch(JsonObject body, String apiKey) {
    return client.postAbs(settings.baseUrl() + "/v1/messages/batches")
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .putHeader("content-type", "application/json")
        .timeout(Math.max(settings.requestTimeoutMs(), 120_000))
        .sendJsonObject(body);
  }

  /**
   * {@code GET /v1/messages/batches}: the workspace's Message Batches, most recently created first, {@code limit} per
   * page, older ones after {@code afterId} (null: from the newest).
   */
  public Future<HttpResponse<Buffer>> listBatches(int limit, String afterId, String apiKey) {
    var request = client.getAbs(settings.baseUrl() + "/v1/messages/batches")
        .addQueryParam("limit", String.valueOf(limit))
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .timeout(settings.requestTimeoutMs());
    if (afterId != null) {
      request.addQueryParam("after_id", afterId);
    }
    return request.send();
  }

  /** {@code GET /v1/messages/batches/{id}}. */
  public Future<HttpResponse<Buffer>> getBatch(String id, String apiKey) {
    return client.getAbs(settings.baseUrl() + "/v1/messages/batches/" + id)
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .timeout(settings.requestTimeoutMs())
        .send();
  }

  /**
   * The JSON Lines at a batch's {@code results_url}. The key is sent only to the configured API's own origin: a
   * {@code results_url} elsewhere is refused, not followed.
   */
  public Future<HttpResponse<Buffer>> batchResults(String resultsUrl, String apiKey) {
    if (!sameOrigin(resultsUrl, settings.baseUrl())) {
      return Future.failedFuture(new IllegalStateException("results_url is not on the configured API origin "
          + settings.baseUrl() + ": " + resultsUrl));
    }
    return client.getAbs(resultsUrl)
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .timeout(Math.max(settings.requestTimeoutMs(), 300_000))
        .send();
  }

  public static boolean sameOrigin(String url, String base) {
    try {
      java.net.URI u = java.net.URI.create(url);
      java.net.URI b = java.net.URI.create(base);
      return u.getScheme() != null && u.getScheme().equalsIgnoreCase(b.getScheme())
          && u.getHost() != null && u.getHost().equalsIgnoreCase(b.getHost()) && port(u) == port(b);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int port(java.net.URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  public void close() {
    client.close();
  }
}
