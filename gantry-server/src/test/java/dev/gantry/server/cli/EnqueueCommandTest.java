package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.schema.Migrator;
import dev.gantry.testing.TestDatabase;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnqueueCommandTest {
  private final TestDatabase db = TestDatabase.get();
  private String schema;
  private Gantry gantry;

  @BeforeEach
  void setUp() {
    schema = db.newSchema();
    new Migrator(schema).migrate(db.dataSource());
    gantry = Gantry.builder(db.dataSource()).schema(schema).migrate(false).build();
  }

  @AfterEach
  void tearDown() {
    gantry.close();
  }

  private CliRun enqueue(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "enqueue";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--schema";
    all[args.length + 2] = schema;
    return CliRun.onTestDatabase(all);
  }

  private Job job(UUID id) {
    return gantry.job(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  @Test
  void printsTheIdOfTheJobItEnqueuedWithEveryOption() {
    CliRun run = enqueue("email.send", "--args", "{\"to\": \"ada@example.com\"}", "--queue", "mail", "--priority", "-5",
        "--delay", "5m", "--max-attempts", "3", "--unique-key", "welcome:42", "--tag", "billing", "--tag", "eu");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out().lines()).hasSize(1);
    Job job = job(UUID.fromString(run.out().strip()));
    assertThat(job.kind()).isEqualTo("email.send");
    assertThat(job.args().get("to").asText()).isEqualTo("ada@example.com");
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.priority()).isEqualTo(-5);
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.uniqueKey()).isEqualTo("welcome:42");
    assertThat(job.tags()).containsExactly("billing", "eu");
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(job.scheduledAt()).isCloseTo(job.createdAt().plus(Duration.ofMinutes(5)), within(1, ChronoUnit.MILLIS));
  }

  @Test
  void defaultsAreTheJavaApisDefaults() {
    CliRun run = enqueue("report.build");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    Job job = job(UUID.fromString(run.out().strip()));
    assertThat(job.queue()).isEqualTo("default");
    assertThat(job.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(job.args().isObject()).isTrue();
    assertThat(job.args().isEmpty()).isTrue();
    assertThat(job.maxAttempts()).isNull();
  }

  @Test
  void aDuplicateUniqueKeyPrintsTheExistingJobAndSaysSo() throws Exception {
    CliRun first = enqueue("report.build", "--unique-key", "daily", "--json");
    CliRun second = enqueue("report.build", "--unique-key", "daily", "--json");
    CliRun third = enqueue("report.build", "--unique-key", "daily");

    ObjectMapper mapper = new ObjectMapper();
    JsonNode a = mapper.readTree(first.out());
    JsonNode b = mapper.readTree(second.out());
    assertThat(a.get("duplicate").asBoolean()).isFalse();
    assertThat(b.get("duplicate").asBoolean()).isTrue();
    assertThat(b.get("id").asText()).isEqualTo(a.get("id").asText());
    assertThat(third.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(third.out().strip()).isEqualTo(a.get("id").asText());
    assertThat(third.err()).isEqualTo("gantry enqueue: unfinished job " + a.get("id").asText()
        + " already holds unique key daily; no job was added" + System.lineSeparator());
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".all_jobs")).isEqualTo(1);
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOptionBeforeAnyDatabaseIsOpened() {
    // No database configured: a value that got past the checks would fail on starting one instead.
    Map<String[], String> bad = new java.util.LinkedHashMap<>();
    bad.put(new String[] {"k", "--priority", "500"}, "Invalid value for option '--priority': priority must be between -100 and 100");
    bad.put(new String[] {"k", "--priority", "high"}, "Invalid value for option '--priority'");
    bad.put(new String[] {"k", "--delay", "soon"}, "Invalid value for option '--delay': expected a duration such as");
    bad.put(new String[] {"k", "--delay", "-PT5S"}, "Invalid value for option '--delay': delay must not be negative");
    bad.put(new String[] {"k", "--args", "{\"to\": "}, "Invalid value for option '--args': not valid JSON");
    bad.put(new String[] {"k", "--args", "{} {}"}, "Invalid value for option '--args': not valid JSON");
    bad.put(new String[] {"k", "--max-attempts", "0"}, "Invalid value for option '--max-attempts': maxAttempts must be at least 1");
    bad.put(new String[] {"k", "--unique-key", " "}, "Invalid value for option '--unique-key'");
    bad.put(new String[] {"k", "--tag", ""}, "Invalid value for option '--tag': each tag must be non-blank");
    bad.put(new String[] {"k", "--queue", "no spaces"}, "Invalid value for option '--queue': queue must be 1 to 128 characters");
    bad.put(new String[] {"bad kind"}, "Invalid value for KIND: kind must be 1 to 200 characters");
    bad.put(new String[] {}, "Missing required parameter: 'KIND'");
    bad.forEach((args, message) -> {
      String[] all = new String[args.length + 1];
      all[0] = "enqueue";
      System.arraycopy(args, 0, all, 1, args.length);
      CliRun run = CliRun.withEnvironment(Map.of(), all);
      assertThat(run.exitCode()).as("%s", String.join(" ", all)).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as("%s", String.join(" ", all))
          .startsWith("gantry enqueue: " + message).endsWith("(see 'gantry enqueue --help')" + System.lineSeparator());
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.out()).isEmpty();
    });
  }

  @Test
  void aSchemaWithoutGantrysTablesFailsWithWhatToRun() {
    String empty = db.newSchema();

    CliRun run = CliRun.onTestDatabase("enqueue", "k", "--schema", empty);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err()).startsWith("gantry enqueue: schema " + empty + " has no Gantry tables in PostgreSQL at ")
        .contains("run 'gantry migrate --schema " + empty + "' first");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = '" + empty + "'")).as("nothing created").isZero();
  }
}
