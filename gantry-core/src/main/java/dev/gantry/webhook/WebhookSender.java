package dev.gantry.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one signed attempt of a delivery: {@code POST} of the payload with {@code Content-Type:
 * application/json} and the headers {@code Gantry-Webhook-Id} (the delivery's id, the same on
 * every attempt), {@code Gantry-Event}, {@code Gantry-Attempt}, {@code Gantry-Timestamp} and
 * {@code Gantry-Signature} (see {@link WebhookSignature}). Redirects are never followed: a 3xx is
 * the attempt's answer.
 */
final class WebhookSender implements AutoCloseable {
  static final String USER_AGENT = "Gantry-Webhooks/1";

  private final HttpClient client;
  private final Duration requestTimeout;

  WebhookSender(Duration connectTimeout, Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    // HTTP/1.1: an http:// receiver is not offered an h2c upgrade it might mishandle.
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /**
   * Sends the attempt, signed at {@code timestamp} (Unix seconds).
   *
   * @throws IOException if no answer came: a timeout ({@link HttpTimeoutException}), a connection failure
   * @throws InterruptedException if the node is stopping; nothing is known of the attempt then
   */
  ReceiverAnswer send(ClaimedDelivery d, String secret, long timestamp) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header("Gantry-Webhook-Id", d.id().toString())
        .header("Gantry-Event", d.event())
        .header("Gantry-Attempt", Integer.toString(d.attempt()))
        .header("Gantry-Timestamp", Long.toString(timestamp))
        .header(WebhookSignature.HEADER, WebhookSignature.header(secret, timestamp, d.body()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
        .build();
    // The request timeout covers the wait for the answer's head; the bound here also covers a
    // body that trickles in forever.
    CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, info ->
        info.statusCode() >= 200 && info.statusCode() < 400 ? BodySubscribers.replacing(null) : new BodyStart());
    HttpResponse<String> response;
    try {
      response = sent.get(requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw new HttpTimeoutException("no whole answer within " + requestTimeout.multipliedBy(2));
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause() == null ? "request failed" : e.getCause().toString(), e.getCause());
    }
    return new ReceiverAnswer(response.statusCode(), response.headers().firstValue("Location").orElse(null),
        response.headers().firstValue("Retry-After").orElse(null), response.body());
  }

  /** Stops the client's threads; attempts still under way fail. */
  @Override
  public void close() {
    client.shutdownNow();
  }
}
