package com.reviewpipeline.model;

import java.util.List;

/**
 * Events whose processing failed; the failure handler writes them to a retry topic or the DLQ
 * and only then acknowledges their offsets.
 */
public record FailedEvents(List<PipelineEvent> events, String errorType, String errorMessage, boolean retryable) {}
