package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryAfterWatchTest {

  static JsonObject request(String model, String text) {
    return new JsonObject().put("model", model).put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  @Test
  @DisplayName("a request with the same model and messages as one refused counts as early only within its retry-after")
  void countsOnlyTheSameRequestWithinItsDelay() {
    RetryAfterWatch w = new RetryAfterWatch();
    JsonObject a = request("claude-haiku-5-5", "reviews 1-20");
    w.arrived(a, 0);
    w.refused(a, 2, 0);
    w.arrived(request("claude-haiku-5-5", "reviews 21-40"), 500);
    w.arrived(request("claude-sonnet-5-5", "reviews 1-20"), 500);
    assertThat(w.early()).as("other reviews, or another model's budget").isZero();
    w.arrived(a, 1_999);
    assertThat(w.early()).isEqualTo(1);
    w.arrived(a, 2_000);
    assertThat(w.early()).as("at the retry-after it may go").isEqualTo(1);
  }
}
