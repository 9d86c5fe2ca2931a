package io.sluice.controlplane.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.model.BackendHealthSource;
import io.sluice.controlplane.model.ControlLatency;
import io.sluice.dataplane.stats.StatsFile;

/**
 * The Prometheus endpoint of the daemon: the Prometheus client library's HTTP server on the
 * configured address ({@code metrics: { listen: "127.0.0.1:9301" }}), serving {@code /metrics}
 * from a {@link StatsCollector} in its own registry (not the library's global one), in the text
 * format 0.0.4, OpenMetrics or protobuf as the scraper asks. Each scrape reads the stats file
 * afresh on a virtual thread; nothing runs between scrapes.
 * <p>
 * Lifecycle: the daemon starts it after the dataplane (the stats file exists) and closes it before
 * closing the stats file, since a scrape reads the file's memory; {@link #close()} waits for
 * scrapes in progress.
 */
public final class MetricsServer implements AutoCloseable
{
    /** How long {@link #close()} waits for scrapes in progress. */
    public static final long CLOSE_TIMEOUT_MS = 5_000;
    private static final System.Logger LOG = System.getLogger("sluice.metrics");

    private final HTTPServer server;
    private final ExecutorService executor;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(final HTTPServer server, final ExecutorService executor, final InetSocketAddress address)
    {
        this.server = server;
        this.executor = executor;
        this.address = address;
    }

    /**
     * Starts serving metrics.
     *
     * @param listen  the address and port to listen on; port 0 picks a free one (see {@link #address()}).
     * @param stats   the dataplane's stats file, open for as long as the server runs.
     * @param health  the backends' health states ({@link BackendHealthSource#NONE} when there are none).
     * @param latency the control-operation latency recorder.
     * @return the running server.
     * @throws IllegalArgumentException when the address is unresolved or an argument is missing.
     * @throws IOException              when the address cannot be listened on (in use, not local), with the address in the message.
     */
    public static MetricsServer start(
        final InetSocketAddress listen, final StatsFile stats, final BackendHealthSource health, final ControlLatency latency)
        throws IOException
    {
        return start(listen, stats, health, latency, null);
    }

    /**
     * Starts serving {@code GET /metrics}, with the VRRP metrics when VRRP runs and the flow-sync metrics when sync runs.
     *
     * @param listen  where to listen.
     * @param stats   the dataplane's stats file.
     * @param health  backend health.
     * @param latency control-operation latencies.
     * @param ha      the HA view (VRRP and sync, either absent), or null for neither.
     * @return the running server.
     * @throws IOException when the address cannot be bound.
     */
    public static MetricsServer start(
        final InetSocketAddress listen, final StatsFile stats, final BackendHealthSource health, final ControlLatency latency,
        final HaMonitor ha) throws IOException
    {
        if (listen == null || listen.isUnresolved())
        {
            throw new IllegalArgumentException("metrics listen address " + listen + " is not a resolved address");
        }
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new StatsCollector(stats, health, latency));
        if (ha != null && ha.vrrp() != null)
        {
            registry.register(new VrrpCollector(ha));
        }
        if (ha != null && ha.sync() != null)
        {
            registry.register(new SyncCollector(ha.sync(), ha.lag()));
        }
        final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sluice-metrics-", 0).factory());
        try
        {
            final HTTPServer server = HTTPServer.builder()
                .inetAddress(listen.getAddress())
                .port(listen.getPort())
                .registry(registry)
                .executorService(executor)
                .buildAndStart();
            return new MetricsServer(server, executor, new InetSocketAddress(listen.getAddress(), server.getPort()));
        }
        catch (final IOException ex)
        {
            executor.shutdown();
            throw new IOException("cannot serve metrics on " + text(listen) + ": " + ex.getMessage(), ex);
        }
    }

    private static String text(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** @return the address the server listens on, with the port it got when asked for port 0. */
    public InetSocketAddress address()
    {
        return address;
    }

    /**
     * Stops listening and waits up to {@link #CLOSE_TIMEOUT_MS} for scrapes in progress to finish,
     * so the stats file can be unmapped safely after this returns (a scrape reads it through raw
     * addresses). Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        server.close();
        try
        {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                LOG.log(System.Logger.Level.WARNING, "a metrics scrape still runs " + CLOSE_TIMEOUT_MS + " ms after closing " + this);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return "metrics on http://" + text(address) + "/metrics";
    }
}
