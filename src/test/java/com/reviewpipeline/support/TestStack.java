package com.reviewpipeline.support;

import com.reviewpipeline.devtools.embedded.EmbeddedDatabase;
import com.reviewpipeline.devtools.embedded.EmbeddedKafka;
import com.reviewpipeline.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The Kafka broker and the PostgreSQL server of the integration tests, one of each per test JVM, each started on
 * first use and stopped when the JVM exits. The backend is chosen once: Testcontainers ({@value #KAFKA_IMAGE},
 * {@value #POSTGRES_IMAGE}) when a Docker engine answers, else the embedded broker and database the demo uses.
 * {@code TEST_STACK=containers} or {@code TEST_STACK=embedded} forces one. Tests isolate themselves with unique
 * topic and group names on the broker and with a database of their own on the server ({@link #newDatabase()}).
 */
public final class TestStack {

  /** Where the broker and the database run. */
  enum Backend { CONTAINERS, EMBEDDED }

  static final String VARIABLE = "TEST_STACK";
  /** The Kafka version of the pom ({@code kafka.version}) and of docker-compose.yml. */
  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  /** The PostgreSQL of docker-compose.yml. */
  static final String POSTGRES_IMAGE = "postgres:16";

  private static final Logger LOG = LoggerFactory.getLogger(TestStack.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Backend backend;
  private static String kafkaBootstrap;
  private static DatabaseUrl server;

  private TestStack() {}

  /**
   * The backend for a {@code TEST_STACK} value: {@code containers}, {@code embedded}, or unset (or blank) for
   * containers when {@code dockerAvailable} says so. The Docker engine is asked only when the value is unset.
   *
   * @throws IllegalStateException for {@code containers} without a Docker engine
   * @throws IllegalArgumentException for any other value
   */
  static Backend choose(String setting, BooleanSupplier dockerAvailable) {
    String value = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "" -> {
        return dockerAvailable.getAsBoolean() ? Backend.CONTAINERS : Backend.EMBEDDED;
      }
      case "containers" -> {
        if (!dockerAvailable.getAsBoolean()) {
          throw new IllegalStateException(VARIABLE + "=containers but no Docker engine answers (Testcontainers looks at "
              + "DOCKER_HOST, ~/.testcontainers.properties and /var/run/docker.sock); start one, or unset " + VARIABLE
              + " to run on the embedded broker and database");
        }
        return Backend.CONTAINERS;
      }
      case "embedded" -> {
        return Backend.EMBEDDED;
      }
      default -> throw new IllegalArgumentException(
          VARIABLE + "=" + setting + " is neither 'containers' nor 'embedded' (unset: containers when Docker answers)");
    }
  }

  /** The backend of this JVM, chosen on the first call. */
  private static synchronized Backend backend() {
    if (backend == null) {
      String setting = System.getenv(VARIABLE);
      backend = choose(setting, () -> DockerClientFactory.instance().isDockerAvailable());
      LOG.info("test.stack backend={} ({})", backend, setting != null && !setting.isBlank() ? VARIABLE + "=" + setting
          : backend == Backend.CONTAINERS ? VARIABLE + " unset, Docker answers"
          : VARIABLE + " unset, no Docker engine: Testcontainers' error above is expected");
    }
    return backend;
  }

  /** {@code host:port} of the JVM's broker, started on the first call. */
  public static synchronized String kafkaBootstrap() {
    if (kafkaBootstrap == null) {
      kafkaBootstrap = backend() == Backend.CONTAINERS ? startKafkaContainer() : startEmbeddedKafka();
    }
    return kafkaBootstrap;
  }

  /**
   * A new, empty database on the JVM's PostgreSQL server (started on the first call), as {@code DATABASE_URL} takes
   * it: {@code postgresql://user:password@host:port/name}. No test sees another's rows.
   */
  public static String newDatabase() {
    DatabaseUrl s = server();
    String name = "test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create database " + name + " on " + s, e);
    }
    return "postgresql://" + s.user() + ":" + s.password() + "@" + s.host() + ":" + s.port() + "/" + name;
  }

  private static synchronized DatabaseUrl server() {
    if (server == null) {
      server = DatabaseUrl.parse(backend() == Backend.CONTAINERS ? startPostgresContainer() : startEmbeddedDatabase());
    }
    return server;
  }

  private static String startEmbeddedKafka() {
    try {
      EmbeddedKafka broker = EmbeddedKafka.start();
      closeAtExit(broker);
      return broker.bootstrapServers();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker", e);
    }
  }

  private static String startEmbeddedDatabase() {
    try {
      EmbeddedDatabase db = EmbeddedDatabase.start();
      closeAtExit(db);
      return db.url();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL", e);
    }
  }

  /**
   * The broker configured as the embedded one is: topics only from the pipeline's own creation (with their
   * partition counts), four offsets-topic partitions, internal topics on one replica (the module sets the rest).
   */
  private static String startKafkaContainer() {
    KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)
        .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "4")
        .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
        .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
    kafka.start();
    // stopped at JVM exit, and by Testcontainers' reaper container should the JVM die first
    closeAtExit(kafka::stop);
    LOG.info("test.stack.kafka image={} bootstrap={}", KAFKA_IMAGE, kafka.getBootstrapServers());
    return kafka.getBootstrapServers();
  }

  private static String startPostgresContainer() {
    PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE);
    postgres.start();
    closeAtExit(postgres::stop);
    String url = "postgresql://" + postgres.getUsername() + ":" + postgres.getPassword() + "@" + postgres.getHost()
        + ":" + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + postgres.getDatabaseName();
    LOG.info("test.stack.postgres image={} url={}", POSTGRES_IMAGE, DatabaseUrl.parse(url));
    return url;
  }

  private static void closeAtExit(AutoCloseable resource) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        resource.close();
      } catch (Exception ignored) {
        // the JVM is exiting
      }
    }));
  }
}
