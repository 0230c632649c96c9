package dev.gantry.remote;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Progress a remote worker reports with a heartbeat. A null field leaves the stored value as it is.
 *
 * @param percent 0 to 100
 * @param message a short human-readable note, at most 10,000 characters
 * @param items per-item results, a JSON array such as
 *     {@code [{"item":"dir-1","status":"ok"},{"item":"dir-2","status":"failed","error":"..."}]}
 */
public record Progress(Integer percent, String message, JsonNode items) {
  public Progress {
    if (percent != null && (percent < 0 || percent > 100)) {
      throw new IllegalArgumentException("progress percent must be between 0 and 100, got " + percent);
    }
    if (message != null && message.length() > 10_000) {
      throw new IllegalArgumentException("progress message must be at most 10000 characters, got " + message.length());
    }
    if (items != null && !items.isNull() && !items.isArray()) {
      throw new IllegalArgumentException("progress items must be a JSON array, got a JSON " + items.getNodeType());
    }
    if (items != null && items.isNull()) {
      items = null;
    }
  }
}
