package io.sluice.dpdk;

import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the shim is found; loading it is covered by every DPDK test.
 */
class NativeLibraryLoaderTest
{
    @TempDir
    Path directory;

    @AfterEach
    void clearProperty()
    {
        System.clearProperty(NativeLibraryLoader.LIBRARY_PATH_PROP_NAME);
    }

    @Test
    void shouldUseClasspathFileWhenNoPropertyIsSet()
    {
        final Path library = NativeLibraryLoader.resolve();

        assertTrue(library.endsWith(Path.of("io", "sluice", "dpdk", "native", "libsluice_dpdk.so")), library.toString());
        assertTrue(Files.isRegularFile(library));
    }

    @Test
    void shouldUseNamedFileWhenPropertyIsSet() throws Exception
    {
        final Path library = Files.write(directory.resolve("libcustom.so"), new byte[] {1, 2, 3});
        System.setProperty(NativeLibraryLoader.LIBRARY_PATH_PROP_NAME, library.toString());

        assertEquals(library, NativeLibraryLoader.resolve());
    }

    @Test
    void shouldNamePropertyWhenItsFileIsMissing()
    {
        System.setProperty(NativeLibraryLoader.LIBRARY_PATH_PROP_NAME, "/nonexistent/libsluice_dpdk.so");

        final IllegalStateException ex = assertThrows(IllegalStateException.class, NativeLibraryLoader::resolve);

        assertEquals(
            "-Dsluice.native.lib=/nonexistent/libsluice_dpdk.so does not name a readable file", ex.getMessage());
    }

    @Test
    void shouldCopyLibraryToTemporaryFileWhenItIsInsideJar() throws Exception
    {
        final byte[] contents = {0x7F, 'E', 'L', 'F', 42};
        final Path jar = directory.resolve("sluice-native.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file))
        {
            out.putNextEntry(new JarEntry(NativeLibraryLoader.LIBRARY_RESOURCE.substring(1)));
            out.write(contents);
            out.closeEntry();
        }
        final URL resource = URI.create("jar:" + jar.toUri() + "!" + NativeLibraryLoader.LIBRARY_RESOURCE).toURL();

        final Path copy = NativeLibraryLoader.extract(resource);

        assertNotEquals(jar, copy);
        assertTrue(copy.getFileName().toString().endsWith(".so"), copy.toString());
        assertArrayEquals(contents, Files.readAllBytes(copy));
        Files.delete(copy);
    }
}
