package dev.gantry.worker;

/** The handler decided the job should not run: it becomes cancelled, with the reason recorded. */
public final class CancelJob extends JobControl {
  public CancelJob(String reason) {
    super(reason, null);
  }
}
