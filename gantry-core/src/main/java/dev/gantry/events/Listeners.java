package dev.gantry.events;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registered listeners, called in order; a failing listener is logged and the rest still run. */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);
  private final List<JobListener> listeners;

  public Listeners(List<JobListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  public void fire(JobEvent event) {
    for (JobListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (VirtualMachineError fatal) {
        throw fatal;
      } catch (Throwable e) {
        // Any other failure, Errors included: a listener must never leave a job unsettled or
        // stop the completer's thread.
        log.warn("Gantry job listener {} failed on {}", listener, event, e);
      }
    }
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }
}
