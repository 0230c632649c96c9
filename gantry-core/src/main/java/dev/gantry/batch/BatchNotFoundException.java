package dev.gantry.batch;

import dev.gantry.GantryException;
import java.util.UUID;

/** No batch has this id (for this tenant, when the caller is scoped to one). */
public class BatchNotFoundException extends GantryException {
  private final UUID id;

  public BatchNotFoundException(UUID id) {
    this(id, "no batch with id " + id);
  }

  protected BatchNotFoundException(UUID id, String message) {
    super(message);
    this.id = id;
  }

  public UUID id() {
    return id;
  }
}
