package dev.gantry.worker;

/** Recorded by the rescuer for an attempt whose worker stopped renewing its lease. */
public final class LeaseLostException extends Exception {
  public LeaseLostException(String workerId) {
    super("lease expired: worker " + workerId + " stopped renewing it (crashed, hung, or lost the database)");
  }
}
