package dev.gantry.schema;

/** One numbered schema change, as shipped in {@code dev/gantry/schema/migrations/V###__name.sql}. */
public record Migration(int version, String name, String sql) {}
