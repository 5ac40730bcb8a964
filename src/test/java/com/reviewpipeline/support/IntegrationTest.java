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
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import java.util.Set;

/**
 * A test class that starts a Kafka broker, PostgreSQL, a child JVM, a cluster or a browser: tagged
 * {@value #TAG}, which {@code mvn -B test -Pfast} leaves out. {@code TestTagsTest} checks that no such class goes
 * without it.
 *
 * <p>In {@code mvn -B test} these classes run one at a time in their lane while the unit tests run one at a time
 * beside them, so the unit tests' CPU work overlaps the integration tests' waiting (junit parallel settings in the
 * pom). A class marked {@link #beside()} runs in a second integration lane: only tests whose assertions hold
 * whatever the machine's load (no timing, no rates, no batch composition) may be.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(IntegrationTest.TAG)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(providers = IntegrationTest.Lanes.class)
public @interface IntegrationTest {

  /** Run in the second lane, beside the other integration tests (see the class comment for which may). */
  boolean beside() default false;

  /** Each class holds its lane's lock while it runs: one class at a time per lane. */
  final class Lanes implements ResourceLocksProvider {
    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
      IntegrationTest it = testClass.getAnnotation(IntegrationTest.class);
      return Set.of(new Lock(it != null && it.beside() ? "integration-beside" : "integration-stack"));
    }
  }

  /** The JUnit tag, as Surefire's {@code groups} and {@code excludedGroups} name it. */
  String TAG = "integration";
}
