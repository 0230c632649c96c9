package dev.gantry.examples.upload;

import java.util.Locale;

/** Where an upload stands, as the application's own {@code uploads} table records it. */
public enum UploadStatus {
  /** Its files are being stored. */
  PROCESSING,
  /** Every file was stored. */
  DONE,
  /** Every file was handled, and some could not be stored. */
  DONE_WITH_ERRORS;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static UploadStatus fromDb(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
