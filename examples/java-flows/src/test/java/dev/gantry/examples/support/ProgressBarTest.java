package dev.gantry.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchState;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ProgressBar bar = new ProgressBar("upload u-1", "files", 20);

  private static Batch batch(int total, int pending, int running, int completed, int dead) {
    int finished = completed + dead;
    return new Batch(UUID.randomUUID(), null, null, finished == total ? BatchState.FAILED : BatchState.RUNNING, total,
        pending, running, completed, dead, 0, 100.0 * finished / total, false, null, null, null);
  }

  @Test
  void drawsTheShareOfFinishedMembers() {
    assertThat(bar.render(batch(40, 16, 4, 20, 0)))
        .isEqualTo("upload u-1: [##########..........]  50 %  20/40 files");
  }

  @Test
  void isFullOnlyWhenEveryMemberHasFinished() {
    assertThat(bar.render(batch(40, 0, 1, 39, 0)))
        .isEqualTo("upload u-1: [###################.]  97 %  39/40 files");
    assertThat(bar.render(batch(40, 0, 0, 38, 2)))
        .isEqualTo("upload u-1: [####################] 100 %  40/40 files, 2 failed");
  }
}
