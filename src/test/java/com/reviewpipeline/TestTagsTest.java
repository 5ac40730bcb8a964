package com.reviewpipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.reviewpipeline.support.IntegrationTest;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnitAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code mvn -B test -Pfast} runs only unit tests: every test class that starts heavy machinery is tagged. */
class TestTagsTest {

  /** The calls (and method references) that start a broker, PostgreSQL, a child JVM (one cluster node each) or a browser. */
  static final Set<String> STARTS = Set.of(
      "com.reviewpipeline.support.TestStack.kafkaBootstrap",
      "com.reviewpipeline.support.TestStack.newDatabase",
      "com.reviewpipeline.support.PipelineHarness.<init>",
      "com.reviewpipeline.support.PipelineProcess.start",
      "com.reviewpipeline.support.Chromium.<init>",
      "com.reviewpipeline.devtools.embedded.EmbeddedKafka.start",
      "com.reviewpipeline.devtools.embedded.EmbeddedDatabase.start",
      "java.lang.ProcessBuilder.<init>");

  static boolean starts(JavaCodeUnitAccess<?> access) {
    return STARTS.contains(access.getTarget().getOwner().getName() + "." + access.getTarget().getName());
  }

  @Test
  @DisplayName("a test class that starts a broker, PostgreSQL, a child JVM or a browser is an @IntegrationTest")
  void heavyTestsAreTagged() {
    DescribedPredicate<JavaClass> startsMachinery = DescribedPredicate.describe("call one of " + STARTS,
        c -> c.getCodeUnitAccessesFromSelf().stream().anyMatch(TestTagsTest::starts));
    classes().that().haveSimpleNameEndingWith("Test").and(startsMachinery)
        .should().beAnnotatedWith(IntegrationTest.class)
        .check(new ClassFileImporter().importPath(Path.of("target", "test-classes")));
  }
}
