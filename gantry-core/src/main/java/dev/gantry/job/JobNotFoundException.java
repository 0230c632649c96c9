package dev.gantry.job;

import dev.gantry.GantryException;
import java.util.UUID;

/** No job has this id (it never existed, was deleted, or was pruned). */
public class JobNotFoundException extends GantryException {
  private final UUID id;

  public JobNotFoundException(UUID id) {
    super("no job with id " + id);
    this.id = id;
  }

  public UUID id() {
    return id;
  }
}
