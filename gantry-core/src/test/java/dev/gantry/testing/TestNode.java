package dev.gantry.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gantry.Gantry;
import dev.gantry.worker.Worker;
import dev.gantry.worker.WorkerBuilder;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * One worker node inside the test JVM, as a separate application would run it: its own small
 * connection pool (switchable, to simulate outages), its own {@link Gantry} instance with an
 * {@link EventRecorder}, and one worker with short test timings unless the caller changes them.
 */
public final class TestNode implements AutoCloseable {
  private final String name;
  private final HikariDataSource pool;
  private final SwitchableDataSource dataSource;
  private final EventRecorder events = new EventRecorder();
  private final Gantry gantry;
  private Worker worker;

  private TestNode(String schema, String name, int poolSize, String connectionInitSql) {
    this.name = name;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestDatabase.get().jdbcUrl());
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setPoolName("node-" + name);
    config.addDataSourceProperty("ApplicationName", "gantry-node-" + name);
    if (connectionInitSql != null) {
      config.setConnectionInitSql(connectionInitSql);
    }
    this.pool = new HikariDataSource(config);
    this.dataSource = new SwitchableDataSource(pool);
    this.gantry = Gantry.builder(dataSource).schema(schema).listener(events).build();
  }

  /** A node without a worker yet (a client, or start one with {@link #startWorker}). */
  public static TestNode create(String schema, String name, int poolSize) {
    return new TestNode(schema, name, poolSize, null);
  }

  /** As {@link #create(String, String, int)}, running this SQL on every new connection of the node. */
  public static TestNode create(String schema, String name, int poolSize, String connectionInitSql) {
    return new TestNode(schema, name, poolSize, connectionInitSql);
  }

  /**
   * Starts this node's worker: id = node name, lease 2 s, heartbeat 500 ms, rescue 250 ms,
   * stage 100 ms, poll 200 ms, then the caller's configuration (queues, handlers, changes).
   */
  public TestNode startWorker(UnaryOperator<WorkerBuilder> configure) {
    WorkerBuilder b = gantry.worker()
        .workerId(name)
        .leaseDuration(Duration.ofSeconds(2))
        .heartbeatInterval(Duration.ofMillis(500))
        .rescueInterval(Duration.ofMillis(250))
        .stageInterval(Duration.ofMillis(100))
        .pollInterval(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofSeconds(5));
    this.worker = configure.apply(b).start();
    return this;
  }

  public String name() {
    return name;
  }

  public Gantry gantry() {
    return gantry;
  }

  public Worker worker() {
    return worker;
  }

  public EventRecorder events() {
    return events;
  }

  /** The node's connections, to cut it off from the database and restore it. */
  public SwitchableDataSource connections() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.restore();
    if (worker != null) {
      worker.close();
    }
    gantry.close();
    pool.close();
  }
}
