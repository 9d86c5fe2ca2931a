package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Raw FFM bindings to the Sluice DPDK shim ({@code native/src/main/c/sluice_dpdk.h}), in the shape
 * jextract generates: per C function a {@link FunctionDescriptor}, a {@code static final}
 * {@link MethodHandle} and a static invoker with the C name.
 * <p>
 * The C header is the reference for what each function does and returns. Unsigned 16-bit C
 * parameters are Java {@code short}s; {@code struct rte_mbuf *} parameters and results are bound
 * as 64-bit addresses ({@code long}) rather than {@code MemorySegment}s so the hot path never
 * creates a segment per mbuf. The burst, alloc and free handles are
 * {@link java.lang.foreign.Linker.Option#critical(boolean) critical}: they skip the thread-state transition, accept
 * only native segments, and the C side never blocks.
 * <p>
 * The bindings are split by the shim's source files, as jextract splits a header too large for one class: a chain
 * of package-private classes, {@link SluiceDpdkEal} ({@code sluice_eal.c}), {@link SluiceDpdkMbufs}
 * ({@code sluice_mempool.c}, {@code sluice_mbuf.c}) and {@link SluiceDpdkPorts} ({@code sluice_port.c},
 * {@code sluice_burst.c}), that this class ends, so every binding is called as {@code SluiceDpdk.sluice_xxx}. The
 * binding {@link Eal#start} calls first, {@code sluice_mbuf_offsets} for the offset check, is declared here, so that
 * call initialises the whole chain and a shim that lacks any symbol fails there, before EAL starts, as it did when
 * the bindings were one class (a binding declared further up initialises only its class and those above it).
 * <p>
 * The facade classes ({@link Eal}, {@link MbufPool}, {@link Port}, {@link Mbuf}) are the API the
 * rest of Sluice uses; these bindings are public for benchmarks and tests.
 */
public final class SluiceDpdk extends SluiceDpdkPorts
{
    private static final FunctionDescriptor SLUICE_MBUF_OFFSETS_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    /** Handle of {@code sluice_mbuf_offsets}. */
    public static final MethodHandle SLUICE_MBUF_OFFSETS = downcall("sluice_mbuf_offsets", SLUICE_MBUF_OFFSETS_DESC);

    /**
     * Fills {@code out} with the rte_mbuf field offsets, in the order of {@link MbufLayout#FIELD_NAMES}.
     *
     * @param out native memory the result is written to.
     * @param count number of mbufs (or pointers).
     * @return the number of ints written.
     */
    public static int sluice_mbuf_offsets(final MemorySegment out, final int count)
    {
        try
        {
            return (int)SLUICE_MBUF_OFFSETS.invokeExact(out, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("sluice_mbuf_offsets failed in the FFM downcall", ex);
        }
    }

    private SluiceDpdk()
    {
    }
}
