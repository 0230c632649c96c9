package dev.gantry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each adapter runs a few dozen jobs end to end (bulk and single enqueue, processing, clean-up):
 * a check that the benchmark's plumbing works, not a measurement. The benchmark itself never runs
 * in the build.
 */
class AdaptersSmokeTest {

  static Stream<Function<DataSource, QueueSystem>> systems() {
    return Stream.of(GantrySystem::new, RawSqlSystem::new, DbSchedulerSystem::new, JobRunrSystem::new);
  }

  @ParameterizedTest
  @MethodSource("systems")
  void runsEveryJobOnce(Function<DataSource, QueueSystem> factory) throws Exception {
    try (QueueSystem q = factory.apply(TestDatabase.get().dataSource())) {
      q.setUp();
      q.enqueueBulk(0, 30);
      for (int i = 30; i < 40; i++) {
        q.enqueueOne(i);
      }
      assertThat(q.unfinished()).isEqualTo(40);
      Recorder rec = new Recorder(40);
      q.startWorkers(4, rec, 0);
      assertThat(Waits.until(() -> rec.runs() >= 40 && q.unfinished() == 0, 15_000, 20))
          .as("%s ran all jobs (%d runs)", q.name(), rec.runs()).isTrue();
      q.stopWorkers();
      assertThat(rec.startedCount(40)).isEqualTo(40);
      assertThat(q.tableSizes()).isNotEmpty();
      q.setUp();
    }
  }

  @org.junit.jupiter.api.Test
  void reportHasRatiosAndChart() {
    ResultTable t = new ResultTable("Throughput: test", List.of("gantry", "raw-sql", "jobrunr"));
    t.put("jobs/s", true, true, "gantry", 900);
    t.put("jobs/s", true, true, "raw-sql", 1000);
    t.put("jobs/s", true, true, "jobrunr", 100);
    String md = Report.markdown(List.of(t), "");
    assertThat(md).contains("| jobs/s | 900 | 1,000 | 100 | 90 % | 9.00× |");
    assertThat(Report.svg(List.of(t), "t")).startsWith("<svg").contains("<rect");
    assertThat(Map.of()).isEmpty();
  }
}
