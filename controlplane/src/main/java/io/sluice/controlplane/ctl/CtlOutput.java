package io.sluice.controlplane.ctl;

import java.io.PrintWriter;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import io.sluice.controlplane.api.v1.ChangeResponse;

/**
 * Where a {@code sluice ctl} command writes, and how: text for people, or with {@code --json} one
 * JSON document made by protobuf's {@link JsonFormat} from the daemon's reply (every field printed,
 * zeros included, map keys sorted, so scripts see the same shape every time).
 */
final class CtlOutput
{
    private static final JsonFormat.Printer PRETTY = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().sortingMapKeys();
    private static final JsonFormat.Printer COMPACT = PRETTY.omittingInsignificantWhitespace();

    private final PrintWriter out;
    private final boolean json;

    /**
     * @param out  standard output.
     * @param json true for JSON, false for text.
     */
    CtlOutput(final PrintWriter out, final boolean json)
    {
        this.out = out;
        this.json = json;
    }

    /**
     * Whether {@code --json} was given.
     *
     * @return true for JSON output.
     */
    boolean json()
    {
        return json;
    }

    /**
     * Prints text as it is (lines end in {@code \n} already).
     *
     * @param text the text.
     */
    void text(final String text)
    {
        out.print(text);
        out.flush();
    }

    /**
     * Prints a reply as one indented JSON document.
     *
     * @param reply the reply.
     */
    void json(final MessageOrBuilder reply)
    {
        out.println(print(PRETTY, reply));
        out.flush();
    }

    /**
     * Prints a reply as one JSON object on one line (a stream's element).
     *
     * @param reply the reply.
     */
    void jsonLine(final MessageOrBuilder reply)
    {
        out.println(print(COMPACT, reply));
        out.flush();
    }

    /**
     * Prints several replies as one JSON object, each reply under its name.
     *
     * @param replies the names and replies, in the order to print them.
     */
    void json(final Map<String, ? extends MessageOrBuilder> replies)
    {
        final StringBuilder document = new StringBuilder(4096).append('{');
        String separator = "\n";
        for (final Map.Entry<String, ? extends MessageOrBuilder> reply : replies.entrySet())
        {
            document.append(separator).append("  \"").append(reply.getKey()).append("\": ")
                .append(print(PRETTY, reply.getValue()).replace("\n", "\n  "));
            separator = ",\n";
        }
        out.println(document.append("\n}"));
        out.flush();
    }

    /**
     * Prints the outcome of a change: {@code generation N: what changed}, or the reply as JSON.
     *
     * @param change the reply.
     * @return 0, the exit code of a change made.
     */
    int change(final ChangeResponse change)
    {
        if (json)
        {
            json(change);
        }
        else
        {
            text(CtlViews.change(change));
        }
        return 0;
    }

    private static String print(final JsonFormat.Printer printer, final MessageOrBuilder reply)
    {
        try
        {
            return printer.print(reply);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new IllegalStateException("cannot print " + reply.getDescriptorForType().getFullName() + " as JSON: " +
                ex.getMessage(), ex);
        }
    }
}
