package com.reviewpipeline.claude;

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
final class MessagesClient {

  private final ClaudeSettings settings;
  private final WebClient client;

  MessagesClient(Vertx vertx, ClaudeSettings settings) {
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(10_000)
        .setKeepAlive(true)
        .setUserAgent("review-pipeline/0.1"), new PoolOptions().setHttp1MaxSize(64));
  }

  /** {@code POST /v1/messages} with {@code body}, authenticated with {@code apiKey}. */
  Future<HttpResponse<Buffer>> send(JsonObject body, String apiKey) {
    return client.postAbs(settings.baseUrl() + "/v1/messages")
        .putHeader("x-api-key", apiKey)
        .putHeader("anthropic-version", settings.apiVersion())
        .putHeader("content-type", "application/json")
        .timeout(settings.requestTimeoutMs())
        .sendJsonObject(body);
  }

  void close() {
    client.close();
  }
}
