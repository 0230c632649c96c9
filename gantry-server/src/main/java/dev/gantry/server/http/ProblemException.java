package dev.gantry.server.http;

/** Thrown by a handler to answer with a problem; the server's error handling sends it. */
public class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
