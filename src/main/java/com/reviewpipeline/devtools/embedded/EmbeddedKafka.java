package com.reviewpipeline.devtools.embedded;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker + controller) from Apache
 * Kafka's own jars. Internal topics use replication factor 1, without which consumers never find
 * a group coordinator on one node.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static EmbeddedKafka start() throws Exception {
    long t0 = System.currentTimeMillis();
    // The broker halts the JVM when its only log dir fails, which happens at JVM exit when the test kit's temp
    // directory is deleted while the broker still writes a checkpoint: an embedded broker must never end its host
    // process (the demo, a test run, the benchmarks) with a non-zero status. Log instead.
    org.apache.kafka.common.utils.Exit.setHaltProcedure((status, message) ->
        LOG.warn("embedded.kafka.halt_suppressed status={} message={}", status, message));
    org.apache.kafka.common.utils.Exit.setExitProcedure((status, message) ->
        LOG.warn("embedded.kafka.exit_suppressed status={} message={}", status, message));
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "4")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
        .setConfigProp("share.coordinator.state.topic.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        .setConfigProp("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE))
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    EmbeddedKafka kafka = new EmbeddedKafka(cluster);
    LOG.info("embedded.kafka.started bootstrap={} took_ms={}", kafka.bootstrapServers(), System.currentTimeMillis() - t0);
    return kafka;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
