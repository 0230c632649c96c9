package dev.gantry.remote;

import dev.gantry.Gantry;
import dev.gantry.events.Listeners;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobTransitions;
import dev.gantry.limits.LimitEnforcement;
import dev.gantry.notify.Channels;
import dev.gantry.notify.Notifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A {@link JobLeases} on a Gantry instance's schema with its own notification listener and
 * re-check interval; closing it stops the listener.
 */
record LeasesWithRecheck(JobLeases leases, Notifier notifier) implements AutoCloseable {

  static LeasesWithRecheck of(Gantry gantry, DataSource dataSource, Duration recheck) {
    Db db = new Db(dataSource);
    Sql sql = new Sql(gantry.schema());
    Notifier notifier = new Notifier(dataSource, Channels.forSchema(gantry.schema()));
    AtomicBoolean started = new AtomicBoolean();
    Runnable ensureListening = () -> {
      if (started.compareAndSet(false, true)) {
        notifier.start();
      }
    };
    JobTransitions transitions = new JobTransitions(sql);
    return new LeasesWithRecheck(new JobLeases(db, sql, gantry.mapper(), notifier, ensureListening, transitions,
        new JobReader(db, sql, gantry.mapper()), new Listeners(List.of()),
        LimitEnforcement.create(db, sql, notifier, ensureListening), recheck), notifier);
  }

  @Override
  public void close() {
    notifier.close();
  }
}
