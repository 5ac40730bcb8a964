package com.reviewpipeline.devtools.simulator;

/** An error answer as the API documents it: HTTP status, {@code error.type}, {@code error.message}. */
public record ApiError(int status, String type, String message) {

  public static ApiError invalidRequest(String message) {
    return new ApiError(400, "invalid_request_error", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found_error", message);
  }

  /** The {@code error.type} of each status the simulator can be told to fail with (https://platform.claude.com/docs/en/api/errors). */
  public static String typeOf(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 409 -> "conflict_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 500 -> "api_error";
      case 504 -> "timeout_error";
      case 529 -> "overloaded_error";
      default -> throw new IllegalArgumentException("no documented error type for status " + status);
    };
  }
}
