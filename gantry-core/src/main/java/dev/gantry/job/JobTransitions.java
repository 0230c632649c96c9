package dev.gantry.job;

import dev.gantry.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Applies job state transitions in batches, with one statement ({@code transition.sql}) for
 * every outcome. The only code that moves jobs out of {@code running} or into {@code finished_jobs}.
 */
public final class JobTransitions {
  private final Sql sql;

  public JobTransitions(Sql sql) {
    this.sql = sql;
  }

  /**
   * Applies the transitions on the given connection (in its current transaction, if any).
   *
   * @return the ids that changed; a transition whose lease token no longer matches (the job was
   *     rescued, finished or given to another worker) changes nothing and is absent
   */
  public Set<UUID> apply(Connection c, List<Transition> transitions) throws SQLException {
    int n = transitions.size();
    UUID[] ids = new UUID[n];
    UUID[] tokens = new UUID[n];
    String[] outcomes = new String[n];
    String[] results = new String[n];
    String[] errors = new String[n];
    Long[] delays = new Long[n];
    String[] tenants = new String[n];
    for (int i = 0; i < n; i++) {
      Transition t = transitions.get(i);
      ids[i] = t.jobId();
      tokens[i] = t.leaseToken();
      outcomes[i] = t.outcome().dbName();
      results[i] = t.resultJson();
      errors[i] = t.errorJson();
      delays[i] = t.delayMillis();
      tenants[i] = t.tenant();
    }
    Set<UUID> changed = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql.get("transition"))) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("uuid", tokens));
      ps.setArray(3, c.createArrayOf("text", outcomes));
      ps.setArray(4, c.createArrayOf("text", results));
      ps.setArray(5, c.createArrayOf("text", errors));
      ps.setArray(6, c.createArrayOf("int8", delays));
      ps.setArray(7, c.createArrayOf("text", tenants));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          if (id != null) {
            changed.add(id);
          }
        }
      }
    }
    return changed;
  }
}
