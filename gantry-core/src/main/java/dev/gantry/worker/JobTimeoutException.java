package dev.gantry.worker;

import java.time.Duration;

/** Recorded as the error of an attempt that ran past its timeout and was interrupted. */
public final class JobTimeoutException extends Exception {
  public JobTimeoutException(Duration timeout) {
    super("attempt ran longer than its timeout of " + timeout + " and was interrupted");
  }
}
