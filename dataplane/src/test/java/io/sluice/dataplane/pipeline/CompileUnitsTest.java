package io.sluice.dataplane.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packet path's compilation units, as C2 builds them, kept by the methods' bytecode sizes.
 * <p>
 * C2 stops inlining into a compilation once it holds 18,000 IR nodes ({@code NodeCountInliningCutoff},
 * a develop flag a product JVM cannot change), and each {@code MemorySegment} access costs it some
 * 900 nodes while it parses, before they fold into one instruction (measured with
 * {@code -XX:+LogCompilation}, bench/README.md). So one unit holds about 18 accesses, and past that
 * small methods stay calls. The path is split where a unit would overflow, by methods larger than
 * C2 inlines when hot ({@code FreqInlineSize}, 325 bytecodes), which it then compiles apart:
 * <pre>
 *   PacketPipeline.process ─┬─ PacketParser.ipv4       (own unit)
 *   (parse, classify,       ├─ FlowTracker.select      (own unit: hash, lookup, hit) ─ FlowTable.insertAbsent (own unit)
 *    forward, account)      └─ everything else inlined
 * </pre>
 * A change that moves a method across the limit changes the code C2 builds for every packet. This
 * test fails then, so that the change is measured (bench/pipeline-ab.sh) and this list updated,
 * rather than found later in a benchmark.
 */
class CompileUnitsTest
{
    /** C2's default {@code FreqInlineSize} on x86_64 and aarch64. */
    private static final int FREQ_INLINE_SIZE = 325;

    @ParameterizedTest(name = "{0}.{1} is a compilation unit of its own")
    @CsvSource({
        "io.sluice.dataplane.pipeline.PacketParser, ipv4",
        "io.sluice.dataplane.pipeline.FlowTracker, select",
        "io.sluice.dataplane.flow.FlowTable, insertAbsent",
    })
    void unitRootsAreTooLargeToInline(final String className, final String method) throws IOException
    {
        final int size = codeLength(className, method);
        assertTrue(size > FREQ_INLINE_SIZE, className + "." + method + " has " + size + " bytecodes: C2 would inline it");
    }

    @ParameterizedTest(name = "{0}.{1} inlines into its caller")
    @CsvSource({
        "io.sluice.dataplane.pipeline.PacketPipeline, process/2",
        "io.sluice.dataplane.pipeline.PacketPipeline, account",
        "io.sluice.dataplane.pipeline.PacketPipeline, settle",
        "io.sluice.dataplane.pipeline.PacketParser, parse",
        "io.sluice.dataplane.pipeline.PacketParser, ports",
        "io.sluice.dataplane.pipeline.PacketClassifier, classify",
        "io.sluice.dataplane.pipeline.Forwarder, forward",
        "io.sluice.dataplane.pipeline.IpipWriter, write",
        "io.sluice.dataplane.pipeline.GueWriter, write",
        "io.sluice.dataplane.pipeline.TunnelHeaders, open",
        "io.sluice.dataplane.pipeline.TunnelHeaders, outerIp",
        "io.sluice.dataplane.pipeline.FlowTracker, backendOfNewFlow",
        "io.sluice.dataplane.flow.FlowTable, findAndTouch",
        "io.sluice.dataplane.flow.FlowTable, insertAfterMiss",
        "io.sluice.dataplane.stats.TrafficStats, forwarded",
    })
    void pathMethodsAreSmallEnoughToInline(final String className, final String method) throws IOException
    {
        final int size = codeLength(className, method);
        assertTrue(size <= FREQ_INLINE_SIZE, className + "." + method + " has " + size + " bytecodes: C2 would compile it apart");
    }

    @ParameterizedTest(name = "{0}.{1} stays a small method")
    @CsvSource({
        "io.sluice.dataplane.flow.FlowTable, countFlow",
    })
    void leafMethodsInlineEvenWhereRarelyCalled(final String className, final String method) throws IOException
    {
        final int size = codeLength(className, method);
        assertTrue(size <= 35, className + "." + method + " has " + size + " bytecodes: above MaxInlineSize, a cold call site keeps it a call");
    }

    /** @param method a method's name, or its name and parameter count ({@code process/2}) when it is overloaded. */
    private static int codeLength(final String className, final String method) throws IOException
    {
        final ClassModel model = classModel(className);
        final String name = method.contains("/") ? method.substring(0, method.indexOf('/')) : method;
        final int parameters = method.contains("/") ? Integer.parseInt(method.substring(method.indexOf('/') + 1)) : -1;
        final MethodModel found = model.methods().stream()
            .filter(m -> m.methodName().equalsString(name))
            .filter(m -> parameters < 0 || m.methodTypeSymbol().parameterCount() == parameters)
            .reduce((a, b) -> { throw new AssertionError(className + "." + method + " is overloaded: name the one meant"); })
            .orElseThrow(() -> new AssertionError(className + "." + method + " not found"));
        return found.findAttribute(java.lang.classfile.Attributes.code())
            .map(CodeAttribute::codeLength)
            .orElseThrow(() -> new AssertionError(className + "." + method + " has no code"));
    }

    private static ClassModel classModel(final String className) throws IOException
    {
        final String resource = "/" + className.replace('.', '/') + ".class";
        try (InputStream in = CompileUnitsTest.class.getResourceAsStream(resource))
        {
            assertNotNull(in, resource);
            return ClassFile.of().parse(in.readAllBytes());
        }
    }
}
