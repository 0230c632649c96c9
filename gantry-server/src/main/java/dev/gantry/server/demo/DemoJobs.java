package dev.gantry.server.demo;

import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.HandlerOptions;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.PermanentFailure;
import dev.gantry.worker.SnoozeJob;
import dev.gantry.worker.WorkerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's job kinds, their arguments and their handlers. The work is simulated (short sleeps),
 * but each handler shows one thing a real one does: report progress, fail and be retried, fail
 * for good, snooze, or notice it was cancelled.
 */
public final class DemoJobs {
  /** The queue that holds everything except the report. */
  public static final String DEFAULT_QUEUE = "default";
  /** A queue of its own for the long report, so it starts at once however busy {@code default} is. */
  public static final String REPORTS_QUEUE = "reports";

  public static final String RESIZE_IMAGE = "demo.resize-image";
  public static final String SEND_EMAIL = "demo.send-email";
  public static final String SEND_REMINDER = "demo.send-reminder";
  public static final String CHARGE_CARD = "demo.charge-card";
  public static final String SYNC_INVENTORY = "demo.sync-inventory";
  public static final String EXPORT_CSV = "demo.export-csv";
  public static final String BUILD_REPORT = "demo.build-report";

  /** Short backoff so that retries happen while you watch: 200 ms, 400 ms, 800 ms ... (±20 %), 5 attempts. */
  static final HandlerOptions QUICK_RETRIES = HandlerOptions.defaults()
      .withRetryPolicy(new ExponentialBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2, 5));

  /** @param workMillis how long the simulated work takes */
  public record ImageArgs(String file, int workMillis) {}

  /** @param failures how many attempts fail (SMTP busy) before one succeeds */
  public record EmailArgs(String to, int failures, int workMillis) {}

  public record ReminderArgs(String to) {}

  /** @param declined the card is declined: retrying cannot help, so the job fails permanently */
  public record ChargeArgs(String customer, long cents, boolean declined) {}

  /** Always fails: the supplier's API is down for the whole demo, so the job runs out of attempts. */
  public record SyncArgs(String supplier) {}

  public record ExportArgs(String table) {}

  /** @param pages each page takes 100 ms; the demo cancels the report long before the last */
  public record ReportArgs(int pages) {}

  private final Set<UUID> exportsStarted = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<UUID> reportStarted = new CompletableFuture<>();

  /** Completes with the report job's id as soon as its handler starts, so it can be cancelled while running. */
  public CompletableFuture<UUID> reportStarted() {
    return reportStarted;
  }

  /** Registers every demo handler on the worker. */
  public WorkerBuilder register(WorkerBuilder worker) {
    return worker
        .handler(RESIZE_IMAGE, ImageArgs.class, this::resizeImage, QUICK_RETRIES)
        .handler(SEND_EMAIL, EmailArgs.class, this::sendEmail, QUICK_RETRIES)
        .handler(SEND_REMINDER, ReminderArgs.class, this::sendReminder, QUICK_RETRIES)
        .handler(CHARGE_CARD, ChargeArgs.class, this::chargeCard, QUICK_RETRIES)
        .handler(SYNC_INVENTORY, SyncArgs.class, this::syncInventory, QUICK_RETRIES)
        .handler(EXPORT_CSV, ExportArgs.class, this::exportCsv, QUICK_RETRIES)
        .handler(BUILD_REPORT, ReportArgs.class, this::buildReport, QUICK_RETRIES);
  }

  private Object resizeImage(ImageArgs args, JobContext ctx) throws InterruptedException {
    ctx.progress(10, "decoding " + args.file());
    Thread.sleep(args.workMillis() / 2);
    ctx.progress(60, "resizing");
    Thread.sleep(args.workMillis() - args.workMillis() / 2);
    return Map.of("thumbnail", args.file().replace(".jpg", "-small.jpg"));
  }

  private Object sendEmail(EmailArgs args, JobContext ctx) throws Exception {
    Thread.sleep(args.workMillis());
    if (ctx.attempt() <= args.failures()) {
      // An ordinary exception: Gantry records it and retries with the kind's backoff.
      throw new IOException("SMTP server busy, try later (simulated failure " + ctx.attempt() + " of " + args.failures() + ")");
    }
    ctx.progress(100, "sent to " + args.to());
    return Map.of("messageId", ctx.jobId().toString());
  }

  private Object sendReminder(ReminderArgs args, JobContext ctx) {
    ctx.progress(100, "reminded " + args.to());
    return null;
  }

  private Object chargeCard(ChargeArgs args, JobContext ctx) {
    if (args.declined()) {
      // Retrying cannot make a declined card work: fail now instead of using up attempts.
      throw new PermanentFailure("card of " + args.customer() + " declined (simulated)");
    }
    return Map.of("charged", args.cents());
  }

  private Object syncInventory(SyncArgs args, JobContext ctx) {
    throw new IllegalStateException("supplier API " + args.supplier() + " unavailable (simulated, attempt "
        + ctx.attempt() + " of " + ctx.maxAttempts() + ")");
  }

  private Object exportCsv(ExportArgs args, JobContext ctx) {
    // The first run finds the export not ready and asks to run again later; a snooze is not a
    // failure and uses up no attempt. (Remembered in memory: good enough for a one-process demo.)
    if (exportsStarted.add(ctx.jobId())) {
      throw new SnoozeJob(Duration.ofMillis(500));
    }
    ctx.progress(100, "exported " + args.table());
    return Map.of("file", args.table() + ".csv");
  }

  private Object buildReport(ReportArgs args, JobContext ctx) throws InterruptedException {
    reportStarted.complete(ctx.jobId());
    for (int page = 1; page <= args.pages(); page++) {
      ctx.progress(page * 100 / args.pages(), "rendered page " + page + " of " + args.pages());
      // Cancelling the job interrupts this sleep; the InterruptedException ends the handler and
      // the job is recorded as cancelled.
      Thread.sleep(100);
    }
    return Map.of("pages", args.pages());
  }
}
