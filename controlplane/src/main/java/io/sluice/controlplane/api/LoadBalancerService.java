package io.sluice.controlplane.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.ApplyConfigRequest;
import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.DrainBackendRequest;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.GetConfigRequest;
import io.sluice.controlplane.api.v1.GetConfigResponse;
import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.GetNeighboursRequest;
import io.sluice.controlplane.api.v1.GetNeighboursResponse;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.ListServicesResponse;
import io.sluice.controlplane.api.v1.LoadBalancerGrpc;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.RemoveBackendRequest;
import io.sluice.controlplane.api.v1.RemoveServiceRequest;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.SetBackendWeightRequest;
import io.sluice.controlplane.api.v1.SetHealthPolicyRequest;
import io.sluice.controlplane.api.v1.UpdateServiceRequest;
import io.sluice.controlplane.api.v1.WatchEventsRequest;
import io.sluice.controlplane.config.ConfigException;
import io.sluice.controlplane.config.ConfigLoader;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.ha.HaMonitor;
import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.controlplane.model.ControlEvent;
import io.sluice.controlplane.model.ControlModel;
import io.sluice.controlplane.model.EventBus;
import io.sluice.controlplane.model.EventSubscription;
import io.sluice.controlplane.model.ServiceKey;
import io.sluice.controlplane.model.ServiceView;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * {@code sluice.v1.LoadBalancer} over the {@link ControlModel}: each RPC checks its request
 * ({@link ProtoRequests}), calls the model, and answers ({@link ProtoReplies}); a
 * {@link ChangeRejectedException} becomes the status its reason names. {@code WatchEvents} runs one
 * virtual thread per watcher that sends only when the client can take more (gRPC flow control), so
 * a slow watcher fills its own bounded queue, which drops its oldest events.
 */
final class LoadBalancerService extends LoadBalancerGrpc.LoadBalancerImplBase implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("sluice.api");
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ControlModel model;
    private final HaMonitor ha;
    private final Set<EventSubscription> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LoadBalancerService(final ControlModel model, final HaMonitor ha)
    {
        this.model = model;
        this.ha = ha;
    }

    @Override
    public void listServices(final ListServicesRequest request, final StreamObserver<ListServicesResponse> response)
    {
        respond(response, () ->
        {
            final long generation = model.generation();
            final ListServicesResponse.Builder reply = ListServicesResponse.newBuilder().setGeneration(generation);
            for (final ServiceView service : model.services())
            {
                reply.addServices(ProtoReplies.service(service));
            }
            return reply.build();
        });
    }

    @Override
    public void getService(final GetServiceRequest request, final StreamObserver<Service> response)
    {
        respond(response, () -> ProtoReplies.service(model.service(ProtoRequests.key("key", request.getKey()))));
    }

    @Override
    public void addService(final AddServiceRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () -> ProtoReplies.change(model.addService(ProtoRequests.service(request, model.config().timeouts()))));
    }

    @Override
    public void updateService(final UpdateServiceRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () ->
        {
            final ServiceKey key = ProtoRequests.key("key", request.getKey());
            return ProtoReplies.change(model.updateService(key, service -> ProtoRequests.withSettings(service,
                request.getSettings(), request.getUpdateMask(), model.config().timeouts())));
        });
    }

    @Override
    public void removeService(final RemoveServiceRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () -> ProtoReplies.change(model.removeService(ProtoRequests.key("key", request.getKey()))));
    }

    @Override
    public void addBackend(final AddBackendRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () ->
        {
            final ServiceKey key = ProtoRequests.key("key", request.getKey());
            final ServiceSection.BackendEntry backend = ProtoRequests.backend("backend", request.getBackend());
            return ProtoReplies.change(model.addBackend(key, backend));
        });
    }

    @Override
    public void removeBackend(final RemoveBackendRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () -> ProtoReplies.change(model.removeBackend(ProtoRequests.key("key", request.getKey()),
            ProtoRequests.address("address", request.getAddress()))));
    }

    @Override
    public void setBackendWeight(final SetBackendWeightRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () ->
        {
            final ServiceKey key = ProtoRequests.key("key", request.getKey());
            final int weight = io.sluice.controlplane.model.ServiceValidation.weight("weight", request.getWeight() & 0xFFFF_FFFFL);
            return ProtoReplies.change(model.setWeight(key, ProtoRequests.address("address", request.getAddress()), weight));
        });
    }

    @Override
    public void drainBackend(final DrainBackendRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () -> ProtoReplies.change(model.drain(ProtoRequests.key("key", request.getKey()),
            ProtoRequests.address("address", request.getAddress()))));
    }

    @Override
    public void setHealthPolicy(final SetHealthPolicyRequest request, final StreamObserver<ChangeResponse> response)
    {
        respond(response, () ->
        {
            final ServiceKey key = ProtoRequests.key("key", request.getKey());
            return ProtoReplies.change(model.setHealthPolicy(key, request.hasPolicy() ?
                ProtoRequests.healthPolicy("policy", request.getPolicy()) : ServiceSection.NO_HEALTH_CHECK));
        });
    }

    @Override
    public void getStats(final GetStatsRequest request, final StreamObserver<GetStatsResponse> response)
    {
        respond(response, () -> StatsReplies.stats(model, request.hasService() ? ProtoRequests.key("service", request.getService()) :
            null));
    }

    @Override
    public void lookupFlow(final LookupFlowRequest request, final StreamObserver<LookupFlowResponse> response)
    {
        respond(response, () -> ProtoReplies.flow(model.lookupFlow(
            ProtoRequests.address("client_address", request.getClientAddress()),
            ProtoRequests.clientPort("client_port", request.getClientPort()),
            ProtoRequests.address("vip", request.getVip()),
            io.sluice.controlplane.model.ServiceValidation.port("vip_port", request.getVipPort() & 0xFFFF_FFFFL),
            ProtoRequests.protocol("protocol", request.getProtocolValue()))));
    }

    @Override
    public void getNeighbours(final GetNeighboursRequest request, final StreamObserver<GetNeighboursResponse> response)
    {
        respond(response, () -> NeighbourReplies.neighbours(model, request.getUnresolvedOnly()));
    }

    @Override
    public void getHaState(final GetHaStateRequest request, final StreamObserver<HaState> response)
    {
        respond(response, () -> HaReplies.haState(ha.snapshot()));
    }

    @Override
    public void getConfig(final GetConfigRequest request, final StreamObserver<GetConfigResponse> response)
    {
        respond(response, () -> GetConfigResponse.newBuilder().setYaml(model.configYaml()).setGeneration(model.generation()).build());
    }

    @Override
    public void applyConfig(final ApplyConfigRequest request, final StreamObserver<ApplyConfigResponse> response)
    {
        respond(response, () ->
        {
            final String name = ProtoRequests.sourceName("source_name", request.getSourceName());
            final SluiceConfig loaded;
            try
            {
                final Path directory = model.config().source().toAbsolutePath().getParent();
                loaded = ConfigLoader.parse(name, directory == null ? Path.of("/") : directory, request.getYaml());
            }
            catch (final ConfigException ex)
            {
                throw new ChangeRejectedException(ChangeRejectedException.Reason.INVALID_ARGUMENT, ex.problems().size() +
                    " problem(s) in the configuration; nothing was applied:\n" + ex.getMessage());
            }
            return ProtoReplies.applied(model.applyConfig(loaded, request.getDryRun(), ControlModel.ORIGIN_APPLY));
        });
    }

    @Override
    public void watchEvents(final WatchEventsRequest request, final StreamObserver<Event> response)
    {
        final ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>)response;
        final Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        for (final EventKind kind : request.getKindsList())
        {
            if (kind == EventKind.EVENT_KIND_UNSPECIFIED || kind == EventKind.UNRECOGNIZED)
            {
                call.onError(Status.INVALID_ARGUMENT.withDescription("kinds: '" + kind + "' is not valid: one of EVENT_KIND_HEALTH, " +
                    "EVENT_KIND_GENERATION, EVENT_KIND_QUORUM, EVENT_KIND_NO_BACKEND, EVENT_KIND_HA").asRuntimeException());
                return;
            }
            kinds.add(kind);
        }
        if (closed)
        {
            call.onError(Status.UNAVAILABLE.withDescription("the daemon is stopping").asRuntimeException());
            return;
        }
        final EventSubscription subscription = model.events().subscribe(EventBus.DEFAULT_QUEUE_CAPACITY);
        watches.add(subscription);
        final Semaphore ready = new Semaphore(0);
        call.setOnReadyHandler(ready::release);
        call.setOnCancelHandler(subscription::close);
        Thread.ofVirtual().name("sluice-watch").start(() -> pump(call, subscription, kinds, ready));
    }

    private void pump(
        final ServerCallStreamObserver<Event> call, final EventSubscription subscription, final Set<EventKind> kinds,
        final Semaphore ready)
    {
        try
        {
            while (!subscription.isClosed())
            {
                final EventSubscription.Delivery delivery = subscription.take(POLL_NS);
                if (delivery == null)
                {
                    continue;
                }
                while (!call.isReady() && !call.isCancelled() && !subscription.isClosed())
                {
                    ready.tryAcquire(POLL_NS, TimeUnit.NANOSECONDS);
                }
                if (call.isCancelled() || subscription.isClosed())
                {
                    break;
                }
                if (delivery.droppedBefore() > 0)
                {
                    call.onNext(ProtoReplies.dropped(delivery.droppedBefore(), Instant.now()));
                }
                if (kinds.isEmpty() || kinds.contains(kindOf(delivery.event())))
                {
                    call.onNext(ProtoReplies.event(delivery.event()));
                }
            }
            if (!call.isCancelled())
            {
                call.onCompleted();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.DEBUG, "event watch ended: {0}", ex.toString());
        }
        finally
        {
            subscription.close();
            watches.remove(subscription);
        }
    }

    private static EventKind kindOf(final ControlEvent event)
    {
        return switch (event.detail())
        {
            case ControlEvent.HealthChanged ignored -> EventKind.EVENT_KIND_HEALTH;
            case ControlEvent.GenerationApplied ignored -> EventKind.EVENT_KIND_GENERATION;
            case ControlEvent.QuorumChanged ignored -> EventKind.EVENT_KIND_QUORUM;
            case ControlEvent.NoBackendChanged ignored -> EventKind.EVENT_KIND_NO_BACKEND;
            case ControlEvent.HaChanged ignored -> EventKind.EVENT_KIND_HA;
            case ControlEvent.VrrpChanged ignored -> EventKind.EVENT_KIND_HA;
        };
    }

    /**
     * Ends every event watch (their streams complete) and refuses new ones.
     */
    @Override
    public void close()
    {
        closed = true;
        for (final EventSubscription watch : watches)
        {
            watch.close();
        }
    }

    private static <T> void respond(final StreamObserver<T> response, final Supplier<T> call)
    {
        final T reply;
        try
        {
            reply = call.get();
        }
        catch (final ChangeRejectedException ex)
        {
            response.onError(StatusMapping.status(ex).asRuntimeException());
            return;
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "API call failed unexpectedly", ex);
            response.onError(Status.INTERNAL.withDescription(TextExcerpt.clip("the daemon failed to answer: " + ex, StatusMapping.MAX_DESCRIPTION) +
                " (see its log)")
                .asRuntimeException());
            return;
        }
        response.onNext(reply);
        response.onCompleted();
    }
}
