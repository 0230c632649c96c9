package dev.gantry.server.http;

import dev.gantry.server.http.auth.Access;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One entry of the server's route table: method, path (Javalin's {@code {param}} syntax), who may
 * call it, and what answers.
 */
public record Route(HandlerType method, String path, Access access, Handler handler) {
  public static Route get(String path, Access access, Handler handler) {
    return new Route(HandlerType.GET, path, access, handler);
  }

  public static Route post(String path, Access access, Handler handler) {
    return new Route(HandlerType.POST, path, access, handler);
  }

  public static Route put(String path, Access access, Handler handler) {
    return new Route(HandlerType.PUT, path, access, handler);
  }

  public static Route delete(String path, Access access, Handler handler) {
    return new Route(HandlerType.DELETE, path, access, handler);
  }

  /** {@code GET /v1/jobs/{id}}, for logs and tests. */
  @Override
  public String toString() {
    return method.name() + " " + path;
  }
}
