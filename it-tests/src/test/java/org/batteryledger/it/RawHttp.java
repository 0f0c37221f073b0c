package org.batteryledger.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends (Java's HttpClient refuses or repairs
 * malformed headers, odd methods and targets): the request goes out byte for byte, the answer comes back whole.
 */
public final class RawHttp {
    /** An answer: status, headers (names in lower case, the last of each), body (de-chunked). */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    private RawHttp() {
    }

    /**
     * A request: request line, {@code Host}, {@code Connection: close}, {@code Content-Length} of the body unless
     * the headers name one, then the given headers in order.
     */
    public static byte[] request(int port, String method, String target, Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\nConnection: close\r\n");
        if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Length") || h.equalsIgnoreCase("Transfer-Encoding"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static Answer send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException cutOff) {
                // a server may answer and close before it read the whole body (a 4xx for what the headers said): read it
                byte[] early = socket.getInputStream().readAllBytes();
                if (early.length == 0) {
                    throw cutOff;
                }
                return parse(early);
            }
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    static Answer parse(byte[] raw) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        // interim answers (100 Continue) come before the final one
        while (end > 0 && raw.length > 12 && raw[9] == '1' && new String(raw, 0, 9, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 ")) {
            raw = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
            end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        }
        if (end < 0) {
            throw new IOException("no HTTP answer: " + new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + lines[0]);
        }
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(status[1]), headers, body);
    }

    private static byte[] dechunk(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < b.length) {
            int eol = indexOf(b, "\r\n".getBytes(StandardCharsets.US_ASCII), at);
            if (eol < 0) {
                throw new IOException("a chunk without its size line");
            }
            int size = Integer.parseInt(new String(b, at, eol - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(b, eol + 2, size);
            at = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
