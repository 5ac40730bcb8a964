package com.reviewpipeline.support;

import com.reviewpipeline.devtools.embedded.EmbeddedKafka;

/**
 * One real KRaft broker per test JVM, started on first use and closed when the JVM exits. Tests
 * isolate themselves with unique topic and group names.
 */
public final class SharedKafka {

  private static EmbeddedKafka broker;

  private SharedKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      try {
        broker = EmbeddedKafka.start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded Kafka broker", e);
      }
      EmbeddedKafka b = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          b.close();
        } catch (Exception ignored) {
          // the JVM is exiting
        }
      }));
    }
    return broker.bootstrapServers();
  }
}
