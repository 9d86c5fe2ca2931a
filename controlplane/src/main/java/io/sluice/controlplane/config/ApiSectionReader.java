package io.sluice.controlplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.sluice.dataplane.service.IpAddress;

/**
 * Reads the {@code api:} section for {@link ConfigLoader}: the listen address, the TLS files and
 * the bearer token, each checked (files exist and are readable, the token is long enough) so that
 * a daemon never starts with an API it cannot open.
 */
final class ApiSectionReader
{
    /** The keys of {@code api:}. */
    static final List<String> API_KEYS = List.of("listen", "tls", "token", "tokenFile");
    /** The keys of {@code api.tls:}. */
    static final List<String> TLS_KEYS = List.of("cert", "key", "clientCa");
    /** The fewest characters of a bearer token. */
    static final int MIN_TOKEN_LENGTH = 16;

    private static final String LISTEN_FORM = "ADDRESS:PORT with an IP address literal and a port 0..65535, e.g. " +
        ApiSection.DEFAULT_LISTEN + " or [::1]:50051";
    private static final String TOKEN_FORM = "at least " + MIN_TOKEN_LENGTH +
        " visible ASCII characters, no spaces (e.g. from: openssl rand -hex 32)";
    private static final String PEM_FORM = "a readable PEM file";

    private final YamlReader reader;
    private final Path baseDirectory;

    ApiSectionReader(final YamlReader reader, final Path baseDirectory)
    {
        this.reader = reader;
        this.baseDirectory = baseDirectory;
    }

    ApiSection read(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("api", API_KEYS);
        if (section == null)
        {
            return null;
        }
        final String listen = section.get("listen", ApiSection.DEFAULT_LISTEN, ApiSectionReader::listen, LISTEN_FORM);
        final YamlReader.Section tls = section.section("tls", TLS_KEYS);
        final Path cert = tls == null ? null : tls.require("cert", this::readableFile, PEM_FORM + ": the server's certificate chain");
        final Path key = tls == null ? null : tls.require("key", this::readableFile, PEM_FORM + ": the server's PKCS#8 private key");
        final Path clientCa = tls == null ? null : tls.get("clientCa", null, this::readableFile,
            PEM_FORM + ": the CA certificates client certificates must chain to");
        final String inlineToken = section.get("token", null, ApiSectionReader::token, TOKEN_FORM);
        final Path tokenFile = section.get("tokenFile", null, this::readableFile, "a readable file holding the token");
        String token = inlineToken;
        if (tokenFile != null && section.has("token"))
        {
            reader.invalid(section.value("tokenFile"), section.pathOf("tokenFile"), YamlReader.display(section.value("tokenFile")),
                "omitted when token is given (one token)");
        }
        else if (tokenFile != null)
        {
            token = tokenFromFile(section, tokenFile);
        }
        if (listen == null || (tls != null && (cert == null || key == null)))
        {
            return null;
        }
        final int colon = listen.lastIndexOf(':');
        final String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        return new ApiSection(host, Integer.parseInt(listen.substring(colon + 1)), cert, key, clientCa, token, tokenFile);
    }

    private String tokenFromFile(final YamlReader.Section section, final Path tokenFile)
    {
        try
        {
            return token(Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            reader.invalid(section.value("tokenFile"), section.pathOf("tokenFile"), YamlReader.display(section.value("tokenFile")),
                "a file holding one token of " + TOKEN_FORM);
            return null;
        }
    }

    private Path readableFile(final String text)
    {
        final Path path = baseDirectory.resolve(text.strip()).normalize();
        if (text.isBlank() || !Files.isRegularFile(path) || !Files.isReadable(path))
        {
            throw new IllegalArgumentException(text);
        }
        return path;
    }

    /**
     * Checks a listen address.
     *
     * @param text e.g. {@code 127.0.0.1:50051} or {@code [::1]:0}.
     * @return the text, stripped.
     */
    static String listen(final String text)
    {
        final String listen = text.strip();
        final int colon = listen.lastIndexOf(':');
        if (colon <= 0 || !listen.substring(colon + 1).matches("[0-9]{1,5}") || Integer.parseInt(listen.substring(colon + 1)) > 65535)
        {
            throw new IllegalArgumentException(text);
        }
        final String host = listen.substring(0, colon);
        final boolean bracketed = host.startsWith("[") && host.endsWith("]");
        final IpAddress address = IpAddress.parse(bracketed ? host.substring(1, host.length() - 1) : host);
        if (address.ipv6() != bracketed)
        {
            throw new IllegalArgumentException(text);
        }
        return listen;
    }

    /**
     * Checks a bearer token.
     *
     * @param text the token.
     * @return the token.
     */
    static String token(final String text)
    {
        if (text.length() < MIN_TOKEN_LENGTH)
        {
            throw new IllegalArgumentException("too short");
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) <= ' ' || text.charAt(i) >= 0x7F)
            {
                throw new IllegalArgumentException("not visible ASCII");
            }
        }
        return text;
    }
}
