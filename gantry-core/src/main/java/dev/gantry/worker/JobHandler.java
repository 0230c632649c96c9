package dev.gantry.worker;

/**
 * Runs jobs of one kind.
 *
 * <p>Return a value to complete the job; it is stored as the job's JSON result ({@code null} for
 * none). Throw to fail the attempt: the job is retried with backoff until its attempts run out,
 * then it is dead. Throw {@link SnoozeJob}, {@link PermanentFailure} or {@link CancelJob} to
 * snooze, fail without retrying, or cancel. Delivery is at least once: a job can run again after
 * a crash, so make handlers idempotent.
 *
 * @param <A> the type the job's JSON args are read into
 */
@FunctionalInterface
public interface JobHandler<A> {
  Object handle(A args, JobContext context) throws Exception;
}
