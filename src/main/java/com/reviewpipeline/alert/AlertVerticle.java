package com.reviewpipeline.alert;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.ClusterNodes;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.ratelimit.Backoff;
import com.reviewpipeline.store.ModerationQueries;
import com.reviewpipeline.telemetry.ConsumerLag;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the conditions a human must hear about and posts them to the configured webhooks in
 * Slack's incoming-webhook format ({@code {"text": ...}}): a digest of flagged reviews per
 * interval (never one message per review), the manual-review backlog, consumer lag (warning and
 * page), the spend-limit and circuit pauses, and routing drift (a tier's share of a pipeline's events over a window
 * above its bound). Each condition fires once while it lasts and sends a resolved message when it clears; the
 * checked levels with hysteresis (see {@link AlertRules#observeLevel}), the ones raised over the bus as their
 * senders decide. A cost and model-mix summary per pipeline goes out every
 * {@code summary_interval_ms}. Deliveries are retried with backoff.
 */
public final class AlertVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);

  private final AppConfig app;
  private final AlertSettings settings;
  private final Membership membership;
  private WebClient client;
  private Admin kafkaAdmin;
  private ModerationQueries store;
  private final Telemetry telemetry;
  private final AlertRules rules = new AlertRules();
  private double flaggedAtLastDigest;
  private long checkTimer = -1;
  private long digestTimer = -1;
  private long summaryTimer = -1;
  private ClusterNodes nodes;
  private MixMonitor mix;

  public AlertVerticle(AppConfig app, AlertSettings settings, Telemetry telemetry, Membership membership) {
    this.app = app;
    this.settings = settings;
    this.telemetry = telemetry;
    this.membership = membership;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx);
    Properties props = new Properties();
    props.put("bootstrap.servers", app.kafka().bootstrapServers());
    props.put("request.timeout.ms", "5000");
    props.put("default.api.timeout.ms", "5000");
    kafkaAdmin = Admin.create(props);
    if (!app.databaseUrl().isBlank()) {
      store = ModerationQueries.connect(vertx, app.databaseUrl(), 2);
    }
    flaggedAtLastDigest = telemetry.flaggedTotal();
    // local: each node reports what it saw once (a clustered consumer would repeat it from every node)
    vertx.eventBus().<JsonObject>localConsumer(Addresses.ALERTS, m -> {
      JsonObject a = m.body();
      // "resolved": true clears a condition raised this way (the budget guardrails' warnings and actions)
      transition(a.getString("key", a.getString("type")), !a.getBoolean("resolved", false),
          a.getString("severity", "critical"), a.getString("message"));
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.CONTROL, m -> {
      String alert = m.body().getString("alert");
      if ("resume".equals(m.body().getString("action")) && alert != null) {
        transition(alert, false, "critical", "the Anthropic API answers again; pipeline "
            + m.body().getString("pipeline") + " resumed");
      }
    });
    mix = new MixMonitor(settings.driftWindowMs());
    // totals start at zero with this process, so the first summary covers everything judged since start
    mix.record(System.currentTimeMillis(), new JsonObject());
    nodes = new ClusterNodes(vertx, membership, app.cluster().displayName(), ClusterNodes.MONITOR);
    // every node answers with its own totals; the node raising service alerts sums them
    nodes.serve(request -> Future.succeededFuture(JudgedTotals.of(telemetry.registry())));
    checkTimer = vertx.setPeriodic(settings.checkIntervalMs(), t -> check());
    summaryTimer = vertx.setPeriodic(settings.summaryIntervalMs(), t -> summary());
    digestTimer = vertx.setPeriodic(settings.flaggedDigestIntervalMs(), t -> digest());
    LOG.info("alerts.started webhooks={} check_interval_ms={}", settings.webhooks().size(), settings.checkIntervalMs());
    return Future.succeededFuture();
  }

  /** Fires on the first breach, resolves on the first clear; nothing in between. */
  void transition(String key, boolean breached, String severity, String message) {
    rules.observe(key, breached, severity, message).ifPresent(this::announce);
  }

  private void announce(AlertRules.Change c) {
    if (c.firing()) {
      telemetry.alert(c.key());
    }
    LOG.warn("alert.{} key={} message={}", c.firing() ? "firing" : "resolved", c.key(), c.message());
    post(c.slack());
  }

  private void digest() {
    double now = telemetry.flaggedTotal();
    long n = (long) (now - flaggedAtLastDigest);
    flaggedAtLastDigest = now;
    if (n > 0) {
      JsonObject byPipeline = telemetry.flaggedByPipeline();
      post(new JsonObject().put("text", ":mag: " + n + " review(s) flagged for moderation in the last "
              + settings.flaggedDigestIntervalMs() / 1000 + " s (totals by pipeline: " + byPipeline.encode() + ")")
          .put("alert", new JsonObject().put("key", "flagged_digest").put("status", "digest").put("count", n)));
    }
  }

  /**
   * Consumer lag and the manual-review backlog are facts about the whole service, not about one node: in a cluster
   * only its oldest member raises and resolves them (Hazelcast lists members oldest first, the same order on every
   * member), so operators get one alert, not one per node. When the oldest member leaves, the next one takes over;
   * an alert still breached then fires again from it. Alone, this process is its own oldest member.
   */
  boolean raisesServiceAlerts() {
    return membership.oldest();
  }

  private void check() {
    long now = System.currentTimeMillis();
    boolean raise = raisesServiceAlerts();
    if (!raise) {
      // another member raises them; forget ours so that taking over later starts from what is true then
      rules.forgetServiceConditions();
    } else {
      checkMix(now);
    }
    if (store != null) {
      store.openReviewItems()
          .onSuccess(open -> {
            telemetry.manualReviewOpen(open);
            if (!raise) {
              return;
            }
            level("dlq_backlog", open, settings.dlqBacklogThreshold(), settings.forMs(), now, "warning",
                (firing, held) -> open + " manual-review items open (threshold " + settings.dlqBacklogThreshold()
                    + (firing ? ") for " : ", resolved at " + resolveAt(settings.dlqBacklogThreshold()) + ") for ")
                    + AlertRules.span(held));
          })
          .onFailure(err -> LOG.warn("alerts.check.failed what=dlq_backlog error={}", err.toString()));
    }
    vertx.executeBlocking(this::lagByGroup).onSuccess(lags -> lags.forEach((group, lag) -> {
      if (!raise) {
        return;
      }
      level("lag_page:" + group, lag, settings.lagPageThreshold(), settings.lagPageForMs(), now, "page",
          (firing, held) -> lagMessage(group, lag, settings.lagPageThreshold(), firing, held));
      level("lag_warning:" + group, lag, settings.lagWarningThreshold(), settings.lagWarningForMs(), now, "warning",
          (firing, held) -> lagMessage(group, lag, settings.lagWarningThreshold(), firing, held));
    })).onFailure(err -> LOG.warn("alerts.check.failed what=lag error={}", err.toString()));
  }

  private void level(String key, double value, double bound, long forMs, long now, String severity,
      AlertRules.Message message) {
    rules.observeLevel(key, value, bound, settings.resolveMargin(), forMs, now, severity, message)
        .ifPresent(this::announce);
  }

  private String resolveAt(long threshold) {
    return String.format(java.util.Locale.ROOT, "%.0f", threshold * settings.resolveMargin());
  }

  private String lagMessage(String group, long lag, long threshold, boolean firing, long heldMs) {
    return "consumer group " + group + (firing
        ? " is " + lag + " events behind (over " + threshold + ") for "
        : " is back to " + lag + " events behind (threshold " + threshold + ", resolved at " + resolveAt(threshold)
            + ") for ") + AlertRules.span(heldMs);
  }

  /** The judged totals of every node, summed; a node that does not answer is left out of this snapshot. */
  private Future<JsonObject> clusterTotals() {
    return nodes.askAll(new JsonObject().put("op", "totals")).map(answers -> {
      JsonObject sum = new JsonObject();
      answers.forEach(a -> {
        JsonObject node = (JsonObject) a;
        if (!node.containsKey("error")) {
          ClusterNodes.sum(sum, node);
        }
      });
      return sum;
    });
  }

  /** Routing drift: each bounded tier's share of its pipeline's events over the window, as a gauge and an alert. */
  private void checkMix(long now) {
    clusterTotals().onSuccess(totals -> {
      mix.record(now, totals);
      mix.windowEvents().forEach((pipeline, tiers) -> {
        long all = tiers.values().stream().mapToLong(Long::longValue).sum();
        tiers.forEach((tier, n) -> telemetry.tierShare(pipeline, tier, all == 0 ? 0 : (double) n / all));
      });
      for (MixMonitor.Drift d : mix.drift(settings.driftBounds(), settings.driftMinEvents())) {
        level("routing_drift:" + d.pipeline() + ":" + d.tier(), d.level(), d.bound(), settings.forMs(), now,
            "warning", (firing, held) -> d.message(settings.driftWindowMs(), firing));
      }
    }).onFailure(err -> LOG.warn("alerts.check.failed what=routing_drift error={}", err.toString()));
  }

  /** The article's hourly summary, per pipeline, from the node that raises service alerts. */
  private void summary() {
    if (!raisesServiceAlerts()) {
      return;
    }
    long now = System.currentTimeMillis();
    clusterTotals().onSuccess(totals -> {
      mix.record(now, totals);
      mix.summary(now, settings.summaryIntervalMs()).forEach(e -> {
        JsonObject p = (JsonObject) e.getValue();
        String text = MixMonitor.text(p);
        LOG.info("summary.interval pipeline={} {}", e.getKey(), text);
        post(new JsonObject().put("text", text)
            .put("alert", new JsonObject().put("key", "summary:" + e.getKey()).put("status", "summary"))
            .put("summary", p));
      });
    }).onFailure(err -> LOG.warn("summary.failed error={}", err.toString()));
  }

  /**
   * Lag of the pipelines' and the database sinks' groups (summed over partitions); every group's per-partition lag,
   * including the retry stages (their depth) and the database sinks, goes to the
   * {@code review_consumer_lag} gauge. Blocking.
   */
  private Map<String, Long> lagByGroup() throws Exception {
    Map<String, Long> out = new HashMap<>();
    ConsumerLag.measure(kafkaAdmin, ConsumerLag.groups(app)).forEach((group, parts) -> {
      long total = 0;
      for (ConsumerLag.Partition p : parts) {
        telemetry.lag(group, p.topic(), p.partition(), p.lag());
        total += p.lag();
      }
      // the pipelines and the database sinks; the retry group lags by design (its records wait for their due time)
      if (!group.equals(app.kafka().retryGroup())) {
        out.put(group, total);
      }
    });
    return out;
  }

  private void post(JsonObject message) {
    for (String url : settings.webhooks()) {
      deliver(url, message, 1);
    }
  }

  private void deliver(String url, JsonObject message, int attempt) {
    client.postAbs(url).timeout(10_000).sendJsonObject(message).onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
        return;
      }
      String why = ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().toString();
      if (attempt >= settings.deliveryAttempts()) {
        LOG.error("alert.delivery.failed webhook={} attempts={} error={}", redact(url), attempt, why);
        return;
      }
      long delay = new Backoff(settings.deliveryBackoffMs(), settings.deliveryBackoffMs() << 10, 0).delayMs(attempt);
      LOG.warn("alert.delivery.retry webhook={} attempt={} retry_in_ms={} error={}", redact(url), attempt, delay, why);
      vertx.setTimer(delay, t -> deliver(url, message, attempt + 1));
    });
  }

  /** Webhook URLs carry secrets in their path: log only scheme and host. */
  static String redact(String url) {
    try {
      java.net.URI u = java.net.URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
    } catch (RuntimeException e) {
      return "(invalid url)";
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(digestTimer);
    vertx.cancelTimer(summaryTimer);
    client.close();
    return vertx.executeBlocking(() -> {
      kafkaAdmin.close();
      return null;
    }).compose(v -> store == null ? Future.succeededFuture() : store.close());
  }
}
