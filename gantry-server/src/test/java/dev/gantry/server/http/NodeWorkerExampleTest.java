package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.Role;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs {@code examples/node-worker/worker.mjs} against a real server (skipped when {@code node} is not on the PATH). */
class NodeWorkerExampleTest {
  private static final Path WORKER = Path.of("..", "examples", "node-worker", "worker.mjs").toAbsolutePath().normalize();

  private final TestServer t = TestServer.start();
  private Process node;
  private Thread outputReader;

  @AfterEach
  void tearDown() {
    if (node != null && node.isAlive()) {
      node.destroyForcibly();
    }
    t.close();
  }

  private static Optional<Path> nodeOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Starts the worker; its output lines are collected into {@code output}. */
  private Process startWorker(String key, Map<String, String> settings, List<String> output) throws IOException {
    Optional<Path> nodeBinary = nodeOnPath();
    assumeThat(nodeBinary).as("node on the PATH").isPresent();
    assertThat(WORKER).exists();
    ProcessBuilder pb = new ProcessBuilder(nodeBinary.get().toString(), WORKER.toString()).redirectErrorStream(true);
    pb.environment().put("GANTRY_URL", t.server.url());
    pb.environment().put("GANTRY_API_KEY", key);
    pb.environment().putAll(settings);
    Process p = pb.start();
    outputReader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        in.lines().forEach(output::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return p;
  }

  /** Waits for the worker to exit and for its last output line to be read; returns its exit status. */
  private int awaitExit(List<String> output) throws InterruptedException {
    assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("worker exits; output: %s", output).isTrue();
    assertThat(outputReader.join(Duration.ofSeconds(10))).as("all output read").isTrue();
    return node.exitValue();
  }

  private UUID enqueue(String argsJson) {
    TestServer.Reply r = t.post("/v1/jobs", t.producer, "{\"kind\":\"files.checksum\",\"queue\":\"files\",\"args\":" + argsJson + "}");
    assertThat(r.status()).isEqualTo(201);
    return UUID.fromString(r.json().get("id").asText());
  }

  @Test
  void theWorkerRunsEveryJobReportingProgressPerItemAndRetriesASimulatedFailure() throws Exception {
    String key = t.key("node worker", Role.WORKER, null);
    UUID months = enqueue("{\"files\":[\"jan.csv\",\"feb.csv\",\"mar.csv\"]}");
    UUID reports = enqueue("{\"files\":[\"q1.pdf\",\"unreadable.pdf\",\"q3.pdf\"]}");
    UUID flaky = enqueue("{\"files\":[\"x.bin\",\"y.bin\"],\"fail_attempts\":1}");
    List<String> output = new CopyOnWriteArrayList<>();

    // Three jobs, one of them twice: four attempts.
    node = startWorker(key, Map.of("MAX_JOBS", "4", "WAIT_SECONDS", "5", "ITEM_MS", "20", "WORKER_ID", "node-test"), output);

    assertThat(awaitExit(output)).as("exit status; output: %s", output).isZero();
    for (UUID id : List.of(months, reports, flaky)) {
      Job job = t.gantry.job(id).orElseThrow();
      assertThat(job.state()).as("job %s; output: %s", id, output).isEqualTo(JobState.COMPLETED);
      assertThat(job.workerId()).isEqualTo("node-test");
      assertThat(job.progressPercent()).isEqualTo(100);
    }
    Job first = t.gantry.job(months).orElseThrow();
    assertThat(first.result().get("files").asInt()).isEqualTo(3);
    assertThat(first.result().get("ok").asInt()).isEqualTo(3);
    assertThat(first.progressMessage()).isEqualTo("3 of 3 files");
    assertThat(first.progressItems()).extracting(i -> i.get("item").asText()).containsExactly("jan.csv", "feb.csv", "mar.csv");
    assertThat(first.progressItems().get(0).get("sha256").asText()).hasSize(64);
    Job second = t.gantry.job(reports).orElseThrow();
    assertThat(second.result().get("failed").asInt()).isEqualTo(1);
    JsonNode unreadable = second.progressItems().get(1);
    assertThat(unreadable.get("status").asText()).isEqualTo("failed");
    assertThat(unreadable.get("error").asText()).isEqualTo("unreadable");
    Job retried = t.gantry.job(flaky).orElseThrow();
    assertThat(retried.attempt()).isEqualTo(2);
    assertThat(retried.errors()).singleElement().satisfies(e -> {
      assertThat(e.attempt()).isEqualTo(1);
      assertThat(e.errorClass()).isEqualTo("remote");
      assertThat(e.message()).isEqualTo("simulated failure on attempt 1");
    });
    assertThat(output).anyMatch(l -> l.contains(flaky + " (files.checksum, attempt 1): failed (simulated failure on attempt 1), now retryable"))
        .anyMatch(l -> l.contains(flaky + " (files.checksum, attempt 2): completed"))
        .anyMatch(l -> l.endsWith("stopped after 4 jobs"));
  }

  @Test
  void sigtermStopsAnIdleWorkerCleanly() throws Exception {
    List<String> output = new CopyOnWriteArrayList<>();
    node = startWorker(t.key("node worker", Role.WORKER, null), Map.of("WAIT_SECONDS", "30"), output);
    await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> l.contains("claiming from files")));

    // SIGTERM, through the handle: Process.destroy() would also close the pipe its output comes through.
    assertThat(node.toHandle().destroy()).isTrue();

    assertThat(awaitExit(output)).as("exit status; output: %s", output).isZero();
    assertThat(output).anyMatch(l -> l.contains("SIGTERM: stopping")).anyMatch(l -> l.endsWith("stopped after 0 jobs"));
  }
}
