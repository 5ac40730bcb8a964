package com.reviewpipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MixMonitorTest {

  /** Cumulative totals: a fast review costs $0.001, a deep one $0.1. */
  static JsonObject totals(long fast, long deep, long flagged) {
    return new JsonObject()
        .put("events", new JsonObject().put("p|fast|haiku", fast).put("p|deep|opus", deep))
        .put("cost_usd", new JsonObject().put("p|fast|haiku", fast * 0.001).put("p|deep|opus", deep * 0.1))
        .put("flagged", new JsonObject().put("p", flagged))
        .put("dead_lettered", new JsonObject());
  }

  final Map<String, Map<String, Double>> bounds = Map.of("p", Map.of("deep", 0.10));

  @Test
  @DisplayName("the drift window is the latest snapshot minus the last one at or before the window's start; a quiet window never breaches")
  void driftOverTheWindow() {
    MixMonitor m = new MixMonitor(1000);
    m.record(0, new JsonObject());
    m.record(500, totals(100, 5, 0));
    assertThat(m.drift(bounds, 50)).singleElement().satisfies(d -> {
      assertThat(d.share()).isCloseTo(5 / 105.0, Offset.offset(1e-9));
      assertThat(d.breached()).isFalse();
    });
    m.record(900, totals(110, 40, 0));
    assertThat(m.drift(bounds, 50).get(0).breached()).as("40 of 150 on deep").isTrue();
    m.record(2000, totals(400, 40, 0));
    assertThat(m.drift(bounds, 50).get(0).share()).as("from t=900: 0 of 290 on deep").isZero();
    assertThat(m.drift(bounds, 1000).get(0).breached()).isFalse();
  }

  @Test
  @DisplayName("a summary covers the interval since the last one, by tier and model, with the interval before; totals that went down count as zero")
  void summaries() {
    MixMonitor m = new MixMonitor(3_600_000);
    m.record(0, new JsonObject());
    m.record(1000, totals(90, 10, 5));
    JsonObject first = m.summary(1000, 1000).getJsonObject("p");
    assertThat(first.getLong("events")).isEqualTo(100);
    assertThat(first.getDouble("cost_per_1000_events_usd")).isEqualTo(10.9);
    assertThat(first.getDouble("flagged_share")).isEqualTo(0.05);
    assertThat(first.getJsonObject("tiers").getJsonObject("deep").getDouble("share")).isEqualTo(0.1);
    assertThat(first.getJsonObject("tiers").getJsonObject("deep").getJsonObject("models").getJsonObject("opus")
        .getDouble("cost_usd")).isEqualTo(1.0);
    assertThat(first.containsKey("previous")).isFalse();
    m.record(2000, totals(150, 10, 5));
    JsonObject second = m.summary(2000, 1000).getJsonObject("p");
    assertThat(second.getLong("events")).isEqualTo(60);
    assertThat(second.getJsonObject("tiers").fieldNames()).as("idle tiers left out").containsExactly("fast");
    assertThat(second.getJsonObject("previous").getLong("events")).isEqualTo(100);
    assertThat(MixMonitor.text(second)).contains("p, last 1 s: 60 events judged").contains("previous interval");
    assertThat(MixMonitor.minus(totals(1, 1, 1), totals(5, 5, 5)).getJsonObject("events").getLong("p|fast|haiku"))
        .isZero();
  }
}
