package com.reviewpipeline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  @Test
  @DisplayName("/openapi.yaml is served without auth and lists exactly the routes the admin API implements")
  void documentMatchesRoutes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig base = TestConfig.load(vertx, new JsonObject());
      AppConfig config = base.withKafka(base.kafka().withBootstrapServers("127.0.0.1:1"))
          .withDatabaseUrl("postgresql://u:p@127.0.0.1:1/db").withHttpPort(0).withAdminToken("t");
      AdminApiVerticle admin = new AdminApiVerticle(config);
      vertx.deployVerticle(admin).toCompletionStage().toCompletableFuture().get();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin.port() + "/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.body());
      assertThat(doc.get("openapi").asText()).startsWith("3.");
      Set<String> documented = new TreeSet<>();
      doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
        if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
          documented.add(method.toUpperCase() + " " + path.getKey());
        }
      }));
      assertThat(documented).isEqualTo(admin.routes());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
