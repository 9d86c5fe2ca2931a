package io.sluice.controlplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.sluice.dataplane.service.IpAddress;

/**
 * Reads the {@code api:} section for {@link ConfigLoader}: the socket, the TCP listen address, the
 * TLS files and the bearer token, each checked (files exist and are readable, the token is long
 * enough, the socket path fits a socket address) so that a daemon never starts with an API it
 * cannot open; and refuses a TCP listener that would let anyone who reaches it change the daemon
 * (no token, no client CA) unless {@code insecure: true} says that is wanted.
 */
final class ApiSectionReader
{
    /** The keys of {@code api:}. */
    static final List<String> API_KEYS = List.of("socket", "socketGroup", "listen", "tls", "token", "tokenFile", "insecure");
    /** The keys of {@code api.tls:}. */
    static final List<String> TLS_KEYS = List.of("cert", "key", "clientCa");
    /** The fewest characters of a bearer token. */
    static final int MIN_TOKEN_LENGTH = 16;

    private static final String LISTEN_FORM = "ADDRESS:PORT with an IP address literal and a port 0..65535, e.g. " +
        "127.0.0.1:50051 or [::1]:50051";
    private static final String TOKEN_FORM = "at least " + MIN_TOKEN_LENGTH +
        " visible ASCII characters, no spaces (e.g. from: openssl rand -hex 32)";
    private static final String PEM_FORM = "a readable PEM file";
    /** The longest socket path in bytes: {@code sun_path} holds 108 with the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final String SOCKET_FORM = "an absolute path (or one relative to the configuration file) of at most " +
        MAX_SOCKET_PATH_BYTES + " bytes, e.g. " + ApiSection.DEFAULT_SOCKET;
    private static final String GROUP_FORM = "the name of a group of this host (getent group NAME)";
    private static final String UNAUTHENTICATED = " authenticates no caller: anybody who reaches it could change the load " +
        "balancer. Give api.token or api.tokenFile, or mutual TLS (api.tls with clientCa); the socket (api.socket) needs " +
        "neither. To serve it without authentication anyway, set api.insecure: true (the daemon logs a WARNING)";
    private static final String NEEDS_LISTEN = "given only with api.listen (the token and TLS protect the TCP listener; the " +
        "socket is guarded by its file permissions)";

    private final YamlReader reader;
    private final Path baseDirectory;
    private final boolean toStart;

    /**
     * @param reader        the file's reader, which collects the problems.
     * @param baseDirectory what relative paths are relative to.
     * @param toStart       whether a daemon starts with the section: then a TCP listener must authenticate its callers.
     */
    ApiSectionReader(final YamlReader reader, final Path baseDirectory, final boolean toStart)
    {
        this.reader = reader;
        this.baseDirectory = baseDirectory;
        this.toStart = toStart;
    }

    ApiSection read(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("api", API_KEYS);
        if (section == null)
        {
            return null;
        }
        final Path socket = section.get("socket", Path.of(ApiSection.DEFAULT_SOCKET), this::socketPath, SOCKET_FORM);
        final String socketGroup = section.get("socketGroup", null, ApiSectionReader::group, GROUP_FORM);
        final boolean insecure = section.get("insecure", false, Values::bool, "true or false");
        final String listen = section.get("listen", null, ApiSectionReader::listen, LISTEN_FORM);
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
        if (!checkedTcp(section, listen, tls != null && tls.has("clientCa"), insecure) || (tls != null && (cert == null || key == null)))
        {
            return null;
        }
        if (listen == null)
        {
            return new ApiSection(socket, socketGroup, null, 0, null, null, null, null, null, insecure);
        }
        final int colon = listen.lastIndexOf(':');
        final String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        return new ApiSection(socket, socketGroup, host, Integer.parseInt(listen.substring(colon + 1)), cert, key, clientCa, token,
            tokenFile, insecure);
    }

    private boolean checkedTcp(final YamlReader.Section section, final String listen, final boolean clientCa, final boolean insecure)
    {
        if (listen == null && !section.has("listen"))
        {
            for (final String key : List.of("tls", "token", "tokenFile", "insecure"))
            {
                if (section.has(key))
                {
                    reader.invalid(section.value(key), section.pathOf(key), YamlReader.display(section.value(key)), NEEDS_LISTEN);
                    return false;
                }
            }
            return true;
        }
        if (toStart && listen != null && !section.has("token") && !section.has("tokenFile") && !clientCa && !insecure)
        {
            reader.report(section.value("listen").getStartMark(), section.pathOf("listen"),
                "the TCP listener on '" + listen + "'" + UNAUTHENTICATED);
            return false;
        }
        return listen != null;
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

    private Path socketPath(final String text)
    {
        final Path path = baseDirectory.resolve(text.strip()).normalize();
        if (text.isBlank() || path.getFileName() == null ||
            path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES)
        {
            throw new IllegalArgumentException(text);
        }
        return path;
    }

    private static String group(final String text)
    {
        final String name = text.strip();
        try
        {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return name;
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new IllegalArgumentException(text, ex);
        }
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
