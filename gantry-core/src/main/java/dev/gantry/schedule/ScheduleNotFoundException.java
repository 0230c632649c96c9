package dev.gantry.schedule;

import dev.gantry.GantryException;

/** No schedule has this name (in this tenant; among schedules without one for the unscoped API). */
public class ScheduleNotFoundException extends GantryException {
  private final String tenant;
  private final String name;

  public ScheduleNotFoundException(String tenant, String name) {
    super("no schedule named " + name + (tenant == null ? "" : " in tenant " + tenant));
    this.tenant = tenant;
    this.name = name;
  }

  /** Null for the schedules without a tenant. */
  public String tenant() {
    return tenant;
  }

  public String name() {
    return name;
  }
}
