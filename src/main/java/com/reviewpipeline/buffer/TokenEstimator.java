package com.reviewpipeline.buffer;

import io.vertx.core.json.JsonObject;

/**
 * Estimates input tokens before a request is sent: about 3.5 characters per token for English
 * (configurable), applied to exactly the JSON the request will carry. The simulator counts with
 * the same rule; against the real API the error is measured from {@code usage} and exported.
 */
public final class TokenEstimator {

  private final double charsPerToken;

  public TokenEstimator(double charsPerToken) {
    if (charsPerToken <= 0) {
      throw new IllegalArgumentException("chars_per_token must be positive");
    }
    this.charsPerToken = charsPerToken;
  }

  public int tokens(int chars) {
    return (int) Math.ceil(chars / charsPerToken);
  }

  public int tokens(String text) {
    return text == null ? 0 : tokens(text.length());
  }

  /** Tokens of one batch item as serialised in the user message, separator included. */
  public int itemTokens(JsonObject item) {
    return tokens(item.encode().length() + 1);
  }
}
