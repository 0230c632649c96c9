package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.server.GantryCli;
import dev.gantry.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServerCommandTest {
  @Test
  void servesUntilSigtermAndThenStopsCleanly() throws Exception {
    String schema = TestDatabase.get().newSchema();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The runnable jar's logging (to stderr), not the tests' (to stdout), so stdout is what the command prints.
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=logback.xml",
        "-cp", System.getProperty("java.class.path"), GantryCli.class.getName(),
        "server", "--port", "0", "--schema", schema);
    pb.environment().put("GANTRY_DATABASE_URL", TestDatabase.get().jdbcUrl());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = pb.start();
    // Every line the server prints, read as it comes until the process closes its output.
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        out.lines().forEach(lines::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      String first = lines.poll(60, TimeUnit.SECONDS);
      assertThat(first).as("the server's first line").isNotNull();
      Matcher url = Pattern.compile("Gantry server listening on (http://127\\.0\\.0\\.1:\\d+) \\(PostgreSQL at .*, schema "
          + schema + "\\)").matcher(first);
      assertThat(url.matches()).as(first).isTrue();

      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url.group(1) + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);

      // SIGTERM through the handle: Process.destroy() would also close our end of its output.
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reading.get(10, TimeUnit.SECONDS);
      assertThat(new ArrayList<>(lines)).containsExactly("Gantry server stopped.");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void badSettingsAreUsageErrors() {
    CliRun run = CliRun.onTestDatabase("server", "--port", "70000");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("port must be between 0");

    CliRun shortKey = CliRun.onTestDatabase("server", "--metrics-key", "short");
    assertThat(shortKey.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(shortKey.err()).contains("metrics key must be at least 16 characters");

    CliRun shortTimeout = CliRun.onTestDatabase("server", "--database-timeout", "100ms");
    assertThat(shortTimeout.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(shortTimeout.err()).contains("--database-timeout: connection timeout must be between 1s and 10m");

    CliRun notADuration = CliRun.onTestDatabase("server", "--database-timeout", "soon");
    assertThat(notADuration.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notADuration.err()).contains("expected a duration such as 500ms");

    CliRun badVariable = CliRun.withEnvironment(Map.of("GANTRY_DATABASE_URL", TestDatabase.get().jdbcUrl(),
        ServerCommand.DATABASE_TIMEOUT_VARIABLE, "11m"), "server");
    assertThat(badVariable.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badVariable.err()).contains("GANTRY_DATABASE_TIMEOUT: connection timeout must be between 1s and 10m");

    CliRun badHosts = CliRun.withEnvironment(Map.of("GANTRY_DATABASE_URL", TestDatabase.get().jdbcUrl(),
        ServerCommand.WEBHOOK_HOSTS_VARIABLE, "hooks.example.com, https://hooks.example.com/in"), "server");
    assertThat(badHosts.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badHosts.err()).contains("GANTRY_WEBHOOK_ALLOWED_HOSTS: webhook allowed host must be a host name,"
        + " an IP address, *.domain or *, got: 'https://hooks.example.com/in'");
  }
}
