package dev.gantry.webhook;

import dev.gantry.worker.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Decides what an attempt's answer, or failure, means for its delivery:
 *
 * <ul>
 *   <li>2xx: delivered;
 *   <li>408, 429 and 5xx, a timeout, a connection failure or a failed DNS look-up: retried after
 *       the retry policy's backoff for this attempt (at least the {@code Retry-After} of a 429 or
 *       503, up to an hour), until the policy's attempts are used up, then dead;
 *   <li>3xx: dead at once. Redirects are never followed (they could lead anywhere, outside the
 *       host allow-list), and the next attempt would get the same answer: the webhook's URL has to
 *       be the final one;
 *   <li>any other 4xx: dead at once. The receiver understood and refused the delivery (a wrong
 *       path, a signature it does not accept); sending it again would not change its mind.
 * </ul>
 */
final class OutcomeRules {
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final RetryPolicy retry;

  OutcomeRules(RetryPolicy retry) {
    this.retry = retry;
  }

  AttemptOutcome of(ReceiverAnswer answer, int attempt) {
    int status = answer.statusCode();
    if (status >= 200 && status < 300) {
      return AttemptOutcome.delivered(status);
    }
    String detail = answer.bodyStart() == null || answer.bodyStart().isBlank() ? "" : ": " + answer.bodyStart();
    if (status >= 300 && status < 400) {
      return AttemptOutcome.dead(status, "HTTP " + status + ": redirect" + target(answer.location())
          + " not followed (redirects never are); give the webhook its final URL");
    }
    if (status == 408 || status == 429 || status >= 500) {
      return retryOrDead(status, "HTTP " + status + detail, attempt, retryAfter(answer));
    }
    return AttemptOutcome.dead(status, "HTTP " + status + detail + " (the receiver refused it; a 4xx other than 408"
        + " and 429 is not retried)");
  }

  AttemptOutcome of(IOException failure, int attempt, Duration requestTimeout) {
    String error;
    if (failure instanceof HttpConnectTimeoutException) {
      error = "connecting timed out";
    } else if (failure instanceof HttpTimeoutException) {
      error = "no answer within " + requestTimeout;
    } else if (failure instanceof UnknownHostException) {
      error = "unknown host " + failure.getMessage();
    } else if (failure instanceof ConnectException) {
      error = "connection failed" + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    } else {
      error = "request failed: " + failure.getClass().getSimpleName()
          + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
    return retryOrDead(null, error, attempt, Duration.ZERO);
  }

  /** A failure that no later attempt can change (no secret, host not allowed). */
  AttemptOutcome refused(String error) {
    return AttemptOutcome.dead(null, error);
  }

  /** A failure of this node's own (the signing secret could not be read): retried like a receiver's. */
  AttemptOutcome failedHere(String error, int attempt) {
    return retryOrDead(null, error, attempt, Duration.ZERO);
  }

  private AttemptOutcome retryOrDead(Integer status, String error, int attempt, Duration atLeast) {
    if (attempt >= retry.maxAttempts()) {
      return AttemptOutcome.dead(status, error + "; gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s"));
    }
    Duration backoff = retry.backoff(attempt);
    return AttemptOutcome.retry(status, error, backoff.compareTo(atLeast) >= 0 ? backoff : atLeast);
  }

  /** A Retry-After in seconds (the form receivers that rate-limit send), capped; zero when absent or a date. */
  private static Duration retryAfter(ReceiverAnswer answer) {
    if ((answer.statusCode() != 429 && answer.statusCode() != 503) || answer.retryAfter() == null
        || !answer.retryAfter().strip().matches("\\d{1,9}")) {
      return Duration.ZERO;
    }
    Duration d = Duration.ofSeconds(Long.parseLong(answer.retryAfter().strip()));
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  /** Only the redirect's host: its path or query may carry tokens that do not belong in a log. */
  private static String target(String location) {
    if (location == null) {
      return "";
    }
    try {
      String host = URI.create(location.strip()).getHost();
      return host == null ? " (within the same host)" : " to host " + host;
    } catch (IllegalArgumentException e) {
      return " to an unreadable Location";
    }
  }
}
