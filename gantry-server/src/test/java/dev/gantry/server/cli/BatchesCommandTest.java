package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.Gantry;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.schema.Migrator;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.batches.BatchView;
import dev.gantry.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code gantry batches show|seal|cancel} against batches made through the Java API. */
class BatchesCommandTest {
  private static final String NL = System.lineSeparator();
  /** A queue no worker serves: the jobs wait. */
  private static final JobOptions NOBODY = JobOptions.defaults().withQueue("nobody");

  private final TestDatabase db = TestDatabase.get();
  private final ObjectMapper mapper = new ObjectMapper();
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

  private CliRun batches(String... args) {
    List<String> all = new ArrayList<>(List.of("batches"));
    all.addAll(List.of(args));
    all.addAll(List.of("--schema", schema));
    return CliRun.onTestDatabase(all.toArray(String[]::new));
  }

  private static List<JobRequest> jobs(int n) {
    List<JobRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(JobRequest.of("k", Map.of("i", i), NOBODY));
    }
    return out;
  }

  @Test
  void showPrintsTheStateCountsAndPercentAndJsonIsWhatTheApiAnswers() throws Exception {
    BatchResult r = gantry.batches().enqueue(jobs(4), BatchOptions.defaults().withMetadata(Map.of("upload", "u-1")));
    gantry.cancel(r.jobs().get(0).id());

    CliRun text = batches("show", r.batchId().toString());
    assertThat(text.err()).isEmpty();
    assertThat(text.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(text.out())
        .containsPattern("id +" + r.batchId())
        .containsPattern("state +running" + NL)
        .containsPattern("progress +25\\.0% \\(1 of 4 jobs finished\\)")
        .containsPattern("total +4" + NL)
        .containsPattern("pending +3" + NL)
        .containsPattern("running +0" + NL)
        .containsPattern("cancelled +1" + NL)
        .containsPattern("sealed +\\d{4}-")
        .containsPattern("finished +-" + NL)
        .containsPattern("metadata +\\{\"upload\":\"u-1\"\\}");

    JsonNode json = mapper.readTree(batches("show", r.batchId().toString(), "--json").out());
    JsonNode api = mapper.readTree(ApiJson.write(BatchView.of(gantry.batches().get(r.batchId()).orElseThrow())));
    assertThat(json).isEqualTo(api);
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "tenant", "state", "total", "pending", "running", "completed", "dead",
        "cancelled", "percent", "metadata", "cancel_requested", "created_at", "sealed_at", "finished_at");
    assertThat(json.get("state").asText()).isEqualTo("running");
    assertThat(json.get("percent").asDouble()).isEqualTo(25.0);
  }

  @Test
  void sealAndCancelABatch() throws Exception {
    UUID id = gantry.batches().open(BatchOptions.defaults().onComplete(JobRequest.of("done", null, NOBODY)));
    gantry.batches().add(id, jobs(2));
    assertThat(batches("show", id.toString()).out()).containsPattern("state +open" + NL)
        .containsPattern("sealed +no \\(jobs may still be added\\)");

    CliRun seal = batches("seal", id.toString());
    assertThat(seal.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(seal.out()).startsWith("Sealed batch " + id + "." + NL).containsPattern("state +running" + NL);
    assertThat(batches("seal", id.toString()).out()).startsWith("Batch " + id + " was already sealed; nothing changed." + NL);

    CliRun cancel = batches("cancel", id.toString());
    assertThat(cancel.err()).isEmpty();
    assertThat(cancel.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(cancel.out()).startsWith("Cancelled batch " + id + ": its jobs that had not started will not run." + NL)
        .containsPattern("state +cancelled" + NL)
        .containsPattern("cancelled +2" + NL)
        .containsPattern("progress +100\\.0% \\(2 of 2 jobs finished\\)")
        .containsPattern("finished +\\d{4}-");
    assertThat(gantry.batches().get(id).orElseThrow().state().dbName()).isEqualTo("cancelled");
    assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".jobs WHERE kind = 'done'")).isEqualTo(1);

    CliRun again = batches("cancel", id.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(again.out()).startsWith("Batch " + id + " had already finished (cancelled); nothing changed." + NL);
    JsonNode json = mapper.readTree(batches("cancel", id.toString(), "--json").out());
    assertThat(json.get("state").asText()).isEqualTo("cancelled");
    assertThat(json.get("cancelled").asInt()).isEqualTo(2);
    assertThat(json.get("cancel_requested").asBoolean()).isTrue();
    assertThat(mapper.readTree(batches("seal", id.toString(), "--json").out()).get("id").asText()).isEqualTo(id.toString());
  }

  @Test
  void anUnknownBatchExitsOneWithNoBatch() {
    UUID unknown = UUID.randomUUID();
    for (String command : List.of("show", "seal", "cancel")) {
      CliRun run = batches(command, unknown.toString());
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err()).as(command).isEqualTo("gantry batches " + command + ": no batch " + unknown + NL);
      assertThat(run.out()).as(command).isEmpty();
    }
  }

  @Test
  void badInputIsAUsageErrorAndEachCommandHasHelp() {
    Map<List<String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(List.of("show", "42"), "gantry batches show: Invalid value for positional parameter at index 0 (ID): not a batch id");
    bad.put(List.of("cancel"), "gantry batches cancel: Missing required parameter: 'ID'");
    bad.put(List.of("seal", "--force", UUID.randomUUID().toString()), "gantry batches seal: Unknown option: '--force'");
    bad.put(List.of("purge"), "gantry batches: Unmatched argument at index 1: 'purge'");
    bad.forEach((args, message) -> {
      List<String> all = new ArrayList<>(List.of("batches"));
      all.addAll(args);
      CliRun run = CliRun.withEnvironment(Map.of(), all.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", all).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as("%s", all).startsWith(message).endsWith("--help')" + NL);
      assertThat(run.err().lines()).hasSize(1);
    });

    CliRun alone = CliRun.withEnvironment(Map.of(), "batches");
    assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(alone.err()).contains("Usage: gantry batches").contains("show").contains("seal").contains("cancel");
    assertThat(CliRun.withEnvironment(Map.of(), "--help").out()).contains("batches");
    for (String command : List.of("show", "seal", "cancel")) {
      CliRun help = CliRun.withEnvironment(Map.of(), "batches", command, "--help");
      assertThat(help.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(help.out()).as(command).contains("Usage: gantry batches " + command).contains("--schema=NAME")
          .contains("--json");
    }
  }
}
