package com.reviewpipeline.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local stand-in for a Slack incoming webhook: keeps every message posted to it, answers 200. */
public final class WebhookReceiver implements AutoCloseable {

  public final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public WebhookReceiver() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      received.add(b.toJsonObject());
      req.response().setStatusCode(200).end("ok");
    }));
    PipelineHarness.await(server.listen(0, "127.0.0.1"));
  }

  /** The webhook URL, with a path shaped like Slack's (it carries a secret there). */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/services/T000/B000/secret";
  }

  /** Messages about one alert key, in arrival order. */
  public List<JsonObject> messages(String key) {
    return received.stream().filter(m -> m.getJsonObject("alert") != null
        && key.equals(m.getJsonObject("alert").getString("key"))).toList();
  }

  /** The statuses ("firing", "resolved", ...) of one alert key, in arrival order. */
  public List<String> statuses(String key) {
    return messages(key).stream().map(m -> m.getJsonObject("alert").getString("status")).toList();
  }

  @Override
  public void close() {
    PipelineHarness.await(vertx.close());
  }
}
