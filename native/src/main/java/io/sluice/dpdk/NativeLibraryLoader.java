package io.sluice.dpdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds and loads {@code libsluice_dpdk.so} once per process.
 * <p>
 * The system property {@value #LIBRARY_PATH_PROP_NAME}, when set, names the library file. Otherwise
 * the library is the classpath resource {@value #LIBRARY_RESOURCE}: loaded in place when it is a
 * plain file (a Maven build's {@code target/classes}), or copied to a temporary file first when it
 * sits inside a jar, because {@code dlopen} needs a path.
 */
final class NativeLibraryLoader
{
    /** System property naming the shim library file, overriding the classpath resource. */
    static final String LIBRARY_PATH_PROP_NAME = "sluice.native.lib";

    /** Where the Maven build puts the shim on the classpath. */
    static final String LIBRARY_RESOURCE = "/io/sluice/dpdk/native/libsluice_dpdk.so";

    private NativeLibraryLoader()
    {
    }

    /**
     * Loads the shim for the life of the process.
     *
     * @return the symbols of the shim.
     */
    @SuppressWarnings("restricted")
    static SymbolLookup load()
    {
        final Path library = resolve();
        try
        {
            return SymbolLookup.libraryLookup(library, Arena.global());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(
                "cannot load the Sluice DPDK shim " + library + ": " + ex.getMessage() +
                " (is DPDK 22.11 installed? apt-get install dpdk libdpdk-dev)", ex);
        }
    }

    /**
     * Where the shim is: the system property's file, the classpath file, or a temporary copy.
     *
     * @return the library path.
     */
    static Path resolve()
    {
        final String configured = System.getProperty(LIBRARY_PATH_PROP_NAME);
        if (null != configured && !configured.isBlank())
        {
            final Path path = Path.of(configured);
            if (!Files.isRegularFile(path))
            {
                throw new IllegalStateException(
                    "-D" + LIBRARY_PATH_PROP_NAME + "=" + configured + " does not name a readable file");
            }
            return path;
        }

        final URL resource = NativeLibraryLoader.class.getResource(LIBRARY_RESOURCE);
        if (null == resource)
        {
            throw new IllegalStateException(
                "the Sluice DPDK shim " + LIBRARY_RESOURCE + " is not on the classpath: build the native module " +
                "(it compiles the shim with gcc and pkg-config libdpdk) or set -D" + LIBRARY_PATH_PROP_NAME);
        }
        if ("file".equals(resource.getProtocol()))
        {
            try
            {
                return Path.of(resource.toURI());
            }
            catch (final URISyntaxException ex)
            {
                throw new IllegalStateException("cannot turn " + resource + " into a path", ex);
            }
        }
        return extract(resource);
    }

    /**
     * Copies the library out of a jar (or any URL) into a temporary file deleted at exit.
     *
     * @param resource where the library is.
     * @return the copy.
     */
    static Path extract(final URL resource)
    {
        try (InputStream in = resource.openStream())
        {
            final Path copy = Files.createTempFile("libsluice_dpdk", ".so");
            copy.toFile().deleteOnExit();
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot extract the Sluice DPDK shim from " + resource, ex);
        }
    }
}
