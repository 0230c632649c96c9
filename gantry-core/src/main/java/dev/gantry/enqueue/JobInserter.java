package dev.gantry.enqueue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.webhook.HostAllowList;
import dev.gantry.webhook.Webhook;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Inserts jobs: any number in one statement and one round trip, on a connection the caller
 * owns (so the jobs commit or roll back with the caller's transaction).
 */
public final class JobInserter {
  private final Sql sql;
  private final ObjectMapper mapper;
  private final HostAllowList webhookHosts;

  /** An inserter whose jobs' webhooks may call any public host. */
  public JobInserter(Sql sql, ObjectMapper mapper) {
    this(sql, mapper, HostAllowList.anyPublicHost());
  }

  /** @param webhookHosts the hosts the webhooks of the jobs (and batches) it inserts may call */
  public JobInserter(Sql sql, ObjectMapper mapper, HostAllowList webhookHosts) {
    this.sql = sql;
    this.mapper = mapper;
    this.webhookHosts = webhookHosts;
  }

  /**
   * Checks a webhook's host against the allow-list (null: no webhook, nothing to check).
   *
   * @param field how the webhook is named in the message ({@code webhook_url}, {@code requests[2].webhook_url})
   * @throws IllegalArgumentException naming the field if the host is not allowed
   */
  public void checkWebhook(Webhook webhook, String field) {
    if (webhook == null) {
      return;
    }
    try {
      webhookHosts.check(webhook.url());
    } catch (IllegalArgumentException e) {
      String message = e.getMessage().startsWith("webhook_url: ")
          ? e.getMessage().substring("webhook_url: ".length()) : e.getMessage();
      throw new IllegalArgumentException(field + ": " + message, e);
    }
  }

  /**
   * Inserts the requests on the given connection, without committing.
   *
   * @return one result per request, in the order given
   * @throws IllegalArgumentException if a request's args or metadata cannot be serialised, or its
   *     webhook's host is not allowed (the message names {@code webhook_url}, or
   *     {@code requests[i].webhook_url} among several)
   * @throws SQLException if the database refuses the insert; nothing of this call is kept then
   *     when the caller rolls back
   */
  public List<EnqueueResult> insert(Connection connection, List<JobRequest> requests) throws SQLException {
    return insert(connection, requests, null);
  }

  /**
   * Inserts the requests as members of a batch (null: none), on the given connection, without
   * committing. A request whose unique key an unfinished job already holds is a duplicate and does
   * not join the batch.
   *
   * @return one result per request, in the order given
   */
  public List<EnqueueResult> insert(Connection connection, List<JobRequest> requests, UUID batchId)
      throws SQLException {
    return insert(connection, requests, batchId, new int[0]);
  }

  /**
   * As {@link #insert(Connection, List, UUID)}, for workflow steps: {@code waitingOn[i]} is the
   * number of unfinished dependencies of request i, and a request with any is inserted pending
   * (it becomes due when they have finished). An empty array: none waits.
   *
   * @throws IllegalArgumentException if a waiting request has a unique key (a duplicate would
   *     leave its dependencies' count on another job)
   */
  public List<EnqueueResult> insert(Connection connection, List<JobRequest> requests, UUID batchId, int[] waitingOn)
      throws SQLException {
    if (waitingOn.length != 0 && waitingOn.length != requests.size()) {
      throw new IllegalArgumentException("waitingOn: one count per request (" + requests.size() + "), got "
          + waitingOn.length);
    }
    if (requests.isEmpty()) {
      return List.of();
    }
    // Within one call, later requests with an already-seen unique key (of the same tenant) are
    // duplicates of the first.
    Map<List<String>, Integer> firstWithKey = new HashMap<>();
    boolean anyWebhook = false;
    for (int i = 0; i < requests.size(); i++) {
      Webhook webhook = requests.get(i).options().webhook();
      checkWebhook(webhook, requests.size() == 1 ? "webhook_url" : "requests[" + i + "].webhook_url");
      anyWebhook |= webhook != null;
    }
    for (int i = 0; i < waitingOn.length; i++) {
      if (waitingOn[i] > 0 && requests.get(i).options().uniqueKey() != null) {
        throw new IllegalArgumentException("requests[" + i + "].uniqueKey: a job that waits on dependencies cannot "
            + "have a unique key; leave it out");
      }
    }
    int[] sentIndex = new int[requests.size()];
    List<JobRequest> sent = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      JobOptions options = requests.get(i).options();
      String key = options.uniqueKey();
      Integer first = key == null ? null
          : firstWithKey.putIfAbsent(List.of(options.tenant() == null ? "" : options.tenant(), key), i);
      if (first != null) {
        sentIndex[i] = -1 - first;
      } else {
        sentIndex[i] = sent.size();
        sent.add(requests.get(i));
      }
    }

    int n = sent.size();
    String[] queues = new String[n];
    String[] kinds = new String[n];
    String[] args = new String[n];
    Integer[] priorities = new Integer[n];
    Integer[] maxAttempts = new Integer[n];
    Long[] timeouts = new Long[n];
    String[] uniqueKeys = new String[n];
    String[] tags = new String[n];
    String[] metadata = new String[n];
    String[] runAt = new String[n];
    Long[] delays = new Long[n];
    String[] tenants = new String[n];
    Integer[] waiting = new Integer[waitingOn.length == 0 ? 0 : n];
    // Like waiting: empty arrays (all nulls to unnest) when no job has a webhook.
    String[] webhookUrls = new String[anyWebhook ? n : 0];
    String[] webhookKeys = new String[anyWebhook ? n : 0];
    for (int i = 0; i < n; i++) {
      JobRequest r = sent.get(i);
      JobOptions o = r.options();
      queues[i] = o.queue();
      kinds[i] = r.kind();
      args[i] = Json.write(mapper, r.args() == null ? Map.of() : r.args(), "args of job kind " + r.kind());
      priorities[i] = o.priority();
      maxAttempts[i] = o.maxAttempts();
      timeouts[i] = o.timeout() == null ? null : Math.max(1, o.timeout().toMillis());
      uniqueKeys[i] = o.uniqueKey();
      // Most jobs have neither tags nor metadata: skip the mapper for them (bulk enqueue profile).
      tags[i] = o.tags().isEmpty() ? "[]" : Json.write(mapper, o.tags(), "tags");
      metadata[i] = o.metadata().isEmpty() ? "{}" : Json.write(mapper, o.metadata(), "metadata of job kind " + r.kind());
      runAt[i] = o.runAt() == null ? null : o.runAt().toString();
      delays[i] = o.delay() == null ? 0L : o.delay().toMillis();
      tenants[i] = o.tenant();
      if (anyWebhook && o.webhook() != null) {
        webhookUrls[i] = o.webhook().url().toString();
        webhookKeys[i] = o.webhook().signingKey();
      }
    }
    for (int i = 0; i < requests.size() && waiting.length > 0; i++) {
      if (sentIndex[i] >= 0) {
        waiting[sentIndex[i]] = waitingOn[i];
      }
    }

    EnqueueResult[] sentResults = new EnqueueResult[n];
    // Without unique keys no row can conflict: the plain statement skips ON CONFLICT's speculative
    // insertion and the join back to the input (bulk enqueue of 100,000 jobs: see docs/benchmarks).
    String statement = firstWithKey.isEmpty() ? "insert_plain" : "insert";
    try (PreparedStatement ps = connection.prepareStatement(sql.get(statement))) {
      int p = 1;
      ps.setArray(p++, array(connection, "text", queues));
      ps.setArray(p++, array(connection, "text", kinds));
      ps.setArray(p++, array(connection, "text", args));
      ps.setArray(p++, array(connection, "int4", priorities));
      ps.setArray(p++, array(connection, "int4", maxAttempts));
      ps.setArray(p++, array(connection, "int8", timeouts));
      ps.setArray(p++, array(connection, "text", uniqueKeys));
      ps.setArray(p++, array(connection, "text", tags));
      ps.setArray(p++, array(connection, "text", metadata));
      ps.setArray(p++, array(connection, "text", runAt));
      ps.setArray(p++, array(connection, "int8", delays));
      ps.setArray(p++, array(connection, "text", tenants));
      ps.setArray(p++, array(connection, "int4", waiting));
      ps.setArray(p++, array(connection, "text", webhookUrls));
      ps.setArray(p++, array(connection, "text", webhookKeys));
      ps.setObject(p, batchId, java.sql.Types.OTHER);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int ord = rs.getInt(1) - 1;
          sentResults[ord] = new EnqueueResult(rs.getObject(2, UUID.class), rs.getBoolean(3));
        }
      }
    }

    List<EnqueueResult> results = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      int s = sentIndex[i];
      if (s >= 0) {
        if (sentResults[s] == null) {
          throw new SQLException("insert returned no row for request " + i + "; the statement was rolled back");
        }
        results.add(sentResults[s]);
      } else {
        EnqueueResult first = results.get(-1 - s);
        results.add(new EnqueueResult(first.id(), true));
      }
    }
    return results;
  }

  private static Array array(Connection c, String type, Object[] values) throws SQLException {
    return c.createArrayOf(type, values);
  }
}
