package dev.gantry.server.http.metrics;

import io.javalin.http.Context;

/** {@code GET /metrics}: the Prometheus text exposition. Who may read it is decided by the route's access. */
public final class MetricsRoute {
  private final ServerMetrics metrics;

  public MetricsRoute(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  public void scrape(Context ctx) {
    ctx.status(200).contentType(ServerMetrics.CONTENT_TYPE).result(metrics.scrape());
  }
}
