package io.sluice.dataplane.flow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Zeroed, pre-faulted anonymous memory for large tables, backed by 2 MiB transparent huge pages
 * where the kernel can give them. A flow table of a million flows spans hundreds of MiB; on 4 KiB
 * pages nearly every lookup also misses the TLB, and the page walk is a second cache miss on top of
 * the entry's own. With 2 MiB pages the walk mostly hits.
 * <p>
 * The memory is an anonymous private {@code mmap} aligned to 2 MiB, advised with
 * {@code madvise(MADV_HUGEPAGE)} (which works when {@code /sys/kernel/mm/transparent_hugepage/enabled}
 * is {@code always} or {@code madvise}, the defaults of Debian and most distributions) and touched
 * page by page at allocation, so that the first packets do not take page faults. Where the advice
 * is refused the memory is still valid, on small pages. It is unmapped when the arena closes.
 * Only the control thread allocates; nothing here runs on the packet path.
 */
public final class HugePageMemory
{
    /** The huge page size this class aligns to. */
    public static final long HUGE_PAGE_SIZE = 2L * 1024 * 1024;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long SMALL_PAGE_SIZE = 4096;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static
    {
        final Linker linker = Linker.nativeLinker();
        MMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("mmap"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MUNMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        MADVISE = linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private HugePageMemory()
    {
    }

    /**
     * Maps zeroed memory aligned to {@link #HUGE_PAGE_SIZE}, advised for huge pages and pre-faulted.
     *
     * @param arena    the arena whose closing unmaps the memory.
     * @param byteSize how many bytes, at least 1.
     * @return a segment of exactly {@code byteSize} bytes, starting on a 2 MiB boundary.
     * @throws OutOfMemoryError when the kernel refuses the mapping.
     */
    public static MemorySegment allocate(final Arena arena, final long byteSize)
    {
        if (byteSize <= 0)
        {
            throw new IllegalArgumentException("byteSize must be > 0, got " + byteSize);
        }
        final long mappedSize = roundUp(byteSize, HUGE_PAGE_SIZE) + HUGE_PAGE_SIZE;
        final long mapped = mmap(mappedSize);
        final long aligned = roundUp(mapped, HUGE_PAGE_SIZE);
        final long usedSize = roundUp(byteSize, HUGE_PAGE_SIZE);
        trim(mapped, aligned - mapped);
        trim(aligned + usedSize, mapped + mappedSize - (aligned + usedSize));
        madviseHugePages(aligned, usedSize);
        final MemorySegment memory = MemorySegment.ofAddress(aligned).reinterpret(byteSize, arena, ignored -> trim(aligned, usedSize));
        prefault(memory);
        return memory;
    }

    private static long mmap(final long size)
    {
        final long address;
        try
        {
            address = ((MemorySegment)MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L)).address();
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("mmap of " + size + " bytes failed", ex);
        }
        if (address == MAP_FAILED || address == 0)
        {
            throw new OutOfMemoryError("mmap of " + size + " bytes refused by the kernel");
        }
        return address;
    }

    private static void trim(final long address, final long size)
    {
        if (size <= 0)
        {
            return;
        }
        try
        {
            final int ignored = (int)MUNMAP.invokeExact(MemorySegment.ofAddress(address), size);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("munmap failed", ex);
        }
    }

    private static void madviseHugePages(final long address, final long size)
    {
        try
        {
            final int ignored = (int)MADVISE.invokeExact(MemorySegment.ofAddress(address), size, MADV_HUGEPAGE);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("madvise failed", ex);
        }
    }

    private static void prefault(final MemorySegment memory)
    {
        final long size = memory.byteSize();
        for (long offset = 0; offset < size; offset += SMALL_PAGE_SIZE)
        {
            memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, offset, (byte)0);
        }
    }

    private static long roundUp(final long value, final long alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
