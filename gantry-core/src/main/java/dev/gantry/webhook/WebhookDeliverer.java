package dev.gantry.webhook;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers due webhook deliveries: claims a few at a time ({@code FOR UPDATE SKIP LOCKED}, by the
 * database clock, so any number of nodes deliver side by side), sends them in parallel, one
 * virtual thread each ({@link WebhookSender}), and records each attempt's outcome
 * ({@link OutcomeRules}) on its delivery row. It never touches the job or batch a delivery is
 * about: a dead delivery leaves a completed job completed.
 *
 * <p>Before each attempt the URL's host is checked against the allow-list again (the list may
 * have changed since the job was enqueued; under {@code *} the host's addresses are looked up):
 * a host not allowed makes the delivery dead without a request. A delivery that is claimed and
 * whose node dies before recording the attempt is due again once its claim has run out, so a
 * receiver may see one twice: deliveries are at least once, and {@code Gantry-Webhook-Id} tells.
 *
 * <p>Nothing secret is logged: not the secrets, and of a URL only its host (paths and queries
 * often carry tokens).
 */
public final class WebhookDeliverer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);

  private final Db db;
  private final Sql sql;
  private final WebhookSettings settings;
  private final OutcomeRules rules;
  private final WebhookSender sender;
  private volatile boolean stopped;

  /** @throws IllegalArgumentException if the settings can sign nothing (no secret, no signing keys) */
  public WebhookDeliverer(Db db, Sql sql, WebhookSettings settings) {
    if (!settings.canSign()) {
      throw new IllegalArgumentException("a webhook deliverer needs a secret or signing keys to sign with");
    }
    this.db = db;
    this.sql = sql;
    this.settings = settings;
    this.rules = new OutcomeRules(settings.retry());
    this.sender = new WebhookSender(settings.connectTimeout(), settings.requestTimeout());
  }

  /**
   * Delivers what is due, a batch at a time, until less than a full batch was due or this
   * deliverer is closed.
   *
   * @return how many attempts were made
   * @throws GantryException if the database cannot be reached (claimed attempts not yet recorded
   *     are tried again once their claim runs out)
   */
  public int run() {
    int total = 0;
    int claimed;
    do {
      claimed = runOnce();
      total += claimed;
    } while (claimed >= settings.batchSize() && !stopped);
    return total;
  }

  /** One batch: claim, send, record. Returns how many were claimed. */
  int runOnce() {
    List<ClaimedDelivery> claimed = claim();
    if (claimed.isEmpty()) {
      return 0;
    }
    long claimedNanos = System.nanoTime();
    List<Recorded> outcomes = new ArrayList<>(claimed.size());
    Throwable unexpected = null;
    try (ExecutorService attempts = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("gantry-webhook-", 0).factory())) {
      List<Future<Recorded>> running = new ArrayList<>(claimed.size());
      for (ClaimedDelivery d : claimed) {
        running.add(attempts.submit(() -> attempt(d, claimedNanos)));
      }
      for (Future<Recorded> f : running) {
        try {
          Recorded r = f.get();
          if (r != null) {
            outcomes.add(r);
          }
        } catch (InterruptedException e) {
          // Stopping: what was not recorded is tried again once its claim runs out.
          Thread.currentThread().interrupt();
          break;
        } catch (ExecutionException e) {
          // A bug, not a delivery's failure: the others' outcomes are still recorded first.
          unexpected = e.getCause();
        }
      }
    }
    record(outcomes);
    if (unexpected != null) {
      throw new IllegalStateException("a webhook attempt failed unexpectedly; it is tried again once its claim runs"
          + " out", unexpected);
    }
    return claimed.size();
  }

  /** One attempt, start to outcome; null when the node stopped during it (nothing is known then). */
  private Recorded attempt(ClaimedDelivery d, long claimedNanos) {
    long startNanos = System.nanoTime();
    long startedMillis = d.claimedAtMillis() + (startNanos - claimedNanos) / 1_000_000;
    AttemptOutcome outcome;
    try {
      outcome = send(d, startedMillis / 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    long durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
    report(d, outcome);
    return new Recorded(d, outcome, startedMillis, durationMillis);
  }

  private AttemptOutcome send(ClaimedDelivery d, long timestamp) throws InterruptedException {
    URI url;
    try {
      url = Webhook.requireUrl(URI.create(d.url()));
    } catch (IllegalArgumentException e) {
      return rules.refused("invalid webhook URL: " + e.getMessage());
    }
    String secret;
    try {
      Optional<String> found = d.signingKey() == null ? Optional.ofNullable(settings.secret())
          : settings.signingKeys().secret(d.signingKey());
      if (found.isEmpty()) {
        return rules.refused("no signing secret for key " + d.signingKey() + " (the key no longer exists)");
      }
      secret = found.get();
    } catch (RuntimeException e) {
      // The database behind the signing keys, most likely: recorded on the delivery and retried.
      return rules.failedHere("the signing secret could not be read: " + e.getMessage(), d.attempt());
    }
    try {
      String refusal = settings.allowedHosts().refusal(url);
      if (refusal != null) {
        return rules.refused(refusal);
      }
      return rules.of(sender.send(d, secret, timestamp), d.attempt());
    } catch (UnknownHostException e) {
      return rules.of(e, d.attempt(), settings.requestTimeout());
    } catch (IOException e) {
      return rules.of(e, d.attempt(), settings.requestTimeout());
    }
  }

  private void report(ClaimedDelivery d, AttemptOutcome o) {
    String host = hostOf(d.url());
    switch (o.state()) {
      case DELIVERED -> log.debug("Webhook delivery {} ({} of {}) to {} delivered on attempt {}", d.id(), d.event(),
          d.subjectId(), host, d.attempt());
      case PENDING -> log.debug("Webhook delivery {} ({} of {}) to {} attempt {} failed, retried in {}: {}", d.id(),
          d.event(), d.subjectId(), host, d.attempt(), o.retryIn(), o.error());
      case DEAD -> log.warn("Webhook delivery {} ({} of {}) to {} is dead after attempt {}: {}", d.id(), d.event(),
          d.subjectId(), host, d.attempt(), o.error());
    }
  }

  private static String hostOf(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return "(an invalid URL)";
    }
  }

  private List<ClaimedDelivery> claim() {
    return db.run("claiming webhook deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("webhook_claim"))) {
        ps.setBoolean(1, settings.secret() != null);
        ps.setBoolean(2, settings.signingKeys() != null);
        ps.setInt(3, settings.batchSize());
        ps.setLong(4, settings.claimLease().toMillis());
        List<ClaimedDelivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ClaimedDelivery(rs.getObject("id", UUID.class), rs.getObject("subject_id", UUID.class),
                rs.getString("url"), rs.getString("webhook_key"), rs.getString("event"),
                rs.getString("body").getBytes(StandardCharsets.UTF_8), rs.getInt("attempt"),
                rs.getLong("claimed_at_ms")));
          }
        }
        return out;
      }
    });
  }

  private void record(List<Recorded> outcomes) {
    if (outcomes.isEmpty()) {
      return;
    }
    int n = outcomes.size();
    UUID[] ids = new UUID[n];
    Integer[] attempts = new Integer[n];
    String[] states = new String[n];
    Integer[] codes = new Integer[n];
    String[] errors = new String[n];
    Long[] started = new Long[n];
    Long[] durations = new Long[n];
    Long[] retryIn = new Long[n];
    for (int i = 0; i < n; i++) {
      Recorded r = outcomes.get(i);
      ids[i] = r.delivery().id();
      attempts[i] = r.delivery().attempt();
      states[i] = r.outcome().state().dbName();
      codes[i] = r.outcome().statusCode();
      errors[i] = r.outcome().error();
      started[i] = r.startedMillis();
      durations[i] = r.durationMillis();
      retryIn[i] = r.outcome().retryIn() == null ? null : r.outcome().retryIn().toMillis();
    }
    db.run("recording " + n + " webhook attempts", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("webhook_record"))) {
        ps.setArray(1, c.createArrayOf("uuid", ids));
        ps.setArray(2, c.createArrayOf("int4", attempts));
        ps.setArray(3, c.createArrayOf("text", states));
        ps.setArray(4, c.createArrayOf("int4", codes));
        ps.setArray(5, c.createArrayOf("text", errors));
        ps.setArray(6, c.createArrayOf("int8", started));
        ps.setArray(7, c.createArrayOf("int8", durations));
        ps.setArray(8, c.createArrayOf("int8", retryIn));
        ps.execute();
        return null;
      }
    });
  }

  /** Makes {@link #run()} return after the batch under way, whose attempts end within their timeouts. */
  public void stop() {
    stopped = true;
  }

  /** Stops, and cuts off attempts still under way (they are tried again once their claims run out). */
  @Override
  public void close() {
    stop();
    sender.close();
  }

  private record Recorded(ClaimedDelivery delivery, AttemptOutcome outcome, long startedMillis, long durationMillis) {}
}
