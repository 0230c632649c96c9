package dev.gantry.sqlapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.internal.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/** Calls the SQL API the way any PostgreSQL client would: plain statements, JSON as text. */
record SqlApi(String schema) {
  UUID enqueue(Connection c, String kind, String args, String options) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + schema + ".enqueue(?, ?::jsonb, ?::jsonb)")) {
      ps.setString(1, kind);
      ps.setString(2, args);
      ps.setString(3, options);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  UUID enqueue(DataSource dataSource, String kind, String args, String options) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return enqueue(c, kind, args, options);
    }
  }

  /** The job's status as the function returns it; null when it returns NULL. */
  JsonNode status(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + schema + ".job_status(?)")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Json.read(Json.defaultMapper(), rs.getString(1));
      }
    }
  }

  JsonNode status(DataSource dataSource, UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return status(c, id);
    }
  }
}
