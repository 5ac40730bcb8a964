package com.reviewpipeline.devtools.simulator;

import com.reviewpipeline.config.Loopback;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the simulator's control endpoints ({@code /_sim/*}: the knobs that make it fail, hold or refuse, and its
 * counters). On loopback they are open to the machine, as the tests use them; a simulator bound beyond loopback
 * needs a control token, and with a token every {@code /_sim/} request must carry
 * {@code Authorization: Bearer <token>}, else it is answered 401 with a JSON error.
 */
public final class ControlGuard implements Handler<RoutingContext> {

  private final byte[] token;

  ControlGuard(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** @throws IllegalArgumentException when {@code host} is beyond loopback and {@code token} is empty */
  public static void requireTokenBeyondLoopback(String host, String token) {
    if (token.isEmpty() && !Loopback.isLoopback(host)) {
      throw new IllegalArgumentException("the simulator would listen on " + host + ", beyond loopback, without a "
          + "control token: anyone reaching it could change its answers through /_sim/config. Give --control-token "
          + "(or SIMULATOR_CONTROL_TOKEN), or bind 127.0.0.1");
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
    if (token.length == 0 || MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token)) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
        .putHeader("WWW-Authenticate", "Bearer")
        .end(new JsonObject().put("error", header == null ? "missing bearer token" : "invalid bearer token")
            .put("status", 401).encode());
  }
}
