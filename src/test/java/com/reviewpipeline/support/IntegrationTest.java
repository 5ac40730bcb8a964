package com.reviewpipeline.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class that starts a Kafka broker, PostgreSQL, a child JVM, a cluster or a browser: tagged
 * {@value #TAG}, which {@code mvn -B test -Pfast} leaves out. {@code TestTagsTest} checks that no such class goes
 * without it.
 *
 * <p>In {@code mvn -B test} these classes run one at a time, each on a pool thread, while the unit tests run one at a
 * time on the main thread: two lanes, so the unit tests' CPU work overlaps the integration tests' waiting (junit
 * parallel settings in the pom). No two integration tests ever run together.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(IntegrationTest.TAG)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(IntegrationTest.LOCK)
public @interface IntegrationTest {

  /** Held by each integration test class while it runs: one at a time. */
  String LOCK = "integration-stack";

  /** The JUnit tag, as Surefire's {@code groups} and {@code excludedGroups} name it. */
  String TAG = "integration";
}
