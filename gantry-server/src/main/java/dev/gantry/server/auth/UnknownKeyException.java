package dev.gantry.server.auth;

/** No API key has this id. */
public class UnknownKeyException extends RuntimeException {
  public UnknownKeyException(String id) {
    super("no API key with id " + id + " (see 'gantry keys list')");
  }
}
