package io.tidemark.daemon.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client on a plain socket, for requests no well-behaved HTTP client would send: cut short, trickled,
 * announcing bodies it never sends, with raw NUL escapes. One connection per instance.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;

  RawHttp(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} as ISO-8859-1 bytes; false when the server has already closed the connection. */
  boolean send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  boolean send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads until the server closes the connection (or resets it) or {@code timeoutMs} pass; the answer is
   * whatever arrived. {@link Answer#closed()} says whether the server closed the connection in that time.
   */
  Answer readUntilClosed(long timeoutMs) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    boolean closed = false;
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (n < 0) {
          closed = true;
          break;
        }
        got.write(buf, 0, n);
      }
    } catch (IOException e) {
      closed = true; // reset by the server
    }
    return Answer.parse(got.toString(StandardCharsets.ISO_8859_1), closed);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // the server closed it first
    }
  }

  /** A raw answer: status 0 when nothing (or no status line) arrived. Header names in lower case. */
  record Answer(int status, Map<String, String> headers, String body, boolean closed) {
    static Answer parse(String raw, boolean closed) {
      int end = raw.indexOf("\r\n\r\n");
      if (!raw.startsWith("HTTP/1.") || end < 0) {
        return new Answer(0, Map.of(), raw, closed);
      }
      String[] lines = raw.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(end + 4), closed);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }
}
