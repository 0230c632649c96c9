package dev.gantry.server.http;

import dev.gantry.batch.BatchNotFoundException;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.server.http.batches.BatchRoutes;
import dev.gantry.server.http.workflows.WorkflowRoutes;
import dev.gantry.workflow.WorkflowNotFoundException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a problem response: the handlers' {@link ProblemException}s as they
 * are, Javalin's own (no route: 404, wrong method: 405, ...), a missing job, batch or workflow, an
 * unreachable database (503 with {@code Retry-After}), and anything else as a 500 whose details
 * are logged here and never sent.
 */
public final class ErrorHandling {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private final long maxBodyBytes;

  /** @param maxBodyBytes the server's body limit, for 413 problems raised by Javalin */
  public ErrorHandling(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  public void handle(Exception e, Context ctx) {
    Responses.problem(ctx, problemFor(e, ctx), ctx.path());
  }

  Problem problemFor(Exception e, Context ctx) {
    if (e instanceof ProblemException p) {
      return p.problem();
    }
    if (e instanceof JobNotFoundException notFound) {
      return Problems.notFound("no job with id " + notFound.id()
          + " (it never existed, was deleted, or was pruned after finishing)").problem();
    }
    if (e instanceof WorkflowNotFoundException notFound) {
      return WorkflowRoutes.notFound(notFound.id()).problem();
    }
    if (e instanceof BatchNotFoundException notFound) {
      return BatchRoutes.notFound(notFound.id()).problem();
    }
    if (e instanceof HttpResponseException h) {
      return fromJavalin(h, ctx);
    }
    if (DatabaseFailures.isUnavailable(e)) {
      log.warn("{} {} failed: the database is unavailable: {}", ctx.method().name(), ctx.path(), e.getMessage());
      return Problems.unavailable("the database is unavailable; retry the request in a few seconds");
    }
    log.error("{} {} failed unexpectedly", ctx.method().name(), ctx.path(), e);
    return Problems.internal();
  }

  private Problem fromJavalin(HttpResponseException h, Context ctx) {
    int status = h.getStatus();
    return switch (status) {
      case 404 -> Problems.notFound("no route " + ctx.path() + "; the API is described at /openapi.json").problem();
      case 405 -> Problems.methodNotAllowed(ctx.method().name() + " is not allowed on " + ctx.path(), allow(h.getDetails()))
          .problem();
      case 413 -> Problems.tooLarge(maxBodyBytes).problem();
      default -> {
        if (status >= 500) {
          log.error("{} {} failed in the HTTP layer: {} {}", ctx.method().name(), ctx.path(), status, h.getMessage());
          yield status == 503 ? Problems.unavailable("the server cannot serve this request now; retry") : Problems.internal();
        }
        yield Problems.ofStatus(status, h.getMessage(), h.getMessage());
      }
    };
  }

  /** Javalin lists the allowed methods in the exception's details ({@code availableMethods}). */
  private static String allow(Map<String, String> details) {
    if (details == null || details.isEmpty()) {
      return null;
    }
    String methods = details.get("availableMethods");
    if (methods != null) {
      return methods;
    }
    return details.values().stream().collect(Collectors.joining(", "));
  }
}
