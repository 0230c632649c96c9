package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.schema.Migrator;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.auth.ApiKeyToken;
import dev.gantry.server.auth.CreatedKey;
import dev.gantry.server.auth.KeyStore;
import dev.gantry.server.auth.KeyStore.KeyWithSecret;
import dev.gantry.server.auth.Revocation;
import dev.gantry.server.auth.Role;
import dev.gantry.server.database.DatabaseSource;
import dev.gantry.server.http.ApiJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gantry keys}: creates, lists and revokes the HTTP API's keys, and shows or rotates their
 * webhook signing secrets. Each subcommand migrates the schema first, so keys can be made before
 * the server has ever run.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Creates, lists and revokes API keys of the HTTP server, and shows their webhook secrets.",
    description = {
        "Roles: producer (enqueue, read, wait for and cancel jobs), worker (claim and complete jobs: remote workers), "
            + "admin (everything, including retry, delete and queue counts).",
        "",
        "Each key has a webhook signing secret: the webhooks of the jobs, batches and workflows it enqueues are "
            + "signed with it (Gantry-Signature), for their receivers to check.",
        "",
        "Uses GANTRY_DATABASE_URL, or the embedded database when it is not set.",
        ""},
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
        KeysCommand.WebhookSecret.class})
public final class KeysCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Opens the database, migrates the schema, and runs the work with a key store on it. */
  static <T> T withKeys(CliEnvironment environment, String schema, Function<KeyStore, T> work) {
    try (DatabaseSource database = DatabaseSource.open(environment.databaseConfig())) {
      new Migrator(schema).migrate(database.dataSource());
      return work.apply(new KeyStore(database.dataSource(), schema));
    }
  }

  static ObjectNode json(ApiKey key) {
    ObjectNode o = ApiJson.object();
    o.put("id", key.shortId());
    o.put("uuid", key.id().toString());
    o.put("name", key.name());
    o.put("role", key.role().apiName());
    o.put("tenant", key.tenant());
    o.put("created_at", text(key.createdAt()));
    o.put("revoked_at", text(key.revokedAt()));
    o.put("last_used_at", text(key.lastUsedAt()));
    return o;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static void printJson(PrintWriter out, Object value) {
    out.println(new String(ApiJson.write(value), StandardCharsets.UTF_8));
    out.flush();
  }

  /** Checks {@code --role} when the command line is read, so a wrong role is a usage error. */
  static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      try {
        return Role.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Creates an API key and prints it; it is shown only this once.")
  static final class Create implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the key is for, such as 'billing service'.")
    private String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE", converter = RoleConverter.class,
        description = "producer, worker or admin.")
    private Role role;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Limit the key to this tenant's jobs, whatever its role: its jobs"
        + " belong to the tenant and it sees no other tenant's. It may not read /v1/queues or /metrics.")
    private String tenant;

    @Option(names = "--json", description = "Print the key as JSON.")
    private boolean json;

    @Mixin
    private SchemaOption schema;

    Create(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      try {
        KeyStore.requireName(name);
        KeyStore.requireTenant(tenant);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      CreatedKey created = withKeys(environment, schema.schema, keys -> keys.create(name, role, tenant));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = json(created.key());
        o.put("key", created.token());
        o.put("webhook_secret", created.webhookSecret());
        printJson(out, o);
      } else {
        out.println(created.token());
        out.println();
        out.println("API key " + created.key().shortId() + " (" + created.key().name() + ", role "
            + created.key().role().apiName() + (created.key().tenant() == null ? "" : ", tenant " + created.key().tenant())
            + ") created. This is the only time the key is shown: store it now.");
        out.println();
        out.println("Its webhook signing secret, for the receivers of the webhooks of the jobs it enqueues"
            + " ('gantry keys webhook-secret " + created.key().shortId() + "' shows it again):");
        out.println(created.webhookSecret());
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Lists the API keys, valid and revoked (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the keys as a JSON array.")
    private boolean json;

    @Mixin
    private SchemaOption schema;

    ListKeys(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      List<ApiKey> keys = withKeys(environment, schema.schema, KeyStore::list);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ArrayNode array = ApiJson.mapper().createArrayNode();
        keys.forEach(k -> array.add(json(k)));
        printJson(out, array);
        return ExitCodes.OK;
      }
      if (keys.isEmpty()) {
        out.println("No API keys. Create one with 'gantry keys create --name NAME --role ROLE'.");
        out.flush();
        return ExitCodes.OK;
      }
      String format = "%-26s  %-8s  %-12s  %-7s  %-20s  %-20s  %s%n";
      out.printf(format, "ID", "ROLE", "TENANT", "STATUS", "CREATED", "LAST USED", "NAME");
      for (ApiKey k : keys) {
        out.printf(format, k.shortId(), k.role().apiName(), k.tenant() == null ? "-" : k.tenant(),
            k.revoked() ? "revoked" : "valid", seconds(k.createdAt()), seconds(k.lastUsedAt()), k.name());
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static String seconds(Instant instant) {
      return instant == null ? "-" : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Revokes an API key: the server refuses it from the next request on.")
  static final class Revoke implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id as 'gantry keys list' shows it (or its UUID).")
    private String id;

    @Mixin
    private SchemaOption schema;

    Revoke(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      UUID uuid = parseId(id).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "ID must be a key id as 'gantry keys list' shows it (26 characters) or its UUID, got: " + id));
      Revocation r = withKeys(environment, schema.schema, keys -> keys.revoke(uuid));
      PrintWriter out = spec.commandLine().getOut();
      out.println(r.alreadyRevoked()
          ? "API key " + r.key().shortId() + " (" + r.key().name() + ") was already revoked at " + r.key().revokedAt() + "."
          : "API key " + r.key().shortId() + " (" + r.key().name() + ") revoked.");
      out.flush();
      return ExitCodes.OK;
    }

    static Optional<UUID> parseId(String text) {
      Optional<UUID> shortId = ApiKeyToken.decodeId(text);
      if (shortId.isPresent()) {
        return shortId;
      }
      try {
        return text.length() == 36 ? Optional.of(UUID.fromString(text)) : Optional.empty();
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  @Command(name = "webhook-secret", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      header = "Shows an API key's webhook signing secret, or replaces it with a new one (--rotate).",
      description = {
          "Deliveries of the webhooks of jobs, batches and workflows enqueued with the key are signed with this "
              + "secret: Gantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">, keyed with the "
              + "secret's UTF-8 bytes. After --rotate every delivery is signed with the new secret from its next "
              + "attempt on, pending ones too: give the receivers the new secret first.",
          ""})
  static final class WebhookSecret implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id as 'gantry keys list' shows it (or its UUID).")
    private String id;

    @Option(names = "--rotate", description = "Replace the secret with a new random one, and print that.")
    private boolean rotate;

    @Option(names = "--json", description = "Print the key and its secret as JSON.")
    private boolean json;

    @Mixin
    private SchemaOption schema;

    WebhookSecret(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public Integer call() {
      UUID uuid = Revoke.parseId(id).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "ID must be a key id as 'gantry keys list' shows it (26 characters) or its UUID, got: " + id));
      KeyWithSecret k = withKeys(environment, schema.schema,
          keys -> rotate ? keys.rotateWebhookSecret(uuid) : keys.withWebhookSecret(uuid));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = json(k.key());
        o.put("webhook_secret", k.webhookSecret());
        o.put("rotated", rotate);
        printJson(out, o);
        return ExitCodes.OK;
      }
      out.println(k.webhookSecret());
      out.println();
      out.println(rotate
          ? "The webhook signing secret of API key " + k.key().shortId() + " (" + k.key().name() + ") was replaced:"
              + " every delivery of its webhooks is signed with this one from its next attempt on."
          : "The webhook signing secret of API key " + k.key().shortId() + " (" + k.key().name() + "): deliveries of"
              + " the webhooks of jobs, batches and workflows it enqueues are signed with it.");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
