package io.sluice.lab;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Bulk transfers against the lab's backend servers, each on a new TCP connection closed after the
 * answer: a download of {@code GET /bytes/N} checked byte for byte against {@link LabBytes}, and an
 * upload of N bytes of {@link LabBytes} to {@code POST /sha256} checked against the SHA-256 the
 * backend answers. Neither holds the data in memory, so N may be 100 MB. A transfer that does not
 * arrive intact throws, naming the first wrong byte or the digests; a {@link Result} means it did.
 * <p>
 * The {@code from} methods run in a lab namespace (normally the client's, to a VIP), the others on
 * the calling thread's namespace (a backend started on this host).
 */
final class LabTransfer
{
    private static final int CHUNK_LENGTH = 64 * 1024;

    /**
     * One transfer that arrived intact.
     *
     * @param backend  the backend that answered ({@code X-Backend}).
     * @param client   the client address and port the backend saw ({@code X-Client}): the real
     *                 client in {@code dsr} and {@code nat} modes, an LB address in {@code fullnat}.
     * @param bytes    the bytes transferred (the body, without HTTP headers).
     * @param duration from the start of the connect to the last byte of the answer.
     */
    record Result(String backend, String client, long bytes, Duration duration)
    {
        /** @return the rate in megabytes (10^6 bytes) per second. */
        double megabytesPerSecond()
        {
            return bytes / 1e6 / Math.max(1e-9, duration.toNanos() / 1e9);
        }
    }

    private LabTransfer()
    {
    }

    /**
     * Downloads N bytes from inside a lab namespace.
     *
     * @param namespace where the client socket lives, e.g. {@link LabTopology#CLIENT_NAMESPACE}.
     * @param address   the server's address literal (a VIP or a backend's address).
     * @param port      the server's port.
     * @param length    N.
     * @param timeout   connect timeout, and the longest wait for any read.
     * @return the verified transfer.
     * @throws Exception when the namespace cannot be entered, or the download fails or differs.
     */
    static Result downloadFrom(final String namespace, final String address, final int port, final long length, final Duration timeout)
        throws Exception
    {
        return NetworkNamespace.call(namespace, () -> download(InetAddress.ofLiteral(address), port, length, timeout));
    }

    /**
     * Uploads N bytes from inside a lab namespace.
     *
     * @param namespace where the client socket lives.
     * @param address   the server's address literal.
     * @param port      the server's port.
     * @param length    N.
     * @param timeout   connect timeout, and the longest wait for any read.
     * @return the verified transfer.
     * @throws Exception when the namespace cannot be entered, or the upload fails or the digest differs.
     */
    static Result uploadFrom(final String namespace, final String address, final int port, final long length, final Duration timeout)
        throws Exception
    {
        return NetworkNamespace.call(namespace, () -> upload(InetAddress.ofLiteral(address), port, length, timeout));
    }

    /**
     * Downloads N bytes from this thread's namespace and checks every byte.
     *
     * @param address the server.
     * @param port    its port.
     * @param length  N.
     * @param timeout connect timeout, and the longest wait for any read.
     * @return the verified transfer.
     * @throws IOException when the connection fails, the answer is not a 200 of N bytes, or a byte differs.
     */
    static Result download(final InetAddress address, final int port, final long length, final Duration timeout) throws IOException
    {
        final long startNs = System.nanoTime();
        try (Socket socket = connect(address, port, timeout))
        {
            final OutputStream output = socket.getOutputStream();
            output.write(("GET /bytes/" + length + " HTTP/1.1\r\nHost: " + host(address) + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            output.flush();
            final InputStream input = new BufferedInputStream(socket.getInputStream(), CHUNK_LENGTH);
            final LabHttpConnection.Head head = answer(input, length);
            expectSequence(input, length);
            return result(head, length, startNs);
        }
        catch (final IOException ex)
        {
            throw new IOException("download of " + length + " bytes from " + host(address) + ":" + port + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Uploads N bytes of {@link LabBytes} from this thread's namespace and checks the SHA-256 the server answers.
     *
     * @param address the server.
     * @param port    its port.
     * @param length  N.
     * @param timeout connect timeout, and the longest wait for any read.
     * @return the verified transfer.
     * @throws IOException when the connection fails, or the server's digest or length differs.
     */
    static Result upload(final InetAddress address, final int port, final long length, final Duration timeout) throws IOException
    {
        final long startNs = System.nanoTime();
        try (Socket socket = connect(address, port, timeout))
        {
            final OutputStream output = socket.getOutputStream();
            output.write(("POST /sha256 HTTP/1.1\r\nHost: " + host(address) + "\r\nContent-Type: application/octet-stream\r\n" +
                "Content-Length: " + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final MessageDigest sha256 = sha256();
            final LabBytes bytes = new LabBytes(length);
            final byte[] chunk = new byte[CHUNK_LENGTH];
            for (long left = length; left > 0; )
            {
                final int count = (int)Math.min(left, chunk.length);
                bytes.fill(chunk, 0, count);
                sha256.update(chunk, 0, count);
                output.write(chunk, 0, count);
                left -= count;
            }
            output.flush();
            final InputStream input = new BufferedInputStream(socket.getInputStream());
            final LabHttpConnection.Head head = answer(input, -1);
            final String expected = HexFormat.of().formatHex(sha256.digest());
            final String answered = new String(input.readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!expected.equals(answered) || !Long.toString(length).equals(head.headers().get("x-body-length")))
            {
                throw new IOException("sent " + length + " bytes with SHA-256 " + expected + ", the server read " +
                    head.headers().get("x-body-length") + " bytes with SHA-256 " + answered);
            }
            return result(head, length, startNs);
        }
        catch (final IOException ex)
        {
            throw new IOException("upload of " + length + " bytes to " + host(address) + ":" + port + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads N bytes and compares them with {@link LabBytes} of N.
     *
     * @param body   the bytes received.
     * @param length N.
     * @throws IOException naming the first byte that differs, or how many came when the stream ends
     *                     early; also when bytes follow the N-th.
     */
    static void expectSequence(final InputStream body, final long length) throws IOException
    {
        final LabBytes bytes = new LabBytes(length);
        final byte[] expected = new byte[CHUNK_LENGTH];
        final byte[] received = new byte[CHUNK_LENGTH];
        for (long offset = 0; offset < length; )
        {
            final int count = (int)Math.min(length - offset, CHUNK_LENGTH);
            final int read = body.readNBytes(received, 0, count);
            bytes.fill(expected, 0, count);
            final int mismatch = Arrays.mismatch(expected, 0, read, received, 0, read);
            if (mismatch >= 0)
            {
                throw new IOException(String.format("byte %d of %d is 0x%02x, not 0x%02x",
                    offset + mismatch, length, received[mismatch] & 0xFF, expected[mismatch] & 0xFF));
            }
            if (read < count)
            {
                throw new EOFException("the body ended after " + (offset + read) + " of " + length + " bytes");
            }
            offset += count;
        }
        if (body.read() >= 0)
        {
            throw new IOException("more than " + length + " bytes came");
        }
    }

    private static Socket connect(final InetAddress address, final int port, final Duration timeout) throws IOException
    {
        final int timeoutMs = Math.toIntExact(timeout.toMillis());
        final Socket socket = new Socket();
        try
        {
            socket.setSoTimeout(timeoutMs);
            socket.connect(new InetSocketAddress(address, port), timeoutMs);
            return socket;
        }
        catch (final IOException ex)
        {
            socket.close();
            throw ex;
        }
    }

    /** Reads a 200 answer's head, checking its length (when {@code length} is not negative) and its X-Backend. */
    private static LabHttpConnection.Head answer(final InputStream input, final long length) throws IOException
    {
        final LabHttpConnection.Head head = LabHttpConnection.readHead(input);
        if (head.status() != 200 || head.headers().get("x-backend") == null)
        {
            throw new IOException("not a 200 answer from a lab backend: " + head);
        }
        if (length >= 0 && !Long.toString(length).equals(head.headers().get("content-length")))
        {
            throw new IOException("Content-Length " + head.headers().get("content-length") + ", not " + length);
        }
        return head;
    }

    private static Result result(final LabHttpConnection.Head head, final long length, final long startNs)
    {
        return new Result(head.headers().get("x-backend"), head.headers().get("x-client"), length,
            Duration.ofNanos(System.nanoTime() - startNs));
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("the JDK has no SHA-256", ex);
        }
    }

    private static String host(final InetAddress address)
    {
        return address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }
}
