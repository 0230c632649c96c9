package dev.gantry.testing;

import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every job event one Gantry instance fires. */
public final class EventLog implements JobListener {
  private final List<JobEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(JobEvent event) {
    events.add(event);
  }

  public List<JobEvent> all() {
    return List.copyOf(events);
  }

  public <E extends JobEvent> List<E> of(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <E extends JobEvent> List<E> of(Class<E> type, UUID jobId) {
    return of(type).stream().filter(e -> e.jobId().equals(jobId)).toList();
  }
}
