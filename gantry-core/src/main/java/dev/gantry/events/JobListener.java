package dev.gantry.events;

/**
 * Receives job lifecycle events. Called synchronously on Gantry's threads, so keep it quick
 * (count, record, hand off). An exception it throws is logged with the event and does not
 * change the job.
 */
@FunctionalInterface
public interface JobListener {
  void onEvent(JobEvent event);
}
