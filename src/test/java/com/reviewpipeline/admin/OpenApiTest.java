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
      AdminApiVerticle admin = new AdminApiVerticle(config, com.reviewpipeline.support.Telemetries.fresh());
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

  @Test
  @DisplayName("the admin UI is served at / without auth, with every asset from the app itself (no CDN or external URL)")
  void adminUiServedLocally() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig base = TestConfig.load(vertx, new JsonObject());
      AppConfig config = base.withKafka(base.kafka().withBootstrapServers("127.0.0.1:1")).withHttpPort(0).withAdminToken("t");
      AdminApiVerticle admin = new AdminApiVerticle(config, com.reviewpipeline.support.Telemetries.fresh());
      vertx.deployVerticle(admin).toCompletionStage().toCompletableFuture().get();
      HttpClient http = HttpClient.newHttpClient();
      String root = "http://127.0.0.1:" + admin.port();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(root + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type").orElse("")).contains("text/html");
      assertThat(page.body()).contains("Review pipeline").contains("/ui/admin.js").contains("/ui/admin.css");
      for (String asset : new String[] {"/ui/admin.js", "/ui/admin.css"}) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + asset)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(asset).isEqualTo(200);
        assertThat(r.body()).as(asset + " has no external URL").doesNotContain("http://").doesNotContain("https://");
      }
      assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(root + "/ui/nope.js")).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(404);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
