package dev.gantry.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.Gantry;
import dev.gantry.batch.BatchState;
import dev.gantry.examples.support.SharedDatabase;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.worker.Worker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UploadExampleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern PERCENT = Pattern.compile("\\] +(\\d+) %");

  private final DataSource dataSource = SharedDatabase.dataSource();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final FinishedUploads finished = new FinishedUploads();
  private Gantry gantry;
  private Uploads uploads;
  private Worker worker;
  private SampleFiles files;

  @BeforeEach
  void setUp() throws Exception {
    gantry = SharedDatabase.newGantry();
    uploads = new Uploads(dataSource);
    uploads.createTable();
    worker = UploadWorker.start(gantry, uploads, finished, 4, 0);
  }

  @AfterEach
  void tearDown() {
    worker.close();
    gantry.close();
    if (files != null) {
      files.close();
    }
  }

  private UploadOutcome upload(int count, int empty) throws Exception {
    files = SampleFiles.create(count, empty);
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    return new UploadFlow(gantry, dataSource, uploads, finished, out).run(files.files(), TIMEOUT);
  }

  private Job job(UUID id) {
    return gantry.job(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  /** The upload.finish jobs Gantry enqueued for this batch, each awaited until it finished. */
  private List<Job> finishedCallbacks(UUID batchId) throws InterruptedException {
    List<Job> callbacks = gantry.jobs(JobFilter.all().withKind(UploadFinisher.KIND)).jobs().stream()
        .filter(j -> batchId.toString().equals(j.metadata().path("batch_id").asText()))
        .toList();
    for (Job callback : callbacks) {
      // The callback told the flow it was done before returning; its outcome is written just after.
      gantry.awaitCompletion(callback.id(), TIMEOUT);
    }
    return callbacks.stream().map(j -> job(j.id())).toList();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static List<Integer> percents(List<String> lines) {
    return lines.stream().map(line -> {
      Matcher m = PERCENT.matcher(line);
      assertThat(m.find()).as("a progress line: %s", line).isTrue();
      return Integer.parseInt(m.group(1));
    }).toList();
  }

  @Test
  void everyFileIsStoredExactlyOnceAndTheCallbackMarksTheUploadDone() throws Exception {
    UploadOutcome outcome = upload(40, 0);

    assertThat(outcome.batch().state()).isEqualTo(BatchState.COMPLETED);
    assertThat(outcome.batch().completed()).isEqualTo(40);
    List<Job> jobs = outcome.fileJobs().stream().map(this::job).toList();
    assertThat(jobs).hasSize(40).allSatisfy(j -> {
      assertThat(j.kind()).isEqualTo(FileHasher.KIND);
      assertThat(j.state()).isEqualTo(JobState.COMPLETED);
      assertThat(j.attempt()).as("claimed once").isEqualTo(1);
      assertThat(j.progressPercent()).isEqualTo(100);
    });
    for (int i = 0; i < 40; i++) {
      Path file = files.files().get(i);
      JsonNode result = jobs.get(i).result();
      FileDigest digest = gantry.mapper().treeToValue(result, FileDigest.class);
      assertThat(digest).isEqualTo(new FileDigest(file.getFileName().toString(), Files.size(file), sha256(file)));
    }

    assertThat(outcome.progressLines()).isNotEmpty();
    assertThat(percents(outcome.progressLines())).isSorted().last().isEqualTo(100);
    assertThat(outcome.progressLines().getLast()).endsWith("[####################] 100 %  40/40 files");

    Upload row = uploads.find(outcome.upload().id()).orElseThrow();
    assertThat(row.status()).isEqualTo(UploadStatus.DONE);
    assertThat(row.batchId()).isEqualTo(outcome.batchId());
    assertThat(row.files()).isEqualTo(40);
    assertThat(row.stored()).isEqualTo(40);
    assertThat(row.failed()).isZero();
    assertThat(row.finishedAt()).isNotNull();

    List<Job> callbacks = finishedCallbacks(outcome.batchId());
    assertThat(callbacks).as("one completion callback for the batch").hasSize(1);
    assertThat(callbacks.getFirst().state()).isEqualTo(JobState.COMPLETED);
    assertThat(callbacks.getFirst().attempt()).as("it ran once").isEqualTo(1);
    assertThat(callbacks.getFirst().result().path("status").asText()).isEqualTo("DONE");

    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("upload " + row.id() + ": done, 40 of 40 files stored");
  }

  @Test
  void emptyFilesFailForGoodAndTheUploadIsDoneWithErrors() throws Exception {
    UploadOutcome outcome = upload(40, 2);

    assertThat(outcome.batch().state()).isEqualTo(BatchState.FAILED);
    assertThat(outcome.batch().completed()).isEqualTo(38);
    assertThat(outcome.batch().dead()).isEqualTo(2);
    List<Job> dead = outcome.fileJobs().stream().map(this::job).filter(j -> j.state() != JobState.COMPLETED).toList();
    assertThat(dead).hasSize(2).allSatisfy(j -> {
      assertThat(j.state()).isEqualTo(JobState.DEAD);
      assertThat(j.attempt()).as("a permanent failure is not retried").isEqualTo(1);
      assertThat(j.errors().getLast().message()).endsWith("is empty: nothing to store");
    });
    assertThat(dead).extracting(j -> Path.of(j.args().path("path").asText()).getFileName().toString())
        .containsExactly("photo-14.jpg", "photo-27.jpg");

    assertThat(outcome.progressLines().getLast())
        .endsWith("[####################] 100 %  40/40 files, 2 failed");

    Upload row = uploads.find(outcome.upload().id()).orElseThrow();
    assertThat(row.status()).isEqualTo(UploadStatus.DONE_WITH_ERRORS);
    assertThat(row.stored()).isEqualTo(38);
    assertThat(row.failed()).isEqualTo(2);

    List<Job> callbacks = finishedCallbacks(outcome.batchId());
    assertThat(callbacks).hasSize(1);
    assertThat(callbacks.getFirst().state()).isEqualTo(JobState.COMPLETED);
    assertThat(callbacks.getFirst().attempt()).isEqualTo(1);

    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("upload " + row.id() + ": done_with_errors, 38 of 40 files stored, 2 failed")
        .contains("photo-14.jpg dead: photo-14.jpg is empty: nothing to store")
        .contains("photo-27.jpg dead: photo-27.jpg is empty: nothing to store");
  }
}
