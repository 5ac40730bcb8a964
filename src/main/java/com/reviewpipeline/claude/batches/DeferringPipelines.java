package com.reviewpipeline.claude.batches;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.MessageBatchSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.telemetry.ConsumerLag;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link Addresses#MESSAGE_BATCH_PIPELINES}, the pipelines whose batches go to the Message Batches API now
 * (the Claude verticles read it): those in {@code always} mode from the start, those in {@code backlog} mode while
 * their consumer lag is above their threshold. Used on the Message Batch verticle's event loop.
 */
final class DeferringPipelines {

  private static final Logger LOG = LoggerFactory.getLogger(DeferringPipelines.class);

  private final Vertx vertx;
  private final AppConfig app;
  private final MessageBatchSettings settings;
  private final LocalMap<String, String> deferring;
  private Admin admin;

  DeferringPipelines(Vertx vertx, AppConfig app) {
    this.vertx = vertx;
    this.app = app;
    this.settings = app.messageBatches();
    this.deferring = vertx.sharedData().getLocalMap(Addresses.MESSAGE_BATCH_PIPELINES);
    for (PipelineConfig p : app.pipelines()) {
      if (MessageBatchSettings.ALWAYS.equals(settings.mode(p.name()))) {
        deferring.put(p.name(), "always");
      }
    }
  }

  /** The pipelines that defer now. */
  Set<String> names() {
    return deferring.keySet();
  }

  /** Measures the lag of the backlog-mode pipelines every {@code lag_check_ms}, if there are any. */
  void startLagChecks() {
    boolean lagCheck = app.pipelines().stream().anyMatch(p -> MessageBatchSettings.BACKLOG.equals(settings.mode(p.name())));
    if (lagCheck) {
      Properties ap = new Properties();
      ap.put("bootstrap.servers", app.kafka().bootstrapServers());
      admin = Admin.create(ap);
      vertx.setPeriodic(settings.lagCheckMs(), t -> checkLag());
    }
  }

  /** Pipelines in backlog mode defer while their consumer lag is above their threshold. */
  private void checkLag() {
    Map<String, List<String>> groups = new HashMap<>();
    for (PipelineConfig p : app.pipelines()) {
      if (MessageBatchSettings.BACKLOG.equals(settings.mode(p.name()))) {
        groups.put(p.groupId(), List.of(app.kafka().eventsTopic()));
      }
    }
    vertx.executeBlocking(() -> ConsumerLag.measure(admin, groups)).onSuccess(lags -> {
      for (PipelineConfig p : app.pipelines()) {
        List<ConsumerLag.Partition> parts = lags.get(p.groupId());
        if (parts == null) {
          continue;
        }
        long lag = parts.stream().mapToLong(ConsumerLag.Partition::lag).sum();
        boolean above = lag > settings.backlogLag(p.name());
        String was = deferring.get(p.name());
        if (above && was == null) {
          deferring.put(p.name(), "backlog");
          LOG.info("message_batches.backlog.on pipeline={} lag={} threshold={}", p.name(), lag, settings.backlogLag(p.name()));
        } else if (!above && "backlog".equals(was)) {
          deferring.remove(p.name());
          LOG.info("message_batches.backlog.off pipeline={} lag={}", p.name(), lag);
        }
      }
    }).onFailure(err -> LOG.warn("message_batches.lag_check.failed error={}", err.toString()));
  }

  void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
