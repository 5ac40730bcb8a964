package com.reviewpipeline.claude.request;

/** The response was HTTP 200 but not the shape the forced tool call promises. */
public final class ResponseFormatException extends RuntimeException {

  public ResponseFormatException(String message) {
    super(message);
  }
}
