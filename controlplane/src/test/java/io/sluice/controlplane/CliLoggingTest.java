package io.sluice.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@code sluice ctl} keeps gRPC's Netty chatter off the terminal: the warning Netty logs when it
 * finds no hardware address (a network namespace with only a loopback) must not reach a handler,
 * while Netty's SEVERE messages still do. The call itself goes to a port where nothing listens.
 */
class CliLoggingTest
{
    private static final String MAC_ADDRESS_LOGGER = CliLogging.NETTY_LOGGER + ".util.internal.MacAddressUtil";

    private final List<LogRecord> published = new ArrayList<>();
    private final Handler capture = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            published.add(record);
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void listen()
    {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening()
    {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void shouldKeepNettysHardwareAddressWarningOffTheOutputWhenCtlRuns()
    {
        assertEquals(1, SluiceMain.execute("ctl", "--server", "127.0.0.1:1", "--timeout", "5s", "list"));
        published.clear();

        final Logger netty = Logger.getLogger(MAC_ADDRESS_LOGGER);
        netty.warning("Failed to find a usable hardware address from the network interfaces; using random bytes");
        netty.severe("LEAK: ByteBuf.release() was not called before it's garbage-collected");

        assertEquals(List.of(Level.SEVERE), published.stream().map(LogRecord::getLevel).toList(), "only the SEVERE one");
        assertNotNull(System.getProperty(CliLogging.MACHINE_ID_PROPERTY), "Netty is given a machine id, so it never looks");
    }
}
