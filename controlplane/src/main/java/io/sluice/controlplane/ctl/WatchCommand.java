package io.sluice.controlplane.ctl;

import java.util.Iterator;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.WatchEventsRequest;

/**
 * {@code sluice ctl watch [--kind KIND]... [--count N]}: streams the daemon's events as they
 * happen, one line each ({@code --json}: one JSON object per line), until Ctrl-C, until
 * {@code --count} events came, or until the daemon ends the stream (it is stopping: exit code 1).
 * The stream has no deadline: {@code --timeout} does not apply to it.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Streams events as they happen, one line each, until Ctrl-C: health transitions, generations applied, " +
        "quorum lost or regained, no backend for new flows, HA transitions.",
        "A watch that reads too slowly loses the oldest events and says how many (events-dropped)."})
final class WatchCommand extends CtlSubcommand
{
    @Option(names = "--kind", paramLabel = "KIND", converter = CtlArguments.EventKindConverter.class,
        description = "only health, generation, quorum, no-backend or ha events; repeat for several (default: all)")
    private List<EventKind> kinds;

    @Option(names = "--count", paramLabel = "N", converter = CtlArguments.UnsignedConverter.class,
        description = "stop after N events (default: never)")
    private int count;

    @Override
    public Integer call()
    {
        final WatchEventsRequest.Builder request = WatchEventsRequest.newBuilder();
        if (kinds != null)
        {
            request.addAllKinds(kinds);
        }
        return run((api, output) ->
        {
            final Iterator<Event> events = api.streaming().watchEvents(request.build());
            int seen = 0;
            while (events.hasNext())
            {
                final Event event = events.next();
                if (output.json())
                {
                    output.jsonLine(event);
                }
                else
                {
                    output.text(CtlViews.event(event));
                }
                seen += event.hasDropped() ? 0 : 1;
                if (count > 0 && seen >= count)
                {
                    return 0;
                }
            }
            commandLine().getErr().println(CtlErrors.PREFIX + "the daemon ended the watch (it is stopping)");
            return CtlCommand.EXIT_FAILED;
        });
    }
}
