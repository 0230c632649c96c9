package dev.gantry.worker;

/** Fail this job now, without retrying: it becomes dead, with this error recorded. */
public final class PermanentFailure extends JobControl {
  public PermanentFailure(String message) {
    super(message, null);
  }

  public PermanentFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
