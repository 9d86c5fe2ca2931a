package io.sluice.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The root of the {@link SluiceDpdk} bindings: loads the shim ({@link NativeLibraryLoader}) and makes the downcall
 * handles, plain or {@link Linker.Option#critical(boolean) critical}, of its symbols.
 */
class SluiceDpdkLinker
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup SHIM = NativeLibraryLoader.load();
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    @SuppressWarnings("restricted")
    static MethodHandle downcall(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    @SuppressWarnings("restricted")
    static MethodHandle criticalDowncall(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(symbol(name), descriptor, CRITICAL);
    }

    private static MemorySegment symbol(final String name)
    {
        return SHIM.find(name).orElseThrow(() -> new IllegalStateException(
            "symbol " + name + " is missing from the Sluice DPDK shim: the library is older than the Java bindings"));
    }

    SluiceDpdkLinker()
    {
    }
}
