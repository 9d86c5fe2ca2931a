package io.sluice.lab;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LabTransfer} and {@link LabBytes} against the real {@code backend/BackendServer.java},
 * started here on this host's loopback (its own free ports, with the JDK's source launcher, as the
 * lab would without {@code javac}): both copies of the byte sequence agree, downloads and uploads
 * are checked, and a second HTTP port serves like the first. Needs no lab and no root.
 */
class LabTransferTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final String NAME = "local";
    private static final long ODD_LENGTH = 1_000_003;

    private static Process server;
    private static int firstPort;
    private static int secondPort;

    @BeforeAll
    static void startBackendServer() throws Exception
    {
        final int[] ports = freePorts(3);
        firstPort = ports[0];
        secondPort = ports[1];
        final Path source = LabScript.locate().script().getParent().resolve("backend").resolve("BackendServer.java");
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", source.toString(),
            "--name", NAME, "--http-port", firstPort + "," + secondPort, "--udp-port", Integer.toString(ports[2]))
            .redirectErrorStream(true).start();
        final CompletableFuture<String> ready = CompletableFuture.supplyAsync(LabTransferTest::readyLine);
        final String line = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(line.startsWith(NAME + " ready: HTTP on ports " + firstPort + "," + secondPort), line);
    }

    @AfterAll
    static void stopBackendServer() throws InterruptedException
    {
        if (server != null)
        {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS))
            {
                server.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void shouldGiveTheBytesTheBackendServerSendsWhenSeededByTheLength()
    {
        // What curl http://127.0.0.1:PORT/bytes/16 | xxd showed from BackendServer.
        assertEquals("35399855eb52dbb007e4152a1ff062b3", HexFormat.of().formatHex(bytes(16, 16)));
        assertFalse(Arrays.equals(bytes(16, 16), bytes(17, 16)), "the length seeds the sequence");
    }

    @Test
    void shouldGiveTheSameBytesWhenFilledInPiecesOfAnyLength()
    {
        final byte[] whole = bytes(1000, 1000);
        final byte[] pieces = new byte[1000];
        final LabBytes sequence = new LabBytes(1000);
        for (int offset = 0, piece = 1; offset < pieces.length; offset += piece, piece++)
        {
            sequence.fill(pieces, offset, Math.min(piece, pieces.length - offset));
        }
        assertArrayEquals(whole, pieces);
    }

    @Test
    void shouldReceiveEveryByteWhenDownloadingFromTheBackendServer() throws IOException
    {
        assertTransfers(LabTransfer::download, firstPort, 0, 7, ODD_LENGTH);
    }

    @Test
    void shouldGetTheDigestOfWhatWasSentWhenUploadingToTheBackendServer() throws IOException
    {
        assertTransfers(LabTransfer::upload, secondPort, 0, ODD_LENGTH);
    }

    @Test
    void shouldAnswerWithItsNameOnEveryPortWhenGivenAList() throws IOException
    {
        for (final int port : new int[]{firstPort, secondPort})
        {
            final VipClient.Answer answer = VipClient.request(LOOPBACK, port, TIMEOUT);
            assertEquals(NAME, answer.backend());
            assertEquals("127.0.0.1:" + answer.localPort(), answer.client());
        }
    }

    @Test
    void shouldRefuseADownloadWhenTheLengthIsOverTheLimit()
    {
        final IOException refused = assertThrows(IOException.class, () -> LabTransfer.download(LOOPBACK, firstPort, (1L << 30) + 1, TIMEOUT));
        assertTrue(refused.getMessage().contains("status=400"), refused.getMessage());
    }

    @Test
    void shouldNameTheFirstWrongByteWhenADownloadDiffers()
    {
        final byte[] body = bytes(100_000, 100_000);
        body[70_001] ^= 0x10;
        final IOException wrong = assertThrows(IOException.class, () -> LabTransfer.expectSequence(new ByteArrayInputStream(body), 100_000));
        assertTrue(wrong.getMessage().startsWith("byte 70001 of 100000 is "), wrong.getMessage());

        final byte[] intact = bytes(100_000, 100_000);
        final IOException shorter = assertThrows(EOFException.class,
            () -> LabTransfer.expectSequence(new ByteArrayInputStream(intact, 0, 99_999), 100_000));
        assertTrue(shorter.getMessage().contains("after 99999 of 100000 bytes"), shorter.getMessage());
        final byte[] longer = Arrays.copyOf(intact, 100_001);
        assertThrows(IOException.class, () -> LabTransfer.expectSequence(new ByteArrayInputStream(longer), 100_000));
    }

    /** A download or an upload. */
    @FunctionalInterface
    private interface Transfer
    {
        LabTransfer.Result run(InetAddress address, int port, long length, Duration timeout) throws IOException;
    }

    private static void assertTransfers(final Transfer transfer, final int port, final long... lengths) throws IOException
    {
        for (final long length : lengths)
        {
            final LabTransfer.Result result = transfer.run(LOOPBACK, port, length, TIMEOUT);
            assertEquals(NAME, result.backend());
            assertTrue(result.client().startsWith("127.0.0.1:"), result.client());
            assertEquals(length, result.bytes());
        }
    }

    private static byte[] bytes(final long seedLength, final int count)
    {
        final byte[] bytes = new byte[count];
        new LabBytes(seedLength).fill(bytes, 0, count);
        return bytes;
    }

    private static String readyLine()
    {
        try
        {
            final BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            final StringBuilder seen = new StringBuilder();
            for (String line = output.readLine(); line != null; line = output.readLine())
            {
                if (line.contains(" ready: "))
                {
                    Thread.ofPlatform().daemon().start(() -> drain(output));
                    return line;
                }
                seen.append(line).append('\n');
            }
            throw new IllegalStateException("BackendServer exited before it was ready: " + seen);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read BackendServer's output", ex);
        }
    }

    private static void drain(final BufferedReader output)
    {
        try
        {
            while (output.readLine() != null)
            {
                continue;
            }
        }
        catch (final IOException ex)
        {
            return;
        }
    }

    /** Ports free now, all different (held open together while they are chosen). */
    private static int[] freePorts(final int count) throws IOException
    {
        final ServerSocket[] sockets = new ServerSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        finally
        {
            for (final ServerSocket socket : sockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
    }
}
