package com.reviewpipeline.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that starts a Kafka broker, PostgreSQL, a child JVM, a cluster or a browser: tagged
 * {@value #TAG}, which {@code mvn -B test -Pfast} leaves out. {@code TestTagsTest} checks that no such class goes
 * without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {

  /** The JUnit tag, as Surefire's {@code groups} and {@code excludedGroups} name it. */
  String TAG = "integration";
}
