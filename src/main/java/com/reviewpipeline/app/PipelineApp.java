package com.reviewpipeline.app;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.alert.AlertVerticle;
import com.reviewpipeline.buffer.BatchBufferVerticle;
import com.reviewpipeline.bus.LocalCodec;
import com.reviewpipeline.claude.ClaudeVerticle;
import com.reviewpipeline.claude.KeyPool;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.ingest.IngestVerticle;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.publish.ResultPublisherVerticle;
import com.reviewpipeline.retry.RetrySchedulerVerticle;
import com.reviewpipeline.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the pipeline's verticles in dependency order (publisher, Claude, buffer, then ingest)
 * and stops them in reverse, so that ingest drains through a still-running downstream.
 */
public final class PipelineApp {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final List<String> ingest = new ArrayList<>();
  private final List<String> downstream = new ArrayList<>();
  private String admin;

  private PipelineApp(Vertx vertx, AppConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public static Future<PipelineApp> deploy(Vertx vertx, AppConfig config, boolean withAdmin) {
    registerCodecs(vertx);
    PipelineApp app = new PipelineApp(vertx, config);
    LOG.info("pipeline.starting config={}", config);
    return vertx.executeBlocking(() -> {
          Topics.ensure(config.kafka());
          return null;
        })
        .compose(v -> app.deploy(() -> new ResultPublisherVerticle(config), config.instances().publisher(), app.downstream))
        .compose(v -> {
          // one limiter per API key for the whole process, shared by every Claude verticle instance
          KeyPool keys = new KeyPool(config.anthropic().apiKeys(), config.anthropic().rateLimits(), System::currentTimeMillis);
          return app.deploy(() -> new ClaudeVerticle(config, keys), config.instances().claude(), app.downstream);
        })
        .compose(v -> app.deploy(() -> new BatchBufferVerticle(config), config.instances().buffer(), app.downstream))
        .compose(v -> app.deploy(() -> new RetrySchedulerVerticle(config), 1, app.downstream))
        .compose(v -> config.databaseUrl().isBlank() ? Future.succeededFuture()
            : app.deploy(() -> new StoreVerticle(config), 1, app.downstream))
        .compose(v -> app.deploy(() -> new AlertVerticle(config, config.alerts()), 1, app.downstream))
        .compose(v -> {
          List<Future<?>> all = new ArrayList<>();
          for (PipelineConfig p : config.pipelines()) {
            all.add(app.deploy(() -> new IngestVerticle(config, p), config.instances().ingest(), app.ingest));
          }
          return Future.all(all);
        })
        .compose(v -> withAdmin
            ? vertx.deployVerticle(new AdminApiVerticle(config)).onSuccess(id -> app.admin = id).mapEmpty()
            : Future.succeededFuture())
        .map(v -> {
          LOG.info("pipeline.started pipelines={} instances={}",
              config.pipelines().stream().map(PipelineConfig::name).toList(), config.instances());
          return app;
        });
  }

  /** Registers the local codecs of every hot-path message type. */
  public static void registerCodecs(Vertx vertx) {
    LocalCodec.registerAll(vertx, List.of(PipelineEvent.class, Batch.class, BatchResults.class, FailedEvents.class,
        RejectedRecord.class, BatchAck.class));
  }

  private Future<Void> deploy(java.util.function.Supplier<io.vertx.core.Deployable> supplier, int instances, List<String> ids) {
    return vertx.deployVerticle(supplier, new DeploymentOptions().setInstances(instances))
        .onSuccess(ids::add)
        .mapEmpty();
  }

  /** Graceful stop: ingest drains (pause, flush, wait, commit, close), then the rest stops. */
  public Future<Void> stop() {
    LOG.info("pipeline.stopping");
    List<String> reversed = new ArrayList<>(downstream);
    java.util.Collections.reverse(reversed);
    List<Future<?>> drains = new ArrayList<>();
    ingest.forEach(id -> drains.add(undeploy(List.of(id))));
    ingest.clear();
    downstream.clear();
    return Future.join(drains)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture())
        .compose(v -> undeploy(reversed))
        .compose(v -> admin == null ? Future.succeededFuture() : vertx.undeploy(admin))
        .onComplete(ar -> LOG.info("pipeline.stopped"));
  }

  private Future<Void> undeploy(List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain = chain.compose(v -> vertx.undeploy(id).recover(err -> {
        LOG.warn("pipeline.undeploy.failed deployment={} error={}", id, err.toString());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }
}
