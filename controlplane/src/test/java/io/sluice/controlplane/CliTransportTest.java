package io.sluice.controlplane;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CliTransportTest
{
    @AfterEach
    void clear()
    {
        System.clearProperty(CliTransport.ALLOCATOR_PROPERTY);
        System.clearProperty(CliTransport.NO_PREFER_DIRECT_PROPERTY);
    }

    @Test
    void shouldGiveACommandLineCallAnUnpooledHeapAllocator()
    {
        System.clearProperty(CliTransport.ALLOCATOR_PROPERTY);
        System.clearProperty(CliTransport.NO_PREFER_DIRECT_PROPERTY);

        CliTransport.forOneCall();

        assertEquals("unpooled", System.getProperty(CliTransport.ALLOCATOR_PROPERTY));
        assertEquals("true", System.getProperty(CliTransport.NO_PREFER_DIRECT_PROPERTY));
    }

    @Test
    void shouldKeepWhatTheUserSet()
    {
        System.setProperty(CliTransport.ALLOCATOR_PROPERTY, "pooled");
        System.setProperty(CliTransport.NO_PREFER_DIRECT_PROPERTY, "false");

        CliTransport.forOneCall();

        assertEquals("pooled", System.getProperty(CliTransport.ALLOCATOR_PROPERTY));
        assertEquals("false", System.getProperty(CliTransport.NO_PREFER_DIRECT_PROPERTY));
    }
}
