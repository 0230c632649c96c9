package dev.gantry.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a free local port to another address, so that a test can make a live database
 * unreachable: {@link #close()} closes the port and cuts every relayed connection, as a database
 * that went down or a network that failed would.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private TcpRelay(InetSocketAddress target) {
    this.target = target;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a local port for the relay", e);
    }
    Thread.ofVirtual().name("tcp-relay-accept").start(this::accept);
  }

  /** Starts relaying connections to {@code host:port}. */
  static TcpRelay to(String host, int port) {
    return new TcpRelay(new InetSocketAddress(host, port));
  }

  /** The local port clients connect to. */
  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException closed) {
        return;
      }
      sockets.add(client);
      try {
        Socket server = new Socket(target.getAddress(), target.getPort());
        sockets.add(server);
        Thread.ofVirtual().start(() -> pipe(client, server));
        Thread.ofVirtual().start(() -> pipe(server, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException cut) {
      // One side went away or the relay was closed: the other side is closed below.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException alreadyGone) {
      // nothing left to release
    }
  }

  /** Closes the port and every relayed connection. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException alreadyClosed) {
      // the port is closed either way
    }
    sockets.forEach(TcpRelay::closeQuietly);
  }
}
