package dev.gantry.server.http.leases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.Progress;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns the remote worker routes' request bodies into calls of {@link dev.gantry.remote.JobLeases},
 * checking every field and listing every mistake. Durations are ISO-8601 ({@code PT30S}).
 */
public final class LeaseRequests {
  /** The lease a claim gets, and a heartbeat extends by, when the request does not say. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  static final int MAX_ERROR_LENGTH = 32_000;
  static final int MAX_MESSAGE_LENGTH = 10_000;

  private LeaseRequests() {}

  /** A heartbeat: the lease token, how far to extend the lease, and progress if any. */
  public record Heartbeat(UUID leaseToken, Duration extend, Progress progress) {}

  /** A completion: the lease token and the result (null for none). */
  public record Completion(UUID leaseToken, JsonNode result) {}

  /** A failure: the lease token, the message, and whether a retry may help. */
  public record Failure(UUID leaseToken, String error, boolean retryable) {}

  /**
   * The claim of a {@code POST /v1/claims} body.
   *
   * @param tenant the caller's tenant, or null: only its jobs are claimed
   * @param defaultWorkerId the worker id when the body names none
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static ClaimRequest claim(JsonNode body, String tenant, String defaultWorkerId) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    List<String> queues = f.requiredStrings("queues", 1, 20, check(JobOptions::requireQueueName));
    List<String> kinds = f.optionalStrings("kinds", 100, check(kind -> JobRequest.of(kind, null)));
    Integer limit = f.optionalInt("limit", 1, 100);
    Duration lease = f.optionalDuration("lease", ClaimRequest.MIN_LEASE, ClaimRequest.MAX_LEASE);
    Duration wait = f.optionalDuration("wait", Duration.ZERO, ClaimRequest.MAX_WAIT);
    String workerId = f.optionalString("worker_id");
    f.finish();
    if (workerId != null && (workerId.isBlank() || workerId.length() > 200)) {
      f.reject("worker_id", "must be 1 to 200 characters and not blank");
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new ClaimRequest(queues, kinds, limit == null ? 1 : limit, lease == null ? DEFAULT_LEASE : lease,
        workerId == null ? defaultWorkerId : workerId, tenant, wait == null ? Duration.ZERO : wait);
  }

  /**
   * The heartbeat of a {@code POST /v1/jobs/{id}/heartbeat} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static Heartbeat heartbeat(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    UUID token = f.requiredUuid("lease_token");
    Duration extend = f.optionalDuration("extend", ClaimRequest.MIN_LEASE, ClaimRequest.MAX_LEASE);
    ObjectNode progressNode = f.optionalObject("progress");
    f.finish();
    Progress progress = null;
    if (progressNode != null) {
      JsonFields p = JsonFields.of(f.pathOf("progress"), progressNode, errors);
      Integer percent = p.optionalInt("percent", 0, 100);
      String message = p.optionalString("message");
      JsonNode items = p.optionalArray("items");
      p.finish();
      if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
        p.reject("message", "must be at most " + MAX_MESSAGE_LENGTH + " characters, got " + message.length());
      }
      progress = new Progress(percent, message, items);
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Heartbeat(token, extend == null ? DEFAULT_LEASE : extend, progress);
  }

  /**
   * The completion of a {@code POST /v1/jobs/{id}/complete} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static Completion completion(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    UUID token = f.requiredUuid("lease_token");
    JsonNode result = f.optionalValue("result");
    f.finish();
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Completion(token, result);
  }

  /**
   * The failure of a {@code POST /v1/jobs/{id}/fail} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static Failure failure(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    UUID token = f.requiredUuid("lease_token");
    String error = f.requiredString("error");
    Boolean retryable = f.optionalBoolean("retryable");
    f.finish();
    if (error != null && (error.isBlank() || error.length() > MAX_ERROR_LENGTH)) {
      f.reject("error", "must be 1 to " + MAX_ERROR_LENGTH + " characters and not blank");
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Failure(token, error, retryable == null || retryable);
  }

  /** One of Gantry's own checks as a message-or-null check for {@link JsonFields#optionalStrings}. */
  private static Function<String, String> check(Consumer<String> gantryCheck) {
    return value -> {
      try {
        gantryCheck.accept(value);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    };
  }
}
