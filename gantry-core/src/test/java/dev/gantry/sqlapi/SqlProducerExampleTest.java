package dev.gantry.sqlapi;

import static dev.gantry.testing.TestWorkers.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.Gantry;
import dev.gantry.internal.Json;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code examples/sql-producer/enqueue.sh} against the test database, as its README says to.
 * Skipped when {@code psql} is not on the PATH.
 */
class SqlProducerExampleTest {
  private final TestDatabase db = TestDatabase.get();
  private Gantry gantry;
  private Path script;

  @BeforeEach
  void setUp() {
    assumeTrue(psqlIsInstalled(), "psql is not on the PATH");
    script = findScript();
    gantry = db.newGantry();
  }

  @AfterEach
  void tearDown() {
    if (gantry != null) {
      gantry.close();
    }
  }

  @Test
  void enqueuesWithDatabaseUrlAndPrintsTheIdAndTheStatus() throws Exception {
    Map<String, String> env = new HashMap<>(connection());
    String url = "postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/" + env.get("PGDATABASE")
        + "?user=" + env.get("PGUSER") + (env.containsKey("PGPASSWORD") ? "&password=" + env.get("PGPASSWORD") : "");
    Run run = run(Map.of("DATABASE_URL", url), "email.send", "{\"to\": \"it's@example.com\"}",
        "{\"queue\": \"mail\", \"delay_ms\": 60000, \"tags\": [\"from-psql\"]}");

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    UUID id = UUID.fromString(lines.get(0));
    Job job = job(gantry, id);
    assertThat(job.kind()).isEqualTo("email.send");
    assertThat(job.args().get("to").asText()).isEqualTo("it's@example.com");
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.tags()).containsExactly("from-psql");
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    JsonNode status = Json.read(Json.defaultMapper(), String.join("\n", lines.subList(1, lines.size())));
    assertThat(status.get("id").asText()).isEqualTo(id.toString());
    assertThat(status.get("state").asText()).isEqualTo("scheduled");
  }

  @Test
  void enqueuesWithPgVariablesAndDefaultOptions() throws Exception {
    Run run = run(connection(), "report.build");

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
    UUID id = UUID.fromString(run.out().lines().findFirst().orElseThrow());
    assertThat(job(gantry, id).state()).isEqualTo(JobState.AVAILABLE);
    assertThat(run.out()).contains("\"state\": \"available\"");
  }

  @Test
  void aRejectedOptionFailsWithTheDatabasesMessageAndHint() throws Exception {
    Run run = run(connection(), "report.build", "{}", "{\"priority\": 500}");

    assertThat(run.exitCode()).isEqualTo(3); // psql's status for an error under ON_ERROR_STOP
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("option \"priority\" must be a whole number from -100 to 100").contains("HINT:");
    assertThat(db.queryLong("SELECT count(*) FROM " + gantry.schema() + ".all_jobs")).isZero();
  }

  private record Run(int exitCode, String out, String err) {}

  private Run run(Map<String, String> connection, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    // Only the connection this test gives: none of the machine's own PG* settings or DATABASE_URL.
    env.keySet().removeIf(k -> k.startsWith("PG") || k.equals("DATABASE_URL"));
    env.putAll(connection);
    env.put("GANTRY_SCHEMA", gantry.schema());
    Path out = Files.createTempFile("enqueue-sh", ".out");
    Path err = Files.createTempFile("enqueue-sh", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("enqueue.sh did not finish in 60 s");
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The test database's JDBC URL as psql's PG* variables. */
  private Map<String, String> connection() {
    URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", uri.getHost());
    env.put("PGPORT", Integer.toString(uri.getPort() == -1 ? 5432 : uri.getPort()));
    env.put("PGDATABASE", uri.getPath().substring(1));
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
        switch (kv[0]) {
          case "user" -> env.put("PGUSER", value);
          case "password" -> env.put("PGPASSWORD", value);
          default -> { } // JDBC-only settings mean nothing to psql
        }
      }
    }
    return env;
  }

  private static boolean psqlIsInstalled() {
    try {
      Process p = new ProcessBuilder("psql", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The script, found from the module's folder (where the build runs tests) or the project's. */
  private static Path findScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("examples/sql-producer/enqueue.sh");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("examples/sql-producer/enqueue.sh not found above " + Path.of("").toAbsolutePath());
  }
}
