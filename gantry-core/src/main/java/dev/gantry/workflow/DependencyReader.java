package dev.gantry.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a job's dependencies with their states and results, for the dependent's handler. */
public final class DependencyReader {
  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;

  public DependencyReader(Db db, Sql sql, ObjectMapper mapper) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
  }

  /**
   * The job's dependencies, the steps of its workflow in the order given first; empty for a job
   * without any (or, when {@code tenant} is not null, a job of another tenant).
   */
  public List<DependencyResult> read(UUID jobId, String tenant) {
    return db.run("reading the dependencies of job " + jobId, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("job_dependencies"))) {
        ps.setObject(1, jobId);
        ps.setString(2, tenant);
        ps.setString(3, tenant);
        List<DependencyResult> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String state = rs.getString("state");
            out.add(new DependencyResult(
                rs.getObject("depends_on", UUID.class),
                rs.getString("step"),
                rs.getString("kind"),
                state == null ? null : JobState.fromDb(state),
                OnFailure.fromDb(rs.getString("on_failure")),
                Json.read(mapper, rs.getString("result"))));
          }
        }
        return List.copyOf(out);
      }
    });
  }
}
