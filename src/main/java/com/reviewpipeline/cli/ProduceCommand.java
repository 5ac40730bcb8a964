package com.reviewpipeline.cli;

import com.reviewpipeline.devtools.loadgen.LoadGenerator;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The load generator against any Kafka. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Publish synthetic reviews (the standard mix) to a Kafka topic at a fixed rate.")
public final class ProduceCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}", required = true)
  String bootstrapServers;

  @Option(names = "--topic", defaultValue = "review-events", description = "topic (default: ${DEFAULT-VALUE})")
  String topic;

  @Option(names = "--count", defaultValue = "1000", description = "events to send (default: ${DEFAULT-VALUE})")
  long count;

  @Option(names = "--rate", defaultValue = "100", description = "events per second (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--seed", defaultValue = "42", description = "generator seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    if (count < 1 || rate <= 0) {
      System.err.println("--count must be at least 1 and --rate positive");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      LoadGenerator load = new LoadGenerator(vertx, bootstrapServers, topic, seed);
      long sent = load.run(count, rate).await();
      load.stop().await();
      System.out.println("produced " + sent + " events to " + topic);
      return 0;
    } catch (Exception e) {
      System.err.println("produce failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
