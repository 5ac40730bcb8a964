package com.reviewpipeline.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: no driver
 * binary, no extra dependency. Clicks and typing go through {@code Input.*} events at the element's position, so
 * the page sees what a user's mouse and keyboard would produce.
 */
public final class Chromium implements AutoCloseable {

  private static final List<String> CANDIDATES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  /** The browser binary: {@code CHROME_BIN}, else the first of chromium/google-chrome on the PATH. */
  public static Optional<Path> find() {
    String env = System.getenv("CHROME_BIN");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Optional.of(Path.of(env));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : CANDIDATES) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  public Chromium(Path binary, int width, int height) throws Exception {
    profile = Files.createTempDirectory("chromium-profile");
    process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    Instant deadline = Instant.now().plusSeconds(30);
    while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IOException("chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    while (pageSocket == null) {
      String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      pageSocket = new io.vertx.core.json.JsonArray(list).stream().map(o -> (JsonObject) o)
          .filter(t -> "page".equals(t.getString("type"))).map(t -> t.getString("webSocketDebuggerUrl"))
          .findFirst().orElse(null);
      if (pageSocket == null && Instant.now().isAfter(deadline)) {
        throw new IOException("chromium exposes no page target: " + list);
      }
    }
    socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(10, TimeUnit.SECONDS);
    send("Page.enable", new JsonObject());
    send("Runtime.enable", new JsonObject());
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject msg = new JsonObject(partial.toString());
        partial.setLength(0);
        Long id = msg.getLong("id");
        if (id != null) {
          CompletableFuture<JsonObject> f = pending.remove(id);
          if (f != null) {
            if (msg.containsKey("error")) {
              f.completeExceptionally(new IOException("CDP error: " + msg.getJsonObject("error").encode()));
            } else {
              f.complete(msg.getJsonObject("result", new JsonObject()));
            }
          }
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Sends one DevTools command and waits for its result. */
  public JsonObject send(String method, JsonObject params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
        .get(10, TimeUnit.SECONDS);
    return f.get(30, TimeUnit.SECONDS);
  }

  public void navigate(String url) throws Exception {
    send("Page.navigate", new JsonObject().put("url", url));
    waitFor("document loaded", () -> "complete".equals(eval("document.readyState")), Duration.ofSeconds(15));
  }

  /** Evaluates a JavaScript expression in the page (promises awaited) and returns its JSON value. */
  public Object eval(String expression) throws Exception {
    JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("awaitPromise", true).put("returnByValue", true));
    if (r.containsKey("exceptionDetails")) {
      throw new IOException("page script failed: " + r.getJsonObject("exceptionDetails").encode());
    }
    return r.getJsonObject("result").getValue("value");
  }

  public String text(String selector) throws Exception {
    Object v = eval("(() => { const e = document.querySelector(" + quote(selector) + "); return e ? e.textContent : null; })()");
    return v == null ? null : v.toString();
  }

  public boolean visible(String selector) throws Exception {
    return Boolean.TRUE.equals(eval("(() => { const e = document.querySelector(" + quote(selector)
        + "); return !!e && e.offsetParent !== null; })()"));
  }

  /** A real mouse click in the middle of the element (scrolled into view first). */
  public void click(String selector) throws Exception {
    Object box = eval("(() => { const e = document.querySelector(" + quote(selector) + "); if (!e) return null;"
        + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
    if (box == null) {
      throw new IOException("no element matches " + selector);
    }
    JsonObject at = (JsonObject) box;
    for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
      send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", at.getDouble("x"))
          .put("y", at.getDouble("y")).put("button", "left").put("clickCount", 1));
    }
  }

  /** Clicks into the field, clears it and types the text as keyboard input. */
  public void type(String selector, String text) throws Exception {
    click(selector);
    eval("document.querySelector(" + quote(selector) + ").select()");
    send("Input.insertText", new JsonObject().put("text", text));
  }

  public void pressEnter() throws Exception {
    JsonObject key = new JsonObject().put("key", "Enter").put("code", "Enter").put("windowsVirtualKeyCode", 13)
        .put("text", "\r");
    send("Input.dispatchKeyEvent", key.copy().put("type", "keyDown"));
    send("Input.dispatchKeyEvent", key.copy().put("type", "keyUp"));
  }

  /** Full-page PNG screenshot. */
  public Path screenshot(Path file) throws Exception {
    JsonObject r = send("Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.getString("data")));
    return file;
  }

  public interface Check {
    boolean ok() throws Exception;
  }

  /** Polls a condition on the page; on timeout the failure names what was awaited. */
  public void waitFor(String what, Check check, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    AssertionError e = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    if (last != null) {
      e.addSuppressed(last);
    }
    throw e;
  }

  static String quote(String s) {
    return new JsonObject().put("s", s).encode().replaceFirst("^\\{\"s\":", "").replaceFirst("}$", "");
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      // renderer, GPU and crash-handler processes can outlive the browser process and keep writing to the profile
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      children.forEach(ProcessHandle::destroy);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : children) {
        try {
          child.onExit().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          child.destroyForcibly();
        }
      }
      deleteProfile();
    }
  }

  /** Best effort: the profile is a temporary directory, and failing to remove it is not what a test checks. */
  private void deleteProfile() {
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(profile)) {
          walk.forEach(files::add);
        }
        files.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : files) {
          Files.deleteIfExists(p);
        }
        return;
      } catch (IOException | java.io.UncheckedIOException e) {
        if (attempt == 3) {
          System.err.println("chromium: could not remove the profile " + profile + ": " + e);
        }
      }
    }
  }
}
