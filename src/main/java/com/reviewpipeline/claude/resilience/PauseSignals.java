package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The messages by which the Claude stage pauses and resumes consumption and raises and resolves its alerts:
 * a pause on {@link Addresses#CONTROL} names a reason (ingest resumes when its last reason is lifted), the alert on
 * {@link Addresses#ALERTS} a key, and the resume carries that key so the alert resolves once. Both reasons and keys
 * end in {@code @<node id>}, the node whose circuit or account hold raised them: the pause reaches every node, but only
 * the node that raised it lifts it, so one node's circuit closing does not resume a pipeline another node's open
 * circuit holds, nor resolve that node's alert.
 */
public final class PauseSignals implements CircuitBreakers.Listener {

  private final EventBus bus;
  private final String node;

  /** @param node this node's id ({@code Membership.nodeId()}) */
  public PauseSignals(EventBus bus, String node) {
    this.bus = bus;
    this.node = node;
  }

  String circuitReason(String model) {
    return "circuit_open:" + model + "@" + node;
  }

  String circuitAlert(String pipeline, String model) {
    return "circuit_open:" + pipeline + ":" + model + "@" + node;
  }

  @Override
  public void opened(String pipeline, String model, String error) {
    pause(pipeline, circuitReason(model));
    alert("circuit_open", circuitAlert(pipeline, model), "every request of pipeline " + pipeline + " to " + model
        + " fails (" + error + "); the pipeline is paused, its batches are held, nothing is dead-lettered");
  }

  @Override
  public void closed(String pipeline, String model) {
    resume(pipeline, circuitReason(model), circuitAlert(pipeline, model));
  }

  /** Every pipeline paused for a reason of the whole API account (spend limit, no valid key). */
  void allHeld(String reason, String message) {
    pause("*", reason + "@" + node);
    alert(reason, reason + "@" + node, message + " (seen by node " + node + "); pipelines paused, nothing is "
        + "dead-lettered");
  }

  void allResumed(String reason) {
    resume("*", reason + "@" + node, reason + "@" + node);
  }

  private void pause(String pipeline, String reason) {
    bus.publish(Addresses.CONTROL, new JsonObject().put("action", "pause").put("pipeline", pipeline).put("reason", reason));
  }

  private void resume(String pipeline, String reason, String alert) {
    bus.publish(Addresses.CONTROL, new JsonObject().put("action", "resume").put("pipeline", pipeline)
        .put("reason", reason).put("alert", alert));
  }

  private void alert(String type, String key, String message) {
    bus.publish(Addresses.ALERTS, new JsonObject().put("type", type).put("key", key).put("severity", "critical")
        .put("message", message).put("at", Instant.now().toString()));
  }
}
