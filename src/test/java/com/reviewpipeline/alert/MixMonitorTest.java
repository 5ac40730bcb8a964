package com.reviewpipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
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
  @DisplayName("the drift window is the latest snapshot minus the last one at or before the window's start; a quiet window is not measured")
  void driftOverTheWindow() {
    MixMonitor m = new MixMonitor(1000);
    m.record(0, new JsonObject());
    m.record(500, totals(100, 5, 0));
    assertThat(m.drift(bounds, 50)).singleElement().satisfies(d -> {
      assertThat(d.share()).isCloseTo(5 / 105.0, Offset.offset(1e-9));
      assertThat(d.level()).isEqualTo(d.share());
    });
    m.record(900, totals(110, 40, 0));
    assertThat(m.drift(bounds, 50).get(0).level()).as("40 of 150 on deep").isCloseTo(40 / 150.0, Offset.offset(1e-9));
    m.record(2000, totals(400, 40, 0));
    assertThat(m.drift(bounds, 50).get(0).share()).as("from t=900: 0 of 290 on deep").isZero();
    assertThat(m.drift(bounds, 1000).get(0).measured()).isFalse();
    assertThat(m.drift(bounds, 1000).get(0).level()).as("too few events: nothing to judge").isNaN();
  }

  @Test
  @DisplayName("a share oscillating around its bound fires once and resolves once, only after staying at or below 90% of the bound for for_ms")
  void oscillatingShareFiresOnceAndResolvesOnce() {
    // each check's window holds exactly the events judged since the check before (deep of all): 11.7%, 9.0%,
    // 14.0%, 9.5%, 10.4% around the 10% bound, then under 9% with one step back to 9.5%, then back to 10.4%
    long[][] deepOfAll = {{16, 137}, {16, 177}, {36, 257}, {19, 200}, {26, 250}, {16, 200}, {17, 200}, {19, 200},
        {16, 200}, {16, 200}, {16, 200}, {26, 250}, {16, 200}};
    long checkMs = 10_000;
    long forMs = 2 * checkMs;
    MixMonitor m = new MixMonitor(checkMs);
    AlertRules rules = new AlertRules();
    m.record(0, new JsonObject());
    long fast = 0;
    long deep = 0;
    List<String> changes = new ArrayList<>();
    for (int i = 0; i < deepOfAll.length; i++) {
      long now = (i + 1) * checkMs;
      deep += deepOfAll[i][0];
      fast += deepOfAll[i][1] - deepOfAll[i][0];
      m.record(now, totals(fast, deep, 0));
      MixMonitor.Drift d = m.drift(bounds, 100).get(0);
      assertThat(d.events()).isEqualTo(deepOfAll[i][1]);
      rules.observeLevel("routing_drift:p:deep", d.level(), d.bound(), 0.9, forMs, now, "warning",
              (firing, held) -> d.message(checkMs, firing))
          .ifPresent(c -> changes.add((c.firing() ? "fired" : "resolved") + " at " + now / 1000 + " s: " + c.message()));
    }
    assertThat(changes).containsExactly(
        "fired at 30 s: p: tier deep judged 14.0% of 257 events over the last 10 s (bound 10%); the routing"
            + " thresholds may need recalibration, or the event data has shifted",
        "resolved at 110 s: p: tier deep judged 8.0% of 200 events over the last 10 s (bound 10%)");
  }

  @Test
  @DisplayName("the drift message names the window as it is: 45 s, not 0 min; an hour as 60 min")
  void driftMessageNamesTheWindow() {
    MixMonitor.Drift d = new MixMonitor.Drift("p", "deep", 0.117, 16, 137, 0.10, true);
    assertThat(d.message(45_000, true)).contains("judged 11.7% of 137 events over the last 45 s (bound 10%)");
    assertThat(d.message(3_600_000, false)).isEqualTo("p: tier deep judged 11.7% of 137 events over the last 60 min"
        + " (bound 10%)");
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
