package com.reviewpipeline.bus;

import com.reviewpipeline.model.PipelineEvent;
import java.util.Set;

/**
 * The events that wait in Message Batches, as the stages before the Claude stage see them (docs/claude-stage.md
 * "Message
 * Batches"): the buffers hand over an event read again after a restart to the batch that holds it, and ingest does
 * not hold a graceful stop for events of its partitions that wait in one. The Claude stage keeps them (its
 * {@code MessageBatchLedger}); the stages meet on this contract and the bus, not on each other's classes.
 * Implementations are thread-safe.
 */
public interface MessageBatchWaits {

  /** Whether {@code event} belongs to a restored batch: then it is kept there until that batch's results are handled. */
  boolean park(PipelineEvent event);

  /** Events of these partitions waiting for a Message Batch: a graceful stop does not wait for them. */
  int deferredIn(String pipeline, String topic, Set<Integer> partitions);
}
