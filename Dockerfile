# Multi-stage build: Maven builds the shaded jar, a JRE image runs it as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY conf conf
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app pipeline
WORKDIR /app
COPY --from=build /src/target/review-pipeline.jar /app/review-pipeline.jar
COPY conf /app/conf
USER pipeline
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD wget -qO- http://localhost:8080/health/ready >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/review-pipeline.jar"]
CMD ["run"]
