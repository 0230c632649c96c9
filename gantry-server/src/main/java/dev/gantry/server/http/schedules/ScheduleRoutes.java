package dev.gantry.server.http.schedules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.schedule.Defined;
import dev.gantry.schedule.Schedule;
import dev.gantry.schedule.ScheduleDefinition;
import dev.gantry.schedule.ScheduleNotFoundException;
import dev.gantry.schedule.Schedules;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.GantryChecks;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/**
 * The {@code /v1/schedules} routes: define (create or replace) a recurring schedule, list and
 * read schedules with their next and last runs, pause, resume and delete them, through Gantry's
 * {@link Schedules}. A schedule is named by the path and belongs to a tenant: the key's, for a key
 * limited to one (whose schedules are the only ones it reaches: another tenant's answers exactly
 * like a missing one, and naming another tenant gets 403), or the {@code tenant} query parameter's
 * for a key without one (none when left out; the list then shows every tenant's).
 */
public final class ScheduleRoutes {
  private static final Set<String> TENANT = Set.of("tenant");

  private final Gantry gantry;
  private final RequestBody body;

  public ScheduleRoutes(Gantry gantry, RequestBody body) {
    this.gantry = gantry;
    this.body = body;
  }

  /**
   * {@code PUT /v1/schedules/{name}}: 201 with the new schedule, or 200 with the one replaced.
   * Defining a schedule again as it is changes nothing (its next tick stays); a new expression or
   * time zone moves its next tick to the new one's first after now.
   */
  public void define(Context ctx) {
    Schedules schedules = schedulesOf(ctx, QueryParams.of(ctx, TENANT));
    String name = pathName(ctx);
    ScheduleDefinition definition = ScheduleRequests.definition(name, body.json(ctx).value());
    Defined defined;
    try {
      defined = schedules.define(definition);
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
    Responses.json(ctx, defined.created() ? 201 : 200, ScheduleView.of(defined.schedule()));
  }

  /** {@code GET /v1/schedules}: every schedule the caller reaches, by tenant and name. */
  public void list(Context ctx) {
    Schedules schedules = schedulesOf(ctx, QueryParams.of(ctx, TENANT));
    ObjectNode out = ApiJson.object();
    ArrayNode list = out.putArray("schedules");
    for (Schedule s : schedules.list()) {
      list.add(ScheduleView.of(s));
    }
    Responses.json(ctx, 200, out);
  }

  /** {@code GET /v1/schedules/{name}}: the schedule with its next and last run. */
  public void get(Context ctx) {
    Schedules schedules = schedulesOf(ctx, QueryParams.of(ctx, TENANT));
    String name = pathName(ctx);
    Schedule schedule = schedules.get(name).orElseThrow(() -> notFound(schedules.tenant(), name));
    Responses.json(ctx, 200, ScheduleView.of(schedule));
  }

  /** {@code POST /v1/schedules/{name}/pause}: the schedule, paused (its ticks enqueue nothing). */
  public void pause(Context ctx) {
    act(ctx, Schedules::pause);
  }

  /** {@code POST /v1/schedules/{name}/resume}: the schedule, ticking again from its first tick after now. */
  public void resume(Context ctx) {
    act(ctx, Schedules::resume);
  }

  /** {@code DELETE /v1/schedules/{name}}: 204; the jobs it enqueued stay. */
  public void delete(Context ctx) {
    act(ctx, (schedules, name) -> {
      schedules.delete(name);
      return null;
    });
    ctx.status(204);
  }

  private interface Action {
    Schedule apply(Schedules schedules, String name);
  }

  private void act(Context ctx, Action action) {
    Schedules schedules = schedulesOf(ctx, QueryParams.of(ctx, TENANT));
    String name = pathName(ctx);
    Schedule schedule;
    try {
      schedule = action.apply(schedules, name);
    } catch (ScheduleNotFoundException e) {
      throw notFound(schedules.tenant(), name);
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
    if (schedule != null) {
      Responses.json(ctx, 200, ScheduleView.of(schedule));
    }
  }

  /**
   * The schedules the caller reaches: its tenant's for a key limited to one, else the asked
   * tenant's, or (asked none) those without a tenant by name and every tenant's in the list.
   *
   * @throws ProblemException 400 for an invalid {@code tenant}, 403 for a tenant key naming another
   */
  private Schedules schedulesOf(Context ctx, QueryParams q) {
    ApiKey caller = Authenticator.caller(ctx);
    String asked = q.get("tenant");
    if (asked != null) {
      try {
        JobOptions.requireTenant(asked);
      } catch (IllegalArgumentException e) {
        throw Problems.invalid("tenant", e.getMessage());
      }
    }
    String own = caller.tenant();
    if (own != null) {
      if (asked != null && !asked.equals(own)) {
        String message = "this key is limited to tenant '" + own + "' and cannot reach the schedules of tenant '"
            + asked + "'; leave tenant out or set it to '" + own + "'";
        throw Problems.forbidden("tenant: " + message, List.of(new FieldError("tenant", message)));
      }
      return gantry.schedules().forTenant(own);
    }
    return asked == null ? gantry.schedules() : gantry.schedules().forTenant(asked);
  }

  /** @throws ProblemException 400 naming {@code name} if it is not a schedule name */
  private static String pathName(Context ctx) {
    String name = ctx.pathParam("name");
    try {
      return ScheduleDefinition.requireName(name);
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
  }

  /** 404 for a schedule the caller cannot reach: missing, or another tenant's (the two look the same). */
  static ProblemException notFound(String tenant, String name) {
    return Problems.notFound("no schedule named " + name + (tenant == null ? "" : " in tenant " + tenant));
  }
}
