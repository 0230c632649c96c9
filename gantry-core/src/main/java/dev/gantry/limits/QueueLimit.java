package dev.gantry.limits;

import dev.gantry.enqueue.JobOptions;
import java.util.regex.Pattern;

/**
 * The limits of one queue, enforced across every node: jobs held back stay available, in order,
 * and other queues (and other partitions of this one) keep running. Start from {@link #of} and add
 * what you need; every {@code with...} method returns a new value and checks its argument at once.
 *
 * <pre>{@code
 * gantry.limits().set(QueueLimit.of("ai").withRate(Rate.perMinute(60)));          // a provider's quota
 * gantry.limits().set(QueueLimit.of("crm").partitionedBy("args.account_id")       // 2 syncs per account,
 *     .withPartitionConcurrency(2).withConcurrency(20));                          // 20 in all
 * }</pre>
 *
 * <p><b>Partitions.</b> With {@code partitionBy}, each job belongs to the partition named by its
 * tenant ({@code "tenant"}), its kind ({@code "kind"}) or a value in its args ({@code
 * "args.customer_id"}, or a path: {@code "args.account.id"}; the value's text, so {@code 42} and
 * {@code "42"} are one partition); jobs without that value share the partition {@code ""}. Claims
 * are fair between partitions: one job of every partition with jobs waiting starts before a second
 * of any, and a partition that has had more running or started lately waits behind the others,
 * so a tenant with 10,000 jobs waiting cannot keep one with 5 from starting.
 *
 * @param queue the queue (1 to 128 letters, digits, {@code _ . : -})
 * @param concurrency most jobs of the queue running at once across every node, 1 to 100,000; null: no such limit
 * @param partitionBy what makes a partition: {@code "tenant"}, {@code "kind"} or {@code "args.<key>[.<key>...]"};
 *     null: the queue is one partition
 * @param partitionConcurrency most jobs of one partition running at once, 1 to 100,000 (needs partitionBy)
 * @param rate most starts of the queue's jobs per period; null: none
 * @param partitionRate most starts of one partition's jobs per period (needs partitionBy)
 */
public record QueueLimit(String queue, Integer concurrency, String partitionBy, Integer partitionConcurrency,
    Rate rate, Rate partitionRate) {
  public static final int MAX_CONCURRENCY = 100_000;
  private static final Pattern ARGS_PATH = Pattern.compile("args(\\.[^.]{1,100})+");

  /**
   * @throws IllegalArgumentException naming the field ({@code queue}, {@code concurrency},
   *     {@code partitionBy}, {@code partitionConcurrency}) that is out of range
   */
  public QueueLimit {
    JobOptions.requireQueueName(queue);
    requireConcurrency(concurrency, "concurrency");
    requireConcurrency(partitionConcurrency, "partitionConcurrency");
    if (partitionBy != null && !partitionBy.equals("tenant") && !partitionBy.equals("kind")
        && (partitionBy.length() > 200 || !ARGS_PATH.matcher(partitionBy).matches())) {
      throw new IllegalArgumentException("partitionBy must be 'tenant', 'kind' or a path into the args such as "
          + "'args.customer_id' (at most 200 characters), got: '" + partitionBy + "'");
    }
  }

  /** No limit yet on {@code queue}: add at least one before {@link Limits#set}. */
  public static QueueLimit of(String queue) {
    return new QueueLimit(queue, null, null, null, null, null);
  }

  /** At most {@code concurrency} jobs of the queue running at once across every node. */
  public QueueLimit withConcurrency(int concurrency) {
    return new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, rate, partitionRate);
  }

  /** Partitions by tenant ({@code "tenant"}), kind ({@code "kind"}) or an args value ({@code "args.customer_id"}). */
  public QueueLimit partitionedBy(String partitionBy) {
    return new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, rate, partitionRate);
  }

  /** At most {@code concurrency} jobs of one partition running at once. */
  public QueueLimit withPartitionConcurrency(int concurrency) {
    return new QueueLimit(queue, this.concurrency, partitionBy, concurrency, rate, partitionRate);
  }

  /** At most {@code rate} starts of the queue's jobs. */
  public QueueLimit withRate(Rate rate) {
    return new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, rate, partitionRate);
  }

  /** At most {@code rate} starts of one partition's jobs. */
  public QueueLimit withPartitionRate(Rate rate) {
    return new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, this.rate, rate);
  }

  /** Whether any limit is set (a limit with none cannot be {@linkplain Limits#set set}). */
  public boolean limitsAnything() {
    return concurrency != null || partitionConcurrency != null || rate != null || partitionRate != null;
  }

  private static void requireConcurrency(Integer n, String field) {
    if (n != null && (n < 1 || n > MAX_CONCURRENCY)) {
      throw new IllegalArgumentException(field + " must be between 1 and " + MAX_CONCURRENCY + ", got " + n);
    }
  }
}
