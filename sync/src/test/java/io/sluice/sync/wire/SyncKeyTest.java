package io.sluice.sync.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading the shared key from a file, and refusing the files it must refuse.
 */
class SyncKeyTest
{
    private static final String HEX = HexFormat.of().formatHex(WireFixtures.KEY_BYTES);

    @TempDir
    Path directory;

    private Path keyFile(final String text, final String mode) throws IOException
    {
        final Path file = directory.resolve("sync.key");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String refusal(final Path file)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> SyncKey.load(file));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertFalse(ex.getMessage().contains(HEX.substring(0, 16)), "the key leaked: " + ex.getMessage());
        return ex.getMessage();
    }

    @Test
    void shouldLoadTheKeyOpensslWritesWithSurroundingWhitespace() throws IOException
    {
        final SyncKey key = SyncKey.load(keyFile("  " + HEX.toUpperCase() + "\n\n", "rw-------"));

        assertEquals(32, key.length());
        assertEquals(WireFixtures.KEY.fingerprint(), key.fingerprint());
        assertNotEquals(WireFixtures.OTHER_KEY.fingerprint(), key.fingerprint());
    }

    @Test
    void shouldLoadAKeyFileItsGroupMayRead() throws IOException
    {
        assertEquals(WireFixtures.KEY.fingerprint(), SyncKey.load(keyFile(HEX, "r--r-----")).fingerprint());
    }

    @Test
    void shouldSignWithTheKeyOfTheFile() throws IOException
    {
        final SyncKey key = SyncKey.load(keyFile(HEX + "\n", "rw-------"));
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[128]);
        final int length = new SyncMessageWriter(key).writeHello(buffer, 0, 1, 1, 1, 1, true);
        final byte[] expected = WireFixtures.tag(buffer, 0, length - 16, WireFixtures.KEY_BYTES);
        for (int i = 0; i < 16; i++)
        {
            assertEquals(expected[i], buffer.getByte(length - 16 + i));
        }
    }

    @Test
    void shouldRefuseAKeyFileOthersMayRead() throws IOException
    {
        final String message = refusal(keyFile(HEX, "rw-r--r--"));
        assertTrue(message.contains("readable by others") && message.contains("chmod 600"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw--w----", "rw-----w-", "rw-rw-rw-"})
    void shouldRefuseAKeyFileGroupOrOthersMayWrite(final String mode) throws IOException
    {
        final String message = refusal(keyFile(HEX, mode));
        assertTrue(message.contains("chmod 600"), message);
    }

    @Test
    void shouldRefuseAMissingKeyFile()
    {
        final String message = refusal(directory.resolve("absent.key"));
        assertTrue(message.contains("does not exist") && message.contains("openssl rand -hex 32"), message);
    }

    @Test
    void shouldRefuseADirectory() throws IOException
    {
        final Path dir = Files.createDirectory(directory.resolve("key.d"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertTrue(refusal(dir).contains("not a regular file"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " \n\t "})
    void shouldRefuseAnEmptyKeyFile(final String text) throws IOException
    {
        assertTrue(refusal(keyFile(text, "rw-------")).contains("is empty"));
    }

    @Test
    void shouldRefuseTextThatIsNotHex() throws IOException
    {
        assertTrue(refusal(keyFile("zz" + HEX.substring(2), "rw-------")).contains("hex"));
        assertTrue(refusal(keyFile(HEX + "a", "rw-------")).contains("hex"), "odd number of digits");
        assertTrue(refusal(keyFile(HEX.substring(0, 32) + " " + HEX.substring(32), "rw-------")).contains("hex"));
    }

    @Test
    void shouldRefuseAKeyShorterThan32Bytes() throws IOException
    {
        final String message = refusal(keyFile(HEX.substring(0, 62), "rw-------"));
        assertTrue(message.contains("31 bytes") && message.contains("openssl rand -hex 32"), message);
        assertThrows(IllegalArgumentException.class, () -> SyncKey.of(new byte[31]));
    }

    @Test
    void shouldNeverShowTheKey() throws IOException
    {
        final SyncKey key = SyncKey.load(keyFile(HEX, "rw-------"));
        assertFalse(key.toString().toLowerCase().contains(HEX.substring(0, 8)), key.toString());
        assertTrue(key.toString().contains(key.fingerprint()));
        assertEquals(16, key.fingerprint().length());
    }
}
