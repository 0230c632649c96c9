package dev.gantry.worker;

/**
 * Thrown by a handler to end its attempt in a way other than success or ordinary failure.
 * See {@link SnoozeJob}, {@link PermanentFailure} and {@link CancelJob}.
 */
public abstract sealed class JobControl extends RuntimeException permits SnoozeJob, PermanentFailure, CancelJob {
  protected JobControl(String message, Throwable cause) {
    super(message, cause, false, cause != null);
  }
}
