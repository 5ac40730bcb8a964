package com.reviewpipeline.app;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.admin.Scaler;
import com.reviewpipeline.agreement.AgreementGate;
import com.reviewpipeline.agreement.AgreementLedger;
import com.reviewpipeline.agreement.AgreementVerticle;
import com.reviewpipeline.alert.AlertVerticle;
import com.reviewpipeline.budget.BudgetVerticle;
import com.reviewpipeline.buffer.BatchBufferVerticle;
import com.reviewpipeline.buffer.Coalescer;
import com.reviewpipeline.bus.LocalCodec;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.cache.ClusterVerdicts;
import com.reviewpipeline.cache.VerdictCache;
import com.reviewpipeline.cache.VerdictLookup;
import com.reviewpipeline.claude.ClaudeShared;
import com.reviewpipeline.claude.ClaudeVerticle;
import com.reviewpipeline.claude.batches.MessageBatchVerticle;
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
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.telemetry.VerdictCacheMeters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the pipeline's verticles in dependency order (publisher, Claude, buffer, then ingest)
 * and stops them in reverse, so that ingest drains through a still-running downstream.
 */
public final class PipelineApp implements Scaler {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

  /** A scalable verticle kind: how to make one instance, how many run, and the deployment id. */
  private static final class Kind {
    final java.util.function.Supplier<io.vertx.core.Deployable> supplier;
    final boolean ingest;
    int instances;
    String id;

    Kind(java.util.function.Supplier<io.vertx.core.Deployable> supplier, boolean ingest, int instances) {
      this.supplier = supplier;
      this.ingest = ingest;
      this.instances = instances;
    }
  }

  private final Vertx vertx;
  private final AppConfig config;
  private final Telemetry telemetry;
  /** In deployment order; stopped ingest first, then the rest in reverse. */
  private final java.util.LinkedHashMap<String, Kind> kinds = new java.util.LinkedHashMap<>();
  private String admin;
  private Future<?> scaling = Future.succeededFuture();

  private PipelineApp(Vertx vertx, AppConfig config, Telemetry telemetry) {
    this.vertx = vertx;
    this.config = config;
    this.telemetry = telemetry;
  }

  /** A process that is the whole service (tests, tools). */
  public static Future<PipelineApp> deploy(Vertx vertx, Telemetry telemetry, AppConfig config, boolean withAdmin) {
    return deploy(vertx, telemetry, Membership.alone(), config, withAdmin);
  }

  /**
   * Deploys every verticle of the service on {@code vertx}: they report to {@code telemetry}, and {@code membership}
   * says whether this process is alone or one member of a cluster.
   */
  public static Future<PipelineApp> deploy(Vertx vertx, Telemetry telemetry, Membership membership, AppConfig config,
      boolean withAdmin) {
    registerCodecs(vertx);
    PipelineApp app = new PipelineApp(vertx, config, telemetry);
    LOG.info("pipeline.starting config={}", config);
    // one limiter per API key for the whole process, shared by every Claude verticle instance
    // one set of API keys with their limiters, circuits, token calibration and account hold per process, shared by
    // every Claude verticle instance (the calibration by the buffers too)
    // copies of one event judged once: shared by the buffers (which hold copies back) and the publishers
    Coalescer coalescer = new Coalescer();
    // what the shadow comparisons have shown, the same on every node (docs/claude-stage.md "Agreement-gated
    // escalation")
    AgreementLedger agreements = new AgreementLedger(name -> config.pipelines().stream()
        .filter(p -> p.name().equals(name)).map(p -> p.cascade().agreement()).findFirst().orElse(null));
    AgreementGate gate = new AgreementGate(agreements, config::modelFor);
    telemetry.registerView("agreement", () -> gate.describe(config.pipelines()));
    ClaudeShared claude = ClaudeShared.create(config.anthropic(), vertx.eventBus(), System::currentTimeMillis, gate,
        membership.nodeId());
    // clustered: the members share each key's budget; each starts from its 1/N share and adapts to the server
    if (membership.clustered()) {
      claude.keys().peers(membership.size());
      vertx.setPeriodic(2000, t -> claude.keys().peers(membership.size()));
    }
    return vertx.executeBlocking(() -> {
          Topics.ensure(config.kafka(), config.messageBatches().topic());
          return null;
        })
        .compose(v -> verdictCache(vertx, telemetry, membership, config))
        // before the Claude verticles: they escalate by what the agreement topic says was learned
        .compose(verdicts -> app.start("agreement", () -> new AgreementVerticle(config, agreements, gate, membership,
                telemetry.registry()), 1, false).map(verdicts))
        .compose(verdicts -> app.start("publisher", () -> new ResultPublisherVerticle(config, telemetry, coalescer, verdicts), config.instances().publisher(), false)
            .compose(v -> app.start("claude", () -> new ClaudeVerticle(config, telemetry, claude), config.instances().claude(), false))
            // before the buffers and ingest: the Message Batches already submitted are read back first
            .compose(v -> app.start("message-batches", () -> new MessageBatchVerticle(config, telemetry, claude.ledger()), 1, false))
            .compose(v -> app.start("buffer", () -> new BatchBufferVerticle(config, telemetry, claude.calibration(), coalescer, verdicts, claude.ledger()), config.instances().buffer(), false)))
        .compose(v -> app.start("retry-scheduler", () -> new RetrySchedulerVerticle(config), 1, false))
        .compose(v -> config.databaseUrl().isBlank() ? Future.succeededFuture()
            : app.start("store", () -> new StoreVerticle(config, telemetry), 1, false))
        .compose(v -> app.start("alerts", () -> new AlertVerticle(config, config.alerts(), telemetry, membership), 1, false))
        .compose(v -> app.start("budget", () -> new BudgetVerticle(config, telemetry, membership), 1, false))
        .compose(v -> {
          List<Future<?>> all = new ArrayList<>();
          for (PipelineConfig p : config.pipelines()) {
            all.add(app.start("ingest:" + p.name(), () -> new IngestVerticle(config, telemetry, p, claude.ledger()), config.instances().ingest(), true));
          }
          return Future.all(all);
        })
        .compose(v -> withAdmin
            ? vertx.deployVerticle(new AdminApiVerticle(config, telemetry, membership, app)).onSuccess(id -> app.admin = id).mapEmpty()
            : Future.succeededFuture())
        .map(v -> {
          LOG.info("pipeline.started pipelines={} instances={}",
              config.pipelines().stream().map(PipelineConfig::name).toList(), config.instances());
          return app;
        });
  }

  /**
   * The process's verdict cache (null when {@code verdict_cache.enabled} is false), shared by the buffers that ask it
   * and the publishers that fill it; in a cluster backed by the members' shared map.
   */
  private static Future<VerdictLookup> verdictCache(Vertx vertx, Telemetry telemetry, Membership membership,
      AppConfig config) {
    if (!config.verdictCache().enabled()) {
      return Future.succeededFuture();
    }
    VerdictCache local = new VerdictCache(config.verdictCache().maxEntries(), config.verdictCache().ttlMs(),
        System::currentTimeMillis);
    Future<ClusterVerdicts> shared = membership.clustered() ? ClusterVerdicts.open(vertx) : Future.succeededFuture();
    return shared.map(cluster -> {
      VerdictLookup lookup = new VerdictLookup(local, cluster);
      new VerdictCacheMeters(telemetry.registry()).register(lookup::localKeys, local::entries, local::heapBytes);
      LOG.info("verdict_cache.ready max_entries={} ttl_s={} shared={}", config.verdictCache().maxEntries(),
          config.verdictCache().ttlSeconds(), cluster != null);
      return lookup;
    });
  }

  private Future<Void> start(String name, java.util.function.Supplier<io.vertx.core.Deployable> supplier, int instances,
      boolean ingest) {
    Kind kind = new Kind(supplier, ingest, instances);
    kinds.put(name, kind);
    return vertx.deployVerticle(supplier, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> kind.id = id)
        .mapEmpty();
  }

  /** Kinds whose instance count may change at run time (the singletons stay single). */
  private static boolean scalable(String name) {
    return name.equals("publisher") || name.equals("claude") || name.equals("buffer") || name.startsWith("ingest:");
  }

  /** The meters and state the verticles report to. */
  public Telemetry telemetry() {
    return telemetry;
  }

  @Override
  public synchronized JsonObject deployments() {
    JsonObject out = new JsonObject();
    kinds.forEach((name, k) -> out.put(name, new JsonObject().put("instances", k.instances).put("scalable", scalable(name))));
    return out;
  }

  @Override
  public synchronized Future<JsonObject> scale(String name, int instances) {
    Kind kind = kinds.get(name);
    if (kind == null || !scalable(name)) {
      throw new IllegalArgumentException("no scalable verticle '" + name + "'; scalable: "
          + kinds.keySet().stream().filter(PipelineApp::scalable).toList());
    }
    if (instances < 1 || instances > 64) {
      throw new IllegalArgumentException("instances must be between 1 and 64");
    }
    // one change at a time: each waits for the previous to finish
    Future<JsonObject> change = scaling.transform(ignored -> {
      String old = kind.id;
      LOG.info("pipeline.scaling verticle={} from={} to={}", name, kind.instances, instances);
      return vertx.deployVerticle(kind.supplier, new DeploymentOptions().setInstances(instances))
          .compose(id -> {
            kind.id = id;
            kind.instances = instances;
            // the old instances drain gracefully (ingest commits, buffers flush, calls complete)
            return vertx.undeploy(old);
          })
          .map(v -> new JsonObject().put("verticle", name).put("instances", instances));
    });
    scaling = change;
    return change;
  }

  /** Registers the local codecs of every hot-path message type. */
  public static void registerCodecs(Vertx vertx) {
    LocalCodec.registerAll(vertx, List.of(PipelineEvent.class, Batch.class, BatchResults.class, FailedEvents.class,
        RejectedRecord.class, BatchAck.class, com.reviewpipeline.claude.batches.Deferred.class,
        com.reviewpipeline.model.BufferEvents.class));
  }


  /** Graceful stop: ingest drains (pause, flush, wait, commit, close), then the rest stops in reverse order. */
  public Future<Void> stop() {
    LOG.info("pipeline.stopping");
    List<String> ingestIds = new ArrayList<>();
    List<String> downstreamIds = new ArrayList<>();
    synchronized (this) {
      kinds.values().forEach(k -> (k.ingest ? ingestIds : downstreamIds).add(k.id));
      kinds.clear();
    }
    java.util.Collections.reverse(downstreamIds);
    List<Future<?>> drains = new ArrayList<>();
    ingestIds.forEach(id -> drains.add(undeploy(List.of(id))));
    return Future.join(drains)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture())
        .compose(v -> undeploy(downstreamIds))
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
