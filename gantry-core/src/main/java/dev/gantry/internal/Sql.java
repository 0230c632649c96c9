package dev.gantry.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Loads SQL statements from {@code dev/gantry/sql/*.sql} resources and fills in the schema name.
 * The schema name is the only text substituted into SQL; it is validated as a plain identifier,
 * everything else is a bound parameter.
 */
public final class Sql {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,40}");
  /**
   * PostgreSQL's reserved key words (pg_get_keywords() categories R and T, as of PostgreSQL 18):
   * the schema name is never quoted, and these cannot stand unquoted where it is used.
   */
  private static final Set<String> RESERVED = Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
      "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
      "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
      "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
      "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
      "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
      "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing",
      "primary", "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric",
      "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using",
      "variadic", "verbose", "when", "where", "window", "with");

  private final String schema;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  public Sql(String schema) {
    this.schema = requireIdentifier(schema);
  }

  /**
   * Validates a schema name: lower-case letters, digits and underscores, not starting with a digit,
   * and not a reserved key word.
   */
  public static String requireIdentifier(String schema) {
    if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be a plain lower-case identifier such as 'gantry' (letters, digits, _; at most 41 characters), got: "
              + schema);
    }
    if (RESERVED.contains(schema)) {
      throw new IllegalArgumentException("schema must not be a reserved SQL key word, got: " + schema);
    }
    return schema;
  }

  public String schema() {
    return schema;
  }

  /** The statement in {@code dev/gantry/sql/NAME.sql}, with the schema filled in. */
  public String get(String name) {
    return cache.computeIfAbsent(name, n -> render(readResource("/dev/gantry/sql/" + n + ".sql")));
  }

  public String render(String text) {
    return text.replace("${schema}", schema);
  }

  public static String readResource(String path) {
    try (InputStream in = Sql.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
