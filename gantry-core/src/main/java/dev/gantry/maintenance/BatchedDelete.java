package dev.gantry.maintenance;

import dev.gantry.internal.Db;

/**
 * Runs a statement that deletes at most a batch of rows, one short autocommit statement at a time,
 * until a batch comes back short or the run's batches are used up: pruning that never holds locks
 * for long and leaves the rest to the next run.
 */
public final class BatchedDelete {
  private BatchedDelete() {}

  /**
   * @param what what is deleted, for error messages
   * @param oneBatch deletes at most {@code batchSize} rows and returns how many
   * @return how many rows were deleted in all
   */
  public static int repeat(Db db, String what, int batchSize, int maxBatches, Db.SqlWork<Integer> oneBatch) {
    int total = 0;
    for (int batch = 0; batch < maxBatches; batch++) {
      int deleted = db.run("pruning " + what, oneBatch);
      total += deleted;
      if (deleted < batchSize) {
        break;
      }
    }
    return total;
  }
}
