package com.reviewpipeline.model;

import java.util.List;

/** Everything the publisher needs after one successful Messages API call. */
public record BatchResults(String batchId, String pipeline, List<EventResult> results) {}
