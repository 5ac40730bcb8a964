# Multi-stage build: Maven builds the shaded jar, a JRE image runs it as a non-root user.
#   docker build -t review-pipeline .
#   docker run --rm -p 8080:8080 -e KAFKA_BOOTSTRAP_SERVERS=... -e ANTHROPIC_API_KEY=... -e ADMIN_TOKEN=... review-pipeline
# conf/ is baked in at /app/conf and can be replaced by a mount: -v "$PWD/conf:/app/conf:ro"
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY conf conf
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --home-dir /app pipeline
WORKDIR /app
COPY --from=build /src/target/review-pipeline.jar /app/review-pipeline.jar
COPY conf /app/conf
USER 10001
# 8080 admin API and /metrics, 5701 Hazelcast membership, 15701 clustered event bus
EXPOSE 8080 5701 15701
# Container-aware heap (a share of the container's memory limit), fail fast on OOM, and the module
# openings Hazelcast asks for on Java 17.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError \
 --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
 --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
 --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
VOLUME ["/app/conf"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HTTP_PORT:-8080}/health/ready" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/review-pipeline.jar"]
CMD ["run"]
