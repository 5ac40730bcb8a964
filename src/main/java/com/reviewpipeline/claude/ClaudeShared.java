package com.reviewpipeline.claude;

import com.reviewpipeline.agreement.AgreementGate;
import com.reviewpipeline.claude.api.KeyPool;
import com.reviewpipeline.claude.batches.MessageBatchLedger;
import com.reviewpipeline.claude.resilience.AccountHold;
import com.reviewpipeline.claude.resilience.CircuitBreakers;
import com.reviewpipeline.claude.resilience.PauseSignals;
import com.reviewpipeline.claude.resilience.RetryAfter;
import com.reviewpipeline.config.ClaudeSettings;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.eventbus.EventBus;
import java.util.function.LongSupplier;

/**
 * What the Claude verticle instances of one process share: the API keys with their rate limiters, the circuits of
 * (pipeline, model), the token-estimate calibration (the buffers use it too), the account-wide hold and the Message
 * Batches waited for (the buffers park events of restored ones), the cascade's agreement gate, and the retry-after
 * the API gave per review.
 */
public record ClaudeShared(KeyPool keys, CircuitBreakers breakers, TokenCalibration calibration, AccountHold hold,
    MessageBatchLedger ledger, AgreementGate agreement, RetryAfter retryAfter) {

  /** Without the agreement gate: every confident flag escalates. */
  public static ClaudeShared create(ClaudeSettings settings, EventBus bus, LongSupplier clock) {
    return create(settings, bus, clock, AgreementGate.UNGATED, "local");
  }

  /** @param node this node's id: the pauses and alerts it raises name it (see {@link PauseSignals}) */
  public static ClaudeShared create(ClaudeSettings settings, EventBus bus, LongSupplier clock, AgreementGate gate,
      String node) {
    PauseSignals signals = new PauseSignals(bus, node);
    return new ClaudeShared(new KeyPool(settings.apiKeys(), settings.rateLimits(), clock),
        new CircuitBreakers(settings.breakerThreshold(), settings.breakerProbeMs(), clock, signals),
        new TokenCalibration(settings.calibrationWindow()), new AccountHold(signals), new MessageBatchLedger(), gate,
        new RetryAfter(clock));
  }
}
