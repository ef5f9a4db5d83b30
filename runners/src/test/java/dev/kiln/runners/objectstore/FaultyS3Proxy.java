package dev.kiln.runners.objectstore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP relay in front of a real {@link S3ProxyServer} that turns chosen requests into
 * faults, so a test can hit an exact moment of a run: kill the server when a request for a key
 * arrives (before it is forwarded), or answer a number of them {@code 503 SlowDown} as a throttled
 * S3 would. Everything else goes to the server unchanged. Requests on a connection come one after
 * another (HTTP/1.1 without pipelining), so the relay reads each request's head and {@code
 * Content-Length} body before it looks at the next; responses are copied through as they come.
 *
 * <p>A real server cannot be made to throttle or crash at a chosen request; the server behind the
 * relay is real and really killed. The relay also counts the requests it sees ({@link #requests}),
 * for tests of how many a run sends.
 */
public final class FaultyS3Proxy implements AutoCloseable {
  /**
   * A request that the relay acts on: its method and a prefix of its path ({@code /bucket/key}).
   */
  private record Rule(String method, String pathPrefix, AtomicInteger remaining, boolean kill) {
    boolean matches(String m, String path) {
      return method.equals(m) && path.startsWith(pathPrefix) && remaining.get() > 0;
    }
  }

  private final S3ProxyServer server;
  private final ServerSocket listener;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttled = new AtomicInteger();
  private volatile boolean killed;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  /** Starts relaying to {@code server} on a free loopback port. */
  public FaultyS3Proxy(S3ProxyServer server) throws IOException {
    this.server = server;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "faulty-s3-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /**
   * Kills the server when the first {@code method} request for a path below {@code pathPrefix}
   * arrives.
   */
  public FaultyS3Proxy killOn(String method, String pathPrefix) {
    rules.add(new Rule(method, pathPrefix, new AtomicInteger(1), true));
    return this;
  }

  /** Answers the first {@code times} matching requests with HTTP 503 SlowDown. */
  public FaultyS3Proxy throttle(String method, String pathPrefix, int times) {
    rules.add(new Rule(method, pathPrefix, new AtomicInteger(times), false));
    return this;
  }

  /** The kiln flag that sends a run through this relay. */
  public String endpointFlag() {
    return "--endpoint=http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Whether a kill rule fired. */
  public boolean killed() {
    return killed;
  }

  /** How many {@code method} requests for a path below {@code pathPrefix} the relay has seen. */
  public long requests(String method, String pathPrefix) {
    return seen.stream().filter(r -> r.startsWith(method + " " + pathPrefix)).count();
  }

  /** Every request seen, as its method and path, in order. */
  public List<String> requests() {
    return List.copyOf(seen);
  }

  /** How many requests were answered 503. */
  public int throttled() {
    return throttled.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        Thread t = new Thread(() -> relay(client), "faulty-s3-relay");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client;
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      open.add(upstream);
      Thread back = new Thread(() -> copy(upstream, client), "faulty-s3-back");
      back.setDaemon(true);
      back.start();
      InputStream in = client.getInputStream();
      OutputStream up = upstream.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
        seen.add(requestLine[0] + " " + requestLine[1]);
        Rule rule = match(requestLine[0], requestLine[1]);
        if (rule != null && rule.kill()) {
          killed = true;
          server.kill();
          close(); // later connections are refused, as by a dead host
          return;
        }
        if (rule != null) {
          throttled.incrementAndGet();
          byte[] body =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                      + "<Message>Please reduce your request rate.</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          OutputStream down = client.getOutputStream();
          down.write(
              ("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          down.write(body);
          down.flush();
          return;
        }
        up.write(head);
        long length = contentLength(text);
        copyBody(in, up, length);
        up.flush();
      }
    } catch (IOException | InterruptedException e) {
      // A connection the client or the relay closed: nothing to pass on.
    }
  }

  private synchronized Rule match(String method, String path) {
    for (Rule r : rules) {
      if (r.matches(method, path)) {
        r.remaining().decrementAndGet();
        return r;
      }
    }
    return null;
  }

  private static long contentLength(String head) throws IOException {
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        throw new IOException("chunked request bodies are not relayed: " + head);
      }
      if (lower.startsWith("content-length:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  /** The request head up to and including the blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // One side closed.
    } finally {
      try {
        to.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  /** Passes on exactly {@code length} bytes of the request body. */
  private static void copyBody(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("request body ended " + left + " bytes early");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Already closed.
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }
}
