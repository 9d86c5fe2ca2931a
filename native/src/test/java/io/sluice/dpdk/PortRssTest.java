package io.sluice.dpdk;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Port#rss()} on the virtual devices of the tests. What DPDK 22.11 reports (seen on this build):
 * <ul>
 *   <li>{@code net_ring}: no {@code rss_hash_conf_get} op, so -ENOTSUP and rss_hf 0, with one rx queue or two;</li>
 *   <li>{@code net_null}: {@code rss_hash_conf_get} answers (rss_hf as configured: 0 with one rx queue, Sluice's
 *   IP / TCP / UDP bits with two) and the device has a 128-entry RETA, but its {@code hash_key_size} is 0, so the
 *   key is unknown and the shim answers -ENOTSUP;</li>
 *   <li>{@code net_tap} (checked by hand, not run here: it needs a tap interface and leaves a kernel device behind on
 *   a crash): -ENOTSUP from {@code rss_hash_conf_get}.</li>
 * </ul>
 * No virtual device reports a key and a table, so the path that copies them is exercised only on a NIC.
 */
@Tag("dpdk")
class PortRssTest
{
    private static final int ENOTSUP = -95;

    @Test
    void shouldReportRssUnavailableWithoutExceptionWhenDeviceIsNetRing()
    {
        for (final int queues : new int[] {1, 2})
        {
            try (MbufPool pool = DpdkTestSupport.newPool(255);
                Port port = Port.open("net_ring8", new PortConfig(queues, queues, 128, 128, false), pool))
            {
                final PortRss rss = port.rss();

                assertFalse(rss.available(), rss.toString());
                assertEquals(ENOTSUP, rss.error());
                assertEquals(0L, rss.hashFunctions());
                assertEquals(0, rss.key().length);
                assertEquals(0, rss.redirectionTable().length);
                assertTrue(rss.errorText().contains("net_ring8") && rss.errorText().contains("not supported"),
                    rss.errorText());
            }
        }
    }

    @Test
    void shouldReportHashFunctionsButNoKeyWhenDeviceIsNetNullWithTwoQueues()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_null8", new PortConfig(2, 2, 128, 128, false), pool))
        {
            final PortRss rss = port.rss();

            assertFalse(rss.available(), rss.toString());
            assertEquals(ENOTSUP, rss.error());
            assertNotEquals(0L, port.rssHashFunctions());
            assertEquals(port.rssHashFunctions(), rss.hashFunctions());
        }
    }

    @Test
    void shouldReportNoHashFunctionsWhenDeviceIsNetNullWithOneQueue()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255);
            Port port = Port.open("net_null9", new PortConfig(1, 1, 128, 128, false), pool))
        {
            final PortRss rss = port.rss();

            assertFalse(rss.available());
            assertEquals(0L, rss.hashFunctions());
        }
    }

    @Test
    void shouldRefuseRssQueryWhenPortIsClosed()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255))
        {
            final Port port = Port.open("net_ring8", new PortConfig(1, 1, 128, 128, false), pool);
            port.close();

            assertThrows(IllegalStateException.class, port::rss);
        }
    }

    @Test
    void shouldCopyKeyAndTableWhenBuiltFromReportedValues()
    {
        final byte[] key = {1, 2, 3};
        final int[] table = {0, 1};
        final PortRss rss = PortRss.of(0x3afbcL, key, table);
        key[0] = 9;
        table[0] = 9;
        rss.key()[1] = 9;
        rss.redirectionTable()[1] = 9;

        assertTrue(rss.available());
        assertEquals(0, rss.error());
        assertEquals("", rss.errorText());
        assertEquals(1, rss.key()[0]);
        assertEquals(2, rss.key()[1]);
        assertEquals(0, rss.redirectionTable()[0]);
        assertEquals(1, rss.redirectionTable()[1]);
        assertThrows(IllegalArgumentException.class, () -> PortRss.unavailable(0, 0, "no error"));
    }
}
