package dev.gantry.remote;

import java.time.Instant;

/** What became of a remote worker's heartbeat or outcome. */
public sealed interface LeaseResult {
  /**
   * Written.
   *
   * @param cancelRequested an operator asked to cancel the job: stop and report (heartbeats only)
   * @param leaseExpiresAt the lease's new end after a heartbeat; null after an outcome
   */
  record Ok(boolean cancelRequested, Instant leaseExpiresAt) implements LeaseResult {}

  /**
   * Nothing was written: the job exists but this lease token is not its current lease (the lease
   * expired and the job was rescued, it was finished, or another attempt holds it now).
   */
  record LeaseLost() implements LeaseResult {}

  /** Nothing was written: there is no such job (or it belongs to another tenant). */
  record NotFound() implements LeaseResult {}
}
