package com.reviewpipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The package layering of the production code, read from the compiled classes. */
class ArchitectureTest {

  /** The service itself: what runs in production. */
  static final String[] SERVICE = {"com.reviewpipeline.agreement..", "com.reviewpipeline.ingest..", "com.reviewpipeline.buffer..", "com.reviewpipeline.cache..", "com.reviewpipeline.claude..", "com.reviewpipeline.publish..", "com.reviewpipeline.retry..", "com.reviewpipeline.store..",
      "com.reviewpipeline.alert..", "com.reviewpipeline.admin..", "com.reviewpipeline.telemetry..", "com.reviewpipeline.config..", "com.reviewpipeline.model..", "com.reviewpipeline.bus..", "com.reviewpipeline.kafka..", "com.reviewpipeline.ratelimit..",
      "com.reviewpipeline.tokens..", "com.reviewpipeline.app.."};
  /** Developer tools: the API simulator, the load generator, the embedded broker and database, the benchmarks. */
  static final String[] DEV_TOOLS = {"com.reviewpipeline.devtools.."};

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.reviewpipeline");
  }

  @Test
  @DisplayName("no cycles between packages")
  void noPackageCycles() {
    slices().matching("com.reviewpipeline.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  @DisplayName("the service never imports the developer tools (simulator, load generator, embedded stack, bench)")
  void serviceIndependentOfDevTools() {
    noClasses().that().resideInAnyPackage(SERVICE)
        .should().dependOnClassesThat().resideInAnyPackage(DEV_TOOLS)
        .check(classes);
  }

  @Test
  @DisplayName("the shared kernel (model, bus, config) depends on no stage of the pipeline")
  void kernelAtTheBottom() {
    noClasses().that().resideInAnyPackage("com.reviewpipeline.model..", "com.reviewpipeline.bus..", "com.reviewpipeline.config..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.ingest..", "com.reviewpipeline.buffer..", "com.reviewpipeline.claude..", "com.reviewpipeline.publish..",
            "com.reviewpipeline.cache..", "com.reviewpipeline.retry..", "com.reviewpipeline.store..", "com.reviewpipeline.alert..", "com.reviewpipeline.admin..", "com.reviewpipeline.app..", "com.reviewpipeline.kafka..", "com.reviewpipeline.telemetry..")
        .check(classes);
  }

  @Test
  @DisplayName("offset tracking and commits live in kafka, used by the stages, never the other way round")
  void kafkaBelowTheStages() {
    noClasses().that().resideInAnyPackage("com.reviewpipeline.kafka..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.ingest..", "com.reviewpipeline.retry..", "com.reviewpipeline.store..", "com.reviewpipeline.claude..",
            "com.reviewpipeline.buffer..", "com.reviewpipeline.cache..", "com.reviewpipeline.publish..", "com.reviewpipeline.alert..", "com.reviewpipeline.admin..", "com.reviewpipeline.app..")
        .check(classes);
  }

  @Test
  @DisplayName("SQL lives in store: no other package of the service uses the SQL client")
  void sqlOnlyInStore() {
    noClasses().that().resideInAnyPackage(SERVICE).and().resideOutsideOfPackage("com.reviewpipeline.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..", "java.sql..")
        .check(classes);
  }

  @Test
  @DisplayName("no production code reaches into Vert.x internals (the cluster manager is passed in)")
  void noVertxInternals() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.internal..", "io.vertx.core.impl..")
        .check(classes);
  }

  @Test
  @DisplayName("the agreement ledger sits below the stages: the Claude stage asks it, it imports no stage")
  void agreementBelowTheStages() {
    noClasses().that().resideInAnyPackage("com.reviewpipeline.agreement..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.ingest..", "com.reviewpipeline.buffer..",
            "com.reviewpipeline.claude..", "com.reviewpipeline.publish..", "com.reviewpipeline.cache..",
            "com.reviewpipeline.retry..", "com.reviewpipeline.store..", "com.reviewpipeline.alert..",
            "com.reviewpipeline.admin..", "com.reviewpipeline.app..", "com.reviewpipeline.telemetry..")
        .check(classes);
  }

  static final String CLAUDE = "com.reviewpipeline.claude";
  static final String API = CLAUDE + ".api..";
  static final String REQUEST = CLAUDE + ".request..";
  static final String COST = CLAUDE + ".cost..";
  static final String RESILIENCE = CLAUDE + ".resilience..";
  static final String BATCHES = CLAUDE + ".batches..";

  @Test
  @DisplayName("the Claude stage's sub-packages have one direction: api and request at the bottom, cost and resilience"
      + " above them, batches above those, the verticles in claude on top; none imports the verticles' package")
  void claudeSubPackagesLayered() {
    noClasses().that().resideInAnyPackage(API)
        .should().dependOnClassesThat().resideInAnyPackage(REQUEST, COST, RESILIENCE, BATCHES, CLAUDE)
        .check(classes);
    noClasses().that().resideInAnyPackage(REQUEST)
        .should().dependOnClassesThat().resideInAnyPackage(API, COST, RESILIENCE, BATCHES, CLAUDE)
        .check(classes);
    noClasses().that().resideInAnyPackage(COST)
        .should().dependOnClassesThat().resideInAnyPackage(RESILIENCE, BATCHES, CLAUDE)
        .check(classes);
    noClasses().that().resideInAnyPackage(RESILIENCE)
        .should().dependOnClassesThat().resideInAnyPackage(COST, BATCHES, CLAUDE)
        .check(classes);
    noClasses().that().resideInAnyPackage(BATCHES)
        .should().dependOnClassesThat().resideInAnyPackage(CLAUDE)
        .check(classes);
  }

  @Test
  @DisplayName("no cycles between the Claude stage's sub-packages")
  void noCyclesInsideClaude() {
    slices().matching("com.reviewpipeline.claude.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  @DisplayName("the buffer and the Claude stage meet on the bus only: neither imports the other")
  void bufferAndClaudeApart() {
    noClasses().that().resideInAnyPackage("com.reviewpipeline.buffer..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.claude..")
        .check(classes);
    noClasses().that().resideInAnyPackage("com.reviewpipeline.claude..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.buffer..")
        .check(classes);
  }

  @Test
  @DisplayName("token estimates sit below the stages: tokens imports no stage")
  void tokensBelowTheStages() {
    noClasses().that().resideInAnyPackage("com.reviewpipeline.tokens..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.ingest..", "com.reviewpipeline.buffer..",
            "com.reviewpipeline.claude..", "com.reviewpipeline.publish..", "com.reviewpipeline.cache..",
            "com.reviewpipeline.retry..", "com.reviewpipeline.store..", "com.reviewpipeline.alert..",
            "com.reviewpipeline.admin..", "com.reviewpipeline.app..", "com.reviewpipeline.telemetry..",
            "com.reviewpipeline.kafka..")
        .check(classes);
  }

  @Test
  @DisplayName("eval is a tool beside the service: only the CLI uses it, and it reuses the Claude stage's pieces and the injection detector, never a stage's verticles")
  void evalBesideTheService() {
    noClasses().that().resideOutsideOfPackages("com.reviewpipeline.eval..", "com.reviewpipeline.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.eval..")
        .check(classes);
    noClasses().that().resideInAnyPackage("com.reviewpipeline.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("com.reviewpipeline.ingest..",
            "com.reviewpipeline.publish..", "com.reviewpipeline.cache..", "com.reviewpipeline.retry..",
            "com.reviewpipeline.store..", "com.reviewpipeline.alert..", "com.reviewpipeline.admin..",
            "com.reviewpipeline.app..", "com.reviewpipeline.kafka..", "com.reviewpipeline.bus..",
            "com.reviewpipeline.telemetry..", "com.reviewpipeline.budget..", "com.reviewpipeline.devtools.bench..",
            "com.reviewpipeline.devtools.embedded..", "com.reviewpipeline.devtools.loadgen..")
        .check(classes);
    noClasses().that().resideInAnyPackage("com.reviewpipeline.eval..")
        .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
            "buffer classes other than InjectionDetector", (com.tngtech.archunit.core.domain.JavaClass c) ->
                c.getPackageName().startsWith("com.reviewpipeline.buffer")
                    && !c.getSimpleName().equals("InjectionDetector")))
        .check(classes);
  }
}
