package dev.gantry.server.http.webhooks;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.auth.WebhookSecrets;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.webhook.HostAllowList;
import dev.gantry.webhook.Webhook;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The webhooks of what one API key enqueues: each URL's host must be allowed by the server's
 * Gantry instance ({@code Gantry.webhooks().allowedHosts()}; {@code gantry server} takes it from
 * {@code GANTRY_WEBHOOK_ALLOWED_HOSTS} and allows no host without it), and every webhook is
 * signed with the key's own webhook secret (the key's id is its signing key).
 *
 * <p>Checked here, before Gantry's own check of the same list, so that a refused host is a 400
 * naming the request's field ({@code webhook_url}, {@code jobs[3].webhook_url}).
 */
public final class CallerWebhooks {
  private final HostAllowList hosts;

  public CallerWebhooks(Gantry gantry) {
    this.hosts = gantry.webhooks().allowedHosts();
  }

  /**
   * The requests with their webhooks signed by the caller's key (requests without one unchanged).
   *
   * @param field the field that named request {@code i}'s webhook ({@code webhook_url},
   *     {@code jobs[3].webhook_url})
   * @throws ProblemException 400 naming every webhook whose host is not allowed; then none of the
   *     requests may be enqueued
   */
  public List<JobRequest> sign(ApiKey caller, List<JobRequest> requests, IntFunction<String> field) {
    List<FieldError> refused = new ArrayList<>();
    List<JobRequest> signed = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      JobRequest r = requests.get(i);
      Webhook webhook = r.options().webhook();
      if (webhook == null) {
        signed.add(r);
        continue;
      }
      String refusal = refusal(webhook.url());
      if (refusal != null) {
        refused.add(new FieldError(field.apply(i), refusal));
      }
      signed.add(new JobRequest(r.kind(), r.args(), r.options().withWebhook(signedBy(caller, webhook.url()))));
    }
    if (!refused.isEmpty()) {
      throw Problems.invalid(refused);
    }
    return signed;
  }

  /**
   * A batch's or workflow's webhook, signed by the caller's key; null for none.
   *
   * @throws ProblemException 400 naming {@code webhook_url} if its host is not allowed
   */
  public Webhook sign(ApiKey caller, URI url) {
    if (url == null) {
      return null;
    }
    String refusal = refusal(url);
    if (refusal != null) {
      throw Problems.invalid(List.of(new FieldError("webhook_url", refusal)));
    }
    return signedBy(caller, url);
  }

  private static Webhook signedBy(ApiKey caller, URI url) {
    return new Webhook(url, WebhookSecrets.signingKeyOf(caller));
  }

  /** Why the URL's host is refused, as a field error's message; null when allowed. */
  private String refusal(URI url) {
    if (hosts.isNone()) {
      return "webhooks are off on this server: no host is allowed (gantry server allows the hosts listed in"
          + " GANTRY_WEBHOOK_ALLOWED_HOSTS)";
    }
    try {
      hosts.check(url);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage().replaceFirst("^webhook_url: ", "");
    }
  }
}
