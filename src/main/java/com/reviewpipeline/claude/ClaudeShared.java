package com.reviewpipeline.claude;

import com.reviewpipeline.config.ClaudeSettings;
import io.vertx.core.eventbus.EventBus;
import java.util.function.LongSupplier;

/**
 * What the Claude verticle instances of one process share: the API keys with their rate limiters, the circuits of
 * (pipeline, model), the token-estimate calibration (the buffers use it too) and the account-wide hold.
 */
public record ClaudeShared(KeyPool keys, CircuitBreakers breakers, TokenCalibration calibration, AccountHold hold) {

  public static ClaudeShared create(ClaudeSettings settings, EventBus bus, LongSupplier clock) {
    PauseSignals signals = new PauseSignals(bus);
    return new ClaudeShared(new KeyPool(settings.apiKeys(), settings.rateLimits(), clock),
        new CircuitBreakers(settings.breakerThreshold(), settings.breakerProbeMs(), clock, signals),
        new TokenCalibration(settings.calibrationWindow()), new AccountHold(signals));
  }
}
