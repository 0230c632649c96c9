package dev.gantry.bench;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/** JobRunr (open source) with its PostgreSQL storage provider, tables in schema bench_jobrunr. */
final class JobRunrSystem implements QueueSystem {
  static final String SCHEMA = "bench_jobrunr";
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  static volatile Recorder recorder;
  static volatile long sleepMillis;

  /** A job: its sequence number. JobRunr stores it as JSON and finds the handler by class. */
  public static final class Noop implements JobRequest {
    public int seq;

    public Noop() {}

    Noop(int seq) {
      this.seq = seq;
    }

    @Override
    public Class<NoopHandler> getJobRequestHandler() {
      return NoopHandler.class;
    }
  }

  public static final class NoopHandler implements JobRequestHandler<Noop> {
    @Override
    public void run(Noop job) throws Exception {
      Recorder r = recorder;
      r.started(job.seq);
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
      r.finished();
    }
  }

  private final DataSource ds;
  private JobRequestScheduler scheduler;
  private int configuredWorkers = -1;
  private boolean serverRunning;

  JobRunrSystem(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public String name() {
    return "jobrunr";
  }

  @Override
  public String schema() {
    return SCHEMA;
  }

  @Override
  public String configuration() {
    return "JobRunr 8.3.1 open source (newest release Maven Central serves), PostgresStorageProvider with table "
        + "prefix `bench_jobrunr.`, Jackson JSON mapper, `JobRequest`/`JobRequestHandler` jobs (no lambda "
        + "analysis). `andWorkerCount(n)` = the workload's thread count; poll interval 5 s (default 15 s; shorter "
        + "not tried; JobRunr has no LISTEN/NOTIFY wake-up); bulk enqueue with "
        + "`JobRequestScheduler.enqueue(Stream)` (JobRunr saves in batches); dashboard off.";
  }

  @Override
  public void setUp() throws Exception {
    stopWorkers();
    JobRunr.destroy();
    Sql.dropSchema(ds, SCHEMA);
    Sql.execute(ds, "CREATE SCHEMA " + SCHEMA);
    configuredWorkers = -1;
    configure(16);
  }

  private void configure(int workers) {
    if (workers == configuredWorkers) {
      return;
    }
    JobRunr.destroy();
    BackgroundJobServerConfiguration server = BackgroundJobServerConfiguration
        .usingStandardBackgroundJobServerConfiguration()
        .andWorkerCount(workers)
        .andPollInterval(POLL_INTERVAL);
    scheduler = JobRunr.configure()
        .useJsonMapper(new JacksonJsonMapper())
        .useStorageProvider(new PostgresStorageProvider(ds, SCHEMA + ".", DatabaseOptions.CREATE))
        .useBackgroundJobServer(server, false)
        .initialize()
        .getJobRequestScheduler();
    configuredWorkers = workers;
  }

  @Override
  public void enqueueBulk(int from, int count) {
    scheduler.enqueue(IntStream.range(from, from + count).mapToObj(Noop::new));
  }

  @Override
  public void enqueueOne(int seq) {
    scheduler.enqueue(new Noop(seq));
  }

  @Override
  public void startWorkers(int concurrency, Recorder r, long sleep) {
    recorder = r;
    sleepMillis = sleep;
    configure(concurrency);
    JobRunr.getBackgroundJobServer().start();
    serverRunning = true;
  }

  @Override
  public void stopWorkers() {
    if (serverRunning) {
      JobRunr.getBackgroundJobServer().stop();
      serverRunning = false;
    }
  }

  @Override
  public long unfinished() throws Exception {
    return Sql.queryLong(ds, "SELECT count(*) FROM " + SCHEMA + ".jobrunr_jobs "
        + "WHERE state IN ('SCHEDULED', 'ENQUEUED', 'PROCESSING', 'AWAITING')");
  }

  @Override
  public Map<String, Long> tableSizes() throws Exception {
    return Sql.tableSizes(ds, SCHEMA);
  }

  @Override
  public String polledTable() {
    return "jobrunr_jobs";
  }

  @Override
  public void close() {
    stopWorkers();
    JobRunr.destroy();
  }
}
