package io.sluice.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lab, brought up once per test JVM and shared by every lab test class that needs it as
 * {@code lab.sh up} leaves it: a class registers this extension ({@code @ExtendWith(SharedLab.class)},
 * or {@link LabLoadBalancer} does it for its class) and finds the lab up, with every backend
 * server answering, before its own {@code @BeforeAll} methods run. The lab is taken down once, when
 * the JUnit run ends (a {@link ExtensionContext.Store.CloseableResource} in the root store).
 * <p>
 * Classes do not depend on their order: the lab this JVM brought up is recognised by a marker file
 * with a token of this JVM in {@code lab/run/}, which {@code lab.sh down} (and so every
 * {@code up}) removes. A class that takes the lab down or rebuilds it itself (the lifecycle test)
 * thereby makes the next class bring it up again, and a backend a class left stopped is started
 * again. Shared state between classes is limited to what {@code up} builds; decap counters keep
 * counting, so tests compare counters before and after, never against zero.
 */
final class SharedLab implements BeforeAllCallback
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLab.class);
    private static final String MARKER = "shared-lab";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Brings the shared lab up unless it already is.
     *
     * @param context the class's context.
     */
    @Override
    public void beforeAll(final ExtensionContext context)
    {
        acquire(context);
    }

    /**
     * The shared lab, up, with every backend answering.
     *
     * @param context any context of the run.
     * @return the lab's script.
     */
    static LabScript acquire(final ExtensionContext context)
    {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Resource.class, key -> new Resource(), Resource.class)
            .ensureUp();
    }

    /**
     * Starts every backend server that does not answer HTTP on its own address (stopped by a test,
     * or crashed), leaving the ones that answer alone.
     *
     * @param lab the lab.
     */
    static void startStoppedBackends(final LabScript lab)
    {
        final List<LabBackend> stopped = new ArrayList<>();
        for (final LabBackend backend : LabTopology.BACKENDS)
        {
            if (!answers(backend))
            {
                stopped.add(backend);
            }
        }
        if (!stopped.isEmpty())
        {
            lab.startBackends(stopped.toArray(new LabBackend[0]));
        }
    }

    private static boolean answers(final LabBackend backend)
    {
        try (LabHttpConnection connection =
            LabHttpConnection.open(LabTopology.CLIENT_NAMESPACE, backend.ipv4(), LabTopology.HTTP_PORT, PROBE_TIMEOUT))
        {
            return (backend.name() + "\n").equals(connection.get("/").body());
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    /** The lab of this JVM: brought up on first use (and again when something took it down), down at the end. */
    private static final class Resource implements ExtensionContext.Store.CloseableResource
    {
        private final LabScript lab = LabScript.locate();
        private final String token = UUID.randomUUID().toString();
        private boolean used;

        synchronized LabScript ensureUp()
        {
            used = true;
            if (isOurs())
            {
                startStoppedBackends(lab);
            }
            else
            {
                lab.up();
                mark();
            }
            return lab;
        }

        @Override
        public synchronized void close()
        {
            if (used)
            {
                lab.down();
            }
        }

        private Path marker()
        {
            return lab.runDirectory().resolve(MARKER);
        }

        private boolean isOurs()
        {
            try
            {
                return Files.isRegularFile(marker()) && token.equals(Files.readString(marker(), StandardCharsets.UTF_8));
            }
            catch (final IOException ex)
            {
                return false;
            }
        }

        private void mark()
        {
            try
            {
                Files.writeString(marker(), token, StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write the shared lab's marker " + marker(), ex);
            }
        }
    }
}
