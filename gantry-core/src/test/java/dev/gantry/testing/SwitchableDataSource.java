package dev.gantry.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real connection pool whose new borrowings can be refused, to cut a node off from the
 * database (a network partition) or only some of its threads (a stalled heartbeat). Connections
 * already borrowed (such as the notification listener's) are not affected. It can also make the
 * database slow for some threads, and it records the SQL errors its statements raise.
 */
public final class SwitchableDataSource implements DataSource {
  private final DataSource delegate;
  private volatile Predicate<Thread> refused = t -> false;
  private volatile Predicate<Thread> slowed = t -> false;
  private volatile double maxDelaySeconds;
  private final java.util.Queue<SQLException> statementErrors = new java.util.concurrent.ConcurrentLinkedQueue<>();

  public SwitchableDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Refuses every new connection: the node is cut off from the database. */
  public void cutOff() {
    refuse(t -> true);
  }

  /** Refuses new connections to threads matching this (for example Gantry's heartbeat thread). */
  public void refuse(Predicate<Thread> threads) {
    this.refused = threads;
  }

  /** Connections are given out again, without delay. */
  public void restore() {
    this.refused = t -> false;
    this.slowed = t -> false;
  }

  /**
   * A slow database for these threads: each connection they borrow first waits a random time up
   * to {@code maxDelay} in the database ({@code pg_sleep}), as if the server or network lagged.
   */
  public void slowDown(Predicate<Thread> threads, java.time.Duration maxDelay) {
    this.maxDelaySeconds = maxDelay.toMillis() / 1000.0;
    this.slowed = threads;
  }

  /** Every SQLException a statement of this node raised (deadlocks, serialization failures ...). */
  public java.util.List<SQLException> statementErrors() {
    return java.util.List.copyOf(statementErrors);
  }

  /** How many statements failed with this SQLSTATE (for example 40P01, deadlock detected). */
  public long statementErrors(String sqlState) {
    return statementErrors.stream().filter(e -> sqlState.equals(e.getSQLState())).count();
  }

  /** The connection, with its statements' failures recorded; everything else passes through. */
  private Connection watched(Connection c) {
    return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object result = call(c, method, args);
          if (result instanceof java.sql.PreparedStatement ps && method.getName().startsWith("prepare")) {
            return proxied(java.sql.PreparedStatement.class, ps);
          }
          if (result instanceof java.sql.Statement st && method.getName().equals("createStatement")) {
            return proxied(java.sql.Statement.class, st);
          }
          return result;
        });
  }

  private <T> T proxied(Class<T> type, T target) {
    return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> call(target, method, args)));
  }

  private Object call(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql && method.getName().startsWith("execute")) {
        statementErrors.add(sql);
      }
      throw e.getCause();
    }
  }

  private Connection lag(Connection c) throws SQLException {
    if (slowed.test(Thread.currentThread())) {
      try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_sleep(random() * ?)")) {
        ps.setDouble(1, maxDelaySeconds);
        ps.execute();
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  private void check() throws SQLException {
    if (refused.test(Thread.currentThread())) {
      throw new SQLException("connection refused by the test (simulated database outage)", "08001");
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    check();
    return watched(lag(delegate.getConnection()));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    check();
    return watched(lag(delegate.getConnection(username, password)));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
