package dev.gantry.job;

import dev.gantry.GantryException;
import dev.gantry.internal.Db;
import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** An operator's actions on one job: cancel, retry, delete. */
public final class JobAdmin {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Db db;
  private final Sql sql;
  private final JobTransitions transitions;
  private final JobReader reader;

  public JobAdmin(Db db, Sql sql, JobTransitions transitions, JobReader reader) {
    this.db = db;
    this.sql = sql;
    this.transitions = transitions;
    this.reader = reader;
  }

  /**
   * Cancels a job. A job that has not started is moved to {@code cancelled} at once and never runs;
   * a running one is flagged and its worker, on whichever node, is told through NOTIFY (and its
   * next heartbeat), interrupts the handler, and records it as cancelled.
   *
   * @param tenant when not null, only a job of this tenant is touched; another's is not found
   * @throws JobNotFoundException if there is no such job (of that tenant)
   */
  public CancelResult cancel(UUID id, String tenant) {
    return db.run("cancelling job " + id, c -> {
      Transition cancel = new Transition(id, null, Transition.Outcome.CANCELLED, null, null, 0, tenant);
      if (!transitions.apply(c, List.of(cancel)).isEmpty()) {
        return CancelResult.CANCELLED;
      }
      if (returnsRow(c, "request_cancel", id, tenant)) {
        return CancelResult.CANCEL_REQUESTED;
      }
      Job job = reader.find(id, tenant).orElseThrow(() -> new JobNotFoundException(id));
      if (job.state().isFinished()) {
        return CancelResult.ALREADY_FINISHED;
      }
      throw new GantryException("job " + id + " changed state while being cancelled; try again");
    });
  }

  /**
   * Runs a job again: a finished job (dead, cancelled or completed) goes back to {@code available}
   * with its attempt count reset and its error history kept; a job waiting for its time or its
   * backoff becomes due now.
   *
   * @param tenant when not null, only a job of this tenant is touched; another's is not found
   * @throws JobNotFoundException if there is no such job (of that tenant)
   * @throws IllegalStateException if the job is running or already waiting to run now
   * @throws GantryException if an unfinished job (of the same tenant) now holds the same unique key
   */
  public void retry(UUID id, String tenant) {
    db.run("retrying job " + id, c -> {
      try {
        if (returnsRow(c, "retry_finished", id, tenant) || returnsRow(c, "retry_waiting", id, tenant)) {
          return null;
        }
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new GantryException(
              "job " + id + " cannot be retried: an unfinished job holds the same unique key; cancel or finish that one first", e);
        }
        throw e;
      }
      Job job = reader.find(id, tenant).orElseThrow(() -> new JobNotFoundException(id));
      throw new IllegalStateException("job " + id + " is " + job.state().dbName() + "; only jobs that are finished or waiting can be retried");
    });
  }

  /**
   * Deletes a job that is not running, with its history.
   *
   * @param tenant when not null, only a job of this tenant is touched; another's is not found
   * @throws JobNotFoundException if there is no such job (of that tenant)
   * @throws IllegalStateException if it is running (cancel it first)
   */
  public void delete(UUID id, String tenant) {
    db.run("deleting job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("delete"))) {
        ps.setObject(1, id);
        ps.setString(2, tenant);
        ps.setString(3, tenant);
        ps.setObject(4, id);
        ps.setString(5, tenant);
        ps.setString(6, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return null;
          }
        }
      }
      Job job = reader.find(id, tenant).orElseThrow(() -> new JobNotFoundException(id));
      String why = job.state() == JobState.RUNNING ? "it is running"
          : "it has not finished and " + (job.batchId() != null ? "belongs to batch " + job.batchId()
              : "workflow steps depend on it");
      throw new IllegalStateException("job " + id + " cannot be deleted: " + why + "; cancel it before deleting it");
    });
  }

  /** Runs a statement whose parameters are the job id and the tenant (twice: null disables the check). */
  private boolean returnsRow(Connection c, String statement, UUID id, String tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get(statement))) {
      ps.setObject(1, id);
      ps.setString(2, tenant);
      ps.setString(3, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
