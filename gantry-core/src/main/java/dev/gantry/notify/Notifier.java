package dev.gantry.notify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that LISTENs on Gantry's channels and hands each notification to the
 * subscribers of its channel, on this class's own thread.
 *
 * <p>If the connection breaks (database restart, {@code pg_terminate_backend}, network), it
 * reconnects with backoff and LISTENs again, then tells every reconnect subscriber, since
 * notifications sent while it was away are lost: they re-check the database instead.
 * Subscribers must be quick and must not throw; one that throws is logged and skipped. Each
 * {@code on...} method returns a handle that unsubscribes.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final Channels channels;
  private final List<Consumer<String>> wakeupSubscribers = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> controlSubscribers = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> finishedSubscribers = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> changedSubscribers = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> batchSubscribers = new CopyOnWriteArrayList<>();
  private final List<Runnable> reconnectSubscribers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean connected;

  public Notifier(DataSource dataSource, Channels channels) {
    this.dataSource = dataSource;
    this.channels = channels;
    this.thread = Thread.ofPlatform().daemon().name("gantry-notifier").unstarted(this::loop);
  }

  public void start() {
    thread.start();
  }

  /** Queue names whose jobs became runnable. */
  public Runnable onWakeup(Consumer<String> subscriber) {
    wakeupSubscribers.add(subscriber);
    return () -> wakeupSubscribers.remove(subscriber);
  }

  /** Control messages such as {@code cancel:<job id>}. */
  public Runnable onControl(Consumer<String> subscriber) {
    controlSubscribers.add(subscriber);
    return () -> controlSubscribers.remove(subscriber);
  }

  /** Ids of watched jobs that finished. */
  public Runnable onFinished(Consumer<String> subscriber) {
    finishedSubscribers.add(subscriber);
    return () -> finishedSubscribers.remove(subscriber);
  }

  /** Ids of watched jobs whose state or progress changed while they stayed unfinished. */
  public Runnable onChanged(Consumer<String> subscriber) {
    changedSubscribers.add(subscriber);
    return () -> changedSubscribers.remove(subscriber);
  }

  /**
   * Ids of batches whose counts or state changed. The batch channel is LISTENed to only from the
   * first subscription on (every outcome statement of a batch's jobs notifies it, which nodes that
   * follow no batch need not receive); each time that LISTEN is put in place (the first time, and
   * after a reconnection) subscribers get {@link #ALL_BATCHES}, meaning: read your batches again,
   * a change may have been missed.
   */
  public Runnable onBatch(Consumer<String> subscriber) {
    batchSubscribers.add(subscriber);
    return () -> batchSubscribers.remove(subscriber);
  }

  /** The payload {@link #onBatch} subscribers get when any batch may have changed unseen. */
  public static final String ALL_BATCHES = "*";

  /** Called after every (re)connection, once LISTEN is in place again. */
  public Runnable onReconnect(Runnable subscriber) {
    reconnectSubscribers.add(subscriber);
    return () -> reconnectSubscribers.remove(subscriber);
  }

  public boolean isConnected() {
    return connected;
  }

  private void loop() {
    long backoffMillis = 100;
    while (running) {
      Connection c = null;
      PGConnection pg = null;
      try {
        c = dataSource.getConnection();
        c.setAutoCommit(true);
        pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channels.wakeup() + "; LISTEN " + channels.control() + "; LISTEN " + channels.finished()
              + "; LISTEN " + channels.changed());
        }
        connected = true;
        backoffMillis = 100;
        reconnectSubscribers.forEach(r -> deliver(r, "reconnect"));
        long lastProbe = System.nanoTime();
        boolean batchListening = false;
        while (running) {
          if (!batchListening && !batchSubscribers.isEmpty()) {
            try (Statement s = c.createStatement()) {
              s.execute("LISTEN " + channels.batch());
            }
            batchListening = true;
            for (Consumer<String> target : batchSubscribers) {
              deliver(() -> target.accept(ALL_BATCHES), channels.batch());
            }
          }
          PGNotification[] notifications = pg.getNotifications(250);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              dispatch(n);
            }
          }
          // A silently dropped connection delivers nothing and raises nothing: probe it.
          if (System.nanoTime() - lastProbe > PROBE_INTERVAL.toNanos()) {
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            lastProbe = System.nanoTime();
          }
        }
        // Stopped: give the connection back to its pool listening to nothing, or its next user
        // would collect this schema's notifications forever.
        try (Statement s = c.createStatement()) {
          s.execute("UNLISTEN *");
        }
      } catch (SQLException | RuntimeException e) {
        connected = false;
        // Failures of getNotifications() happen on the unwrapped driver connection, out of the
        // pool's sight: close that physical connection so that the pool discards it rather than
        // handing a broken (or still listening) connection to its next user.
        discard(pg);
        if (!running) {
          break;
        }
        log.warn("Gantry notification listener lost its connection ({}); reconnecting in {} ms", e.getMessage(), backoffMillis);
        sleepQuietly(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
      } finally {
        connected = false;
        closeQuietly(c);
      }
    }
  }

  private static void discard(PGConnection pg) {
    if (pg instanceof Connection physical) {
      closeQuietly(physical);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a connection we are done with; a pool discards one that fails here
      }
    }
  }

  private void dispatch(PGNotification n) {
    String channel = n.getName();
    String payload = n.getParameter();
    List<Consumer<String>> targets;
    if (channel.equals(channels.wakeup())) {
      targets = wakeupSubscribers;
    } else if (channel.equals(channels.control())) {
      targets = controlSubscribers;
    } else if (channel.equals(channels.finished())) {
      targets = finishedSubscribers;
    } else if (channel.equals(channels.changed())) {
      targets = changedSubscribers;
    } else if (channel.equals(channels.batch())) {
      targets = batchSubscribers;
    } else {
      return;
    }
    for (Consumer<String> target : targets) {
      deliver(() -> target.accept(payload), channel);
    }
  }

  private static void deliver(Runnable r, String what) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("Gantry notification subscriber failed on {}", what, e);
    }
  }

  private void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Stops listening; the listener thread UNLISTENs and gives its connection back within a
   * fraction of a second. (Closing the connection from here would return it to its pool while
   * the listener thread may still be reading from it.)
   */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
