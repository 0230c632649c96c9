package dev.gantry.workflow;

/** What a dependency that ended dead or cancelled does to the job that depends on it. */
public enum OnFailure {
  /** The dependent is cancelled at once, and so are its own dependents that need it (the default). */
  CANCEL,
  /** The dependent runs anyway once all its dependencies have finished, however they ended. */
  RUN;

  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static OnFailure fromDb(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
