package com.reviewpipeline.jmh;

import com.reviewpipeline.buffer.InjectionDetector;
import com.reviewpipeline.buffer.SmartBuffer;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.request.ParsedResponse;
import com.reviewpipeline.claude.request.ResponseReader;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.ModelProfile;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.ingest.ParseResult;
import com.reviewpipeline.ingest.ReviewEventParser;
import com.reviewpipeline.kafka.OffsetTracker;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event cost of the plain classes on the hot path, for finding the bottleneck (run with {@code bench/jmh}).
 * Every benchmark reports nanoseconds per review event: batch-level work is divided by the batch size through
 * {@link OperationsPerInvocation}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

  static final int BATCH = 20;
  static final int OFFSETS = 1200;

  /** Review events from the load generator's standard mix, as the ingest verticle sees them. */
  @State(Scope.Benchmark)
  public static class Reviews {
    final List<ReviewEvent> events = new ArrayList<>();
    final List<byte[]> records = new ArrayList<>();
    final List<PipelineEvent> pipelineEvents = new ArrayList<>();
    PipelineConfig pipeline;
    ClaudeRequests requests;
    ReviewEventParser parser;
    InjectionDetector detector;
    ResponseReader responses;
    String responseBody;
    List<String> batchIds;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      Vertx vertx = Vertx.vertx();
      try {
        AppConfig config = TestConfig.load(vertx, new JsonObject());
        pipeline = config.pipelines().get(0);
        requests = new ClaudeRequests(config.models(), config.anthropic(), new TokenCalibration(50));
        detector = new InjectionDetector(config.containment().rules());
      } finally {
        vertx.close().await();
      }
      parser = new ReviewEventParser(4000);
      ReviewGenerator gen = new ReviewGenerator(42);
      for (int i = 0; i < BATCH; i++) {
        ReviewEvent e = gen.next();
        events.add(e);
        records.add(e.toJson().encode().getBytes(StandardCharsets.UTF_8));
        pipelineEvents.add(new PipelineEvent(pipeline.name(), e, new SourceRef("events", i % 12, i, "g"), 0, 0));
      }
      // the shipped moderator's compact items, validated and mapped back to the documented fields
      responses = ResponseReader.of(pipeline);
      JsonArray verdicts = new JsonArray();
      batchIds = ClaudeRequests.batchIds(events.size());
      for (String id : batchIds) {
        verdicts.add(new JsonObject().put("i", id).put("f", "").put("s", "pos").put("c", 9));
      }
      responseBody = new JsonObject()
          .put("id", "msg_01").put("type", "message").put("role", "assistant").put("model", "claude-haiku-4-5")
          .put("content", new JsonArray().add(new JsonObject().put("type", "tool_use").put("id", "toolu_01")
              .put("name", pipeline.toolName()).put("input", new JsonObject().put("results", verdicts))))
          .put("stop_reason", "tool_use").put("stop_sequence", null)
          .put("usage", new JsonObject().put("input_tokens", 2200).put("output_tokens", 880)
              .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0))
          .encode();
    }
  }

  /** A buffer whose timer never fires: flushes happen on count, as under load. */
  @State(Scope.Thread)
  public static class Buffer20 {
    final List<SmartBuffer.Flush> flushed = new ArrayList<>();
    SmartBuffer buffer;

    @Setup(Level.Iteration)
    public void setUp() {
      buffer = new SmartBuffer(new BufferConfig(BATCH, 1000, 60_000), 900, new SmartBuffer.Scheduler() {
        @Override
        public Runnable schedule(long delayMs, Runnable task) {
          return () -> { };
        }

        @Override
        public long nowMs() {
          return 0;
        }
      }, flushed::add);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void ingestParseRecord(Reviews r, Blackhole bh) {
    for (byte[] record : r.records) {
      ParseResult parsed = r.parser.parse(record);
      bh.consume(parsed);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void estimateItemTokens(Reviews r, Blackhole bh) {
    for (ReviewEvent e : r.events) {
      bh.consume(r.requests.itemTokens("claude-haiku-4-5", e));
    }
  }

  /** The containment rules over ordinary reviews, as the buffer verticle runs them on every event. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void detectInjection(Reviews r, Blackhole bh) {
    for (ReviewEvent e : r.events) {
      bh.consume(r.detector.rule(e.reviewText()));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void bufferAddAndFlushOnCount(Reviews r, Buffer20 b, Blackhole bh) {
    for (PipelineEvent e : r.pipelineEvents) {
      bh.consume(b.buffer.add(e, 120));
    }
    bh.consume(b.flushed.remove(b.flushed.size() - 1));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void buildAndEncodeRequest(Reviews r, Blackhole bh) {
    bh.consume(r.requests.request("claude-haiku-4-5", r.pipeline, r.events).encode());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void decodeAndValidateResponse(Reviews r, Blackhole bh) {
    ParsedResponse parsed = r.responses.read(new JsonObject(r.responseBody), ModelProfile.StructuredOutput.FORCED_TOOL,
        r.batchIds);
    if (parsed.verdicts().size() != BATCH) {
      throw new IllegalStateException("expected " + BATCH + " verdicts, got " + parsed.verdicts().size());
    }
    bh.consume(parsed);
  }

  /** Out-of-order completion across 12 partitions, as batches come back from concurrent Claude calls. */
  @Benchmark
  @OperationsPerInvocation(OFFSETS)
  public void offsetTrackerHandOutDoneCommit(Blackhole bh) {
    OffsetTracker t = new OffsetTracker();
    for (int i = 0; i < OFFSETS; i++) {
      t.handOut(i % 12, i / 12);
    }
    // batches of 20 finish in reverse order of hand-out
    for (int start = OFFSETS - BATCH; start >= 0; start -= BATCH) {
      for (int i = start; i < start + BATCH; i++) {
        t.done(i % 12, i / 12);
      }
      bh.consume(t.changedSinceCommit());
    }
    if (t.inFlight() != 0) {
      throw new IllegalStateException("offsets left in flight: " + t.inFlight());
    }
  }
}
