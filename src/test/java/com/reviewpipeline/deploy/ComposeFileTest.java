package com.reviewpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.Main;
import com.reviewpipeline.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the container files are checked for what can be checked without one: the compose
 * file parses, names the services docs/operations.md describes, and passes only variables, commands and ports the
 * app has.
 */
class ComposeFileTest {

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws Exception {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    return (Map<String, Object>) new Yaml(options).load(Files.readString(Path.of("docker-compose.yml")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> service(Map<String, Object> compose, String name) {
    return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> env(Map<String, Object> service) {
    return (Map<String, Object>) service.getOrDefault("environment", Map.of());
  }

  @SuppressWarnings("unchecked")
  static List<String> command(Map<String, Object> service) {
    return (List<String>) service.get("command");
  }

  @Test
  @DisplayName("docker-compose.yml: Kafka (apache/kafka, KRaft), PostgreSQL, two clustered app nodes, Prometheus, optional simulator; only env vars, commands and ports the app really has")
  void composeFileNamesOnlyWhatTheAppHas() throws Exception {
    Map<String, Object> c = compose();
    Set<String> services = ((Map<String, Object>) c.get("services")).keySet();
    assertThat(services).contains("kafka", "postgres", "app1", "app2", "prometheus", "simulator");

    Map<String, Object> kafka = service(c, "kafka");
    assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
    assertThat(env(kafka).get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat((String) service(c, "postgres").get("image")).startsWith("postgres:");
    assertThat((List<String>) service(c, "simulator").get("profiles")).as("simulator is optional").contains("simulator");

    Set<String> known = ConfigLoader.environmentVariables();
    for (String name : List.of("app1", "app2")) {
      Map<String, Object> app = service(c, name);
      assertThat(env(app).keySet()).as(name + " environment").isSubsetOf(known);
      assertThat(env(app).get("CLUSTER_ENABLED")).isEqualTo("true");
      assertThat(env(app).get("CLUSTER_PUBLIC_HOST")).isEqualTo(name);
      assertThat(env(app).get("NODE_NAME")).isEqualTo(name);
      // every member named is a service of this file, at the members' Hazelcast port
      for (String member : ((String) env(app).get("CLUSTER_MEMBERS")).split(",")) {
        String[] hp = member.split(":");
        assertThat(services).contains(hp[0]);
        assertThat(hp[1]).isEqualTo(env(app).get("CLUSTER_PORT"));
      }
      // the published port reaches the admin API's HTTP_PORT
      List<String> ports = (List<String>) app.get("ports");
      assertThat(ports).singleElement().satisfies(p -> assertThat(p).endsWith(":" + env(app).get("HTTP_PORT")));
      assertParses(command(app));
      assertThat(command(app)).contains("--cluster");
    }
    assertParses(command(service(c, "simulator")));
    assertParses(command(service(c, "loadgen")));
    assertThat(String.join(" ", command(service(c, "simulator")))).contains("--host 0.0.0.0");

    // Prometheus scrapes /metrics of both nodes at their HTTP port
    String prometheus = Files.readString(Path.of("deploy", "prometheus.yml"));
    assertThat(prometheus).contains("metrics_path: /metrics").contains("app1:8080").contains("app2:8080");
    assertThat(String.valueOf(service(c, "prometheus").get("volumes"))).contains("./deploy/prometheus.yml");
  }

  @Test
  @DisplayName("docker-compose.yml: ADMIN_TOKEN required with no default anywhere, ANTHROPIC_BASE_URL defaults to the "
      + "Anthropic API (never the simulator), the simulator is an opt-in whose /_sim/* endpoints need a required token")
  void composeFileKeepsSecretsWhereTheUserSaid() throws Exception {
    Map<String, Object> c = compose();
    String text = Files.readString(Path.of("docker-compose.yml"));
    Pattern required = Pattern.compile("\\$\\{ADMIN_TOKEN:\\?[^}]+}");
    for (String name : List.of("app1", "app2")) {
      Map<String, Object> env = env(service(c, name));
      assertThat((String) env.get("ADMIN_TOKEN")).as(name + " ADMIN_TOKEN").matches(required);
      assertThat((String) env.get("ANTHROPIC_BASE_URL")).as(name + " ANTHROPIC_BASE_URL")
          .matches("\\$\\{ANTHROPIC_BASE_URL(:-https://[^}]+)?}").doesNotContain("simulator");
    }
    assertThat(text).as("no default admin token anywhere").doesNotContainPattern("ADMIN_TOKEN:?-")
        .doesNotContain("change-me");

    // the simulator binds beyond loopback, so it needs a control token: required, like the admin token it reuses
    Map<String, Object> simulator = service(c, "simulator");
    assertThat((List<String>) simulator.get("profiles")).contains("simulator");
    assertThat((String) env(simulator).get("SIMULATOR_CONTROL_TOKEN")).matches(required);
    // the opt-in the header documents reaches the simulator service at the port it listens on
    List<String> cmd = command(simulator);
    String url = "ANTHROPIC_BASE_URL=http://simulator:" + cmd.get(cmd.indexOf("--port") + 1);
    assertThat(text.substring(0, text.indexOf("x-app:"))).contains(url + " docker compose --profile simulator up");
  }

  static void assertParses(List<String> args) {
    CommandLine cli = new CommandLine(new Main());
    CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand()).as("subcommand of " + args).isNotNull();
  }

  @Test
  @DisplayName("Dockerfile: multi-stage (Maven, then a JRE), non-root user, container-aware heap, HEALTHCHECK on /health/ready, conf/ mountable")
  void dockerfileFollowsTheRules() throws Exception {
    String df = Files.readString(Path.of("Dockerfile"));
    List<String> froms = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(df);
    while (m.find()) {
      froms.add(m.group(1));
    }
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).startsWith("maven:");
    assertThat(froms.get(1)).contains("jre");
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(df);
    assertThat(user.find()).isTrue();
    assertThat(user.group(1)).isNotIn("root", "0");
    assertThat(df).contains("MaxRAMPercentage").contains("/health/ready").contains("VOLUME [\"/app/conf\"]");
    assertThat(df).containsPattern("(?m)^HEALTHCHECK ");
  }
}
