package dev.gantry.batch;

/** Where a batch stands. */
public enum BatchState {
  /** Members may still be added ({@link Batches#seal} closes it); its callbacks cannot fire yet. */
  OPEN,
  /** Sealed, and some member has not finished. */
  RUNNING,
  /** Every member completed, and the batch was not cancelled. */
  COMPLETED,
  /** Every member finished and at least one is dead. */
  FAILED,
  /** Every member finished, none dead, and some member was cancelled or the batch was. */
  CANCELLED;

  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isFinished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
