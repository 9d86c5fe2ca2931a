package io.sluice.controlplane.api;

import java.time.Instant;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import io.sluice.controlplane.api.v1.ApplyConfigResponse;
import io.sluice.controlplane.api.v1.Backend;
import io.sluice.controlplane.api.v1.ChangeKind;
import io.sluice.controlplane.api.v1.ChangeResponse;
import io.sluice.controlplane.api.v1.ConfigChange;
import io.sluice.controlplane.api.v1.Event;
import io.sluice.controlplane.api.v1.EventsDropped;
import io.sluice.controlplane.api.v1.FlowTableState;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.GenerationApplied;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.HaTransition;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.HealthState;
import io.sluice.controlplane.api.v1.HealthTransition;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.NoBackend;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.QuorumChange;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.ServiceStatus;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.model.ApplyResult;
import io.sluice.controlplane.model.ChangeResult;
import io.sluice.controlplane.model.ControlEvent;
import io.sluice.controlplane.model.FlowPrediction;
import io.sluice.controlplane.model.ServiceView;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * Turns the control model's values into {@code sluice.v1} replies and events. Addresses are written
 * in their short form ({@code 2001:db8::10}), defaults filled in.
 */
final class ProtoReplies
{
    private ProtoReplies()
    {
    }

    static String address(final IpAddress address)
    {
        return address == null ? "" : AddressText.format(address);
    }

    static ServiceKey key(final io.sluice.controlplane.model.ServiceKey key)
    {
        return ServiceKey.newBuilder().setVip(address(key.vip())).setPort(key.port())
            .setProtocol(key.protocol() == io.sluice.controlplane.model.ServiceKey.UDP ? Protocol.PROTOCOL_UDP : Protocol.PROTOCOL_TCP)
            .build();
    }

    static Timestamp timestamp(final Instant instant)
    {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static com.google.protobuf.Duration duration(final long ns)
    {
        return com.google.protobuf.Duration.newBuilder().setSeconds(ns / 1_000_000_000L).setNanos((int)(ns % 1_000_000_000L)).build();
    }

    static Service service(final ServiceView view)
    {
        final ServiceSection config = view.config();
        final Service.Builder service = Service.newBuilder().setKey(key(view.key())).setSettings(settings(config));
        for (final ServiceView.BackendView backend : view.backends())
        {
            final Backend.Builder entry = Backend.newBuilder().setAddress(address(backend.address())).setWeight(backend.weight())
                .setEffectiveWeight(backend.effectiveWeight()).setHealth(health(backend.status().health()));
            if (backend.status().lastLatencyNs() >= 0)
            {
                entry.setLastCheckLatency(duration(backend.status().lastLatencyNs()));
            }
            if (backend.status().since() != null)
            {
                entry.setHealthSince(timestamp(backend.status().since()));
            }
            service.addBackends(entry);
        }
        service.setStatus(ServiceStatus.newBuilder().setUp(!view.condition().belowQuorum()).setUpBackends(view.condition().serving())
            .setSorryActive(view.condition().sorryActive()).setNoBackend(view.condition().noBackend()));
        return service.build();
    }

    static ServiceSettings settings(final ServiceSection config)
    {
        final ServiceSettings.Builder settings = ServiceSettings.newBuilder()
            .setMode(switch (config.mode())
            {
                case DSR -> ForwardingMode.FORWARDING_MODE_DSR;
                case IPIP -> ForwardingMode.FORWARDING_MODE_IPIP;
                case GUE -> ForwardingMode.FORWARDING_MODE_GUE;
                case NAT -> ForwardingMode.FORWARDING_MODE_NAT;
                case FULLNAT -> ForwardingMode.FORWARDING_MODE_FULLNAT;
            })
            .setBackendPort(config.backendPort())
            .setFragmentsValue(config.fragments().ordinal())
            .setClientAddressValue(config.rewrite().clientAddress().ordinal())
            .setToaKind(config.rewrite().toaKind())
            .setMssClamp(config.rewrite().mssClamp())
            .setScheduler(Scheduler.forNumber(config.scheduler().ordinal() + 1))
            .setQuorum(config.quorum())
            .setSorryBackend(address(config.sorry()))
            .setTcpIdleTimeout(duration(config.tcpIdleNs()))
            .setUdpIdleTimeout(duration(config.udpIdleNs()))
            .setMaglevSize(config.maglevSize());
        for (final io.sluice.controlplane.config.ServiceFlag flag : io.sluice.controlplane.config.ServiceFlag.values())
        {
            if (config.flags().contains(flag))
            {
                settings.addFlags(ServiceFlag.forNumber(flag.ordinal() + 1));
            }
        }
        if (config.healthCheck().kind() != io.sluice.controlplane.health.HealthCheckKind.NONE)
        {
            settings.setHealthCheck(healthPolicy(config.healthCheck()));
        }
        return settings.build();
    }

    static HealthPolicy healthPolicy(final io.sluice.controlplane.health.HealthPolicy policy)
    {
        final HealthPolicy.Builder proto = HealthPolicy.newBuilder()
            .setKind(HealthCheckKind.forNumber(policy.kind().ordinal() + 1))
            .setPort(policy.port())
            .setHttpPath(policy.httpPath())
            .setExpectStatus(policy.expectStatus())
            .setUdpSend(ByteString.copyFrom(policy.udpSend()))
            .setUdpExpect(ByteString.copyFrom(policy.udpExpect()))
            .setInterval(duration(policy.interval().toNanos()))
            .setTimeout(duration(policy.timeout().toNanos()))
            .setRise(policy.rise())
            .setFall(policy.fall());
        if (policy.httpHost() != null)
        {
            proto.setHttpHost(policy.httpHost());
        }
        return proto.build();
    }

    static HealthState health(final BackendHealth health)
    {
        return switch (health)
        {
            case UNKNOWN -> HealthState.HEALTH_STATE_UNKNOWN;
            case UP -> HealthState.HEALTH_STATE_UP;
            case DOWN -> HealthState.HEALTH_STATE_DOWN;
        };
    }

    static ChangeResponse change(final ChangeResult result)
    {
        final ChangeResponse.Builder response = ChangeResponse.newBuilder().setGeneration(result.generation())
            .setSummary(result.summary());
        if (result.service() != null)
        {
            response.setService(service(result.service()));
        }
        return response.build();
    }

    static ApplyConfigResponse applied(final ApplyResult result)
    {
        final ApplyConfigResponse.Builder response = ApplyConfigResponse.newBuilder().setApplied(result.applied())
            .setGeneration(result.generation()).addAllNotApplied(result.notApplied()).setSummary(result.summary());
        for (final io.sluice.controlplane.model.ConfigChange change : result.changes())
        {
            response.addChanges(ConfigChange.newBuilder().setKind(ChangeKind.forNumber(change.kind().ordinal() + 1))
                .setSubject(change.subject()).setDetail(change.detail()));
        }
        return response.build();
    }

    static LookupFlowResponse flow(final FlowPrediction prediction)
    {
        final LookupFlowResponse.Builder response = LookupFlowResponse.newBuilder().setServiceFound(prediction.service() != null)
            .setFlowHash(prediction.flowHash()).setGeneration(prediction.generation());
        if (prediction.service() == null)
        {
            return response.build();
        }
        response.setService(key(prediction.service())).setMaglevSlot(prediction.maglevSlot())
            .setScheduledBackend(address(prediction.scheduledBackend()));
        switch (prediction.flowTable().state())
        {
            case UNAVAILABLE -> response.setFlowTable(FlowTableState.FLOW_TABLE_STATE_UNAVAILABLE);
            case NOT_FOUND -> response.setFlowTable(FlowTableState.FLOW_TABLE_STATE_NOT_FOUND);
            case FOUND -> response.setFlowTable(FlowTableState.FLOW_TABLE_STATE_FOUND).setWorker(prediction.flowTable().worker())
                .setPinnedBackend(address(prediction.flowTable().backend()));
        }
        return response.build();
    }

    static HaStateKind haKind(final io.sluice.controlplane.model.HaState.Role role)
    {
        return switch (role)
        {
            case STANDALONE -> HaStateKind.HA_STATE_KIND_STANDALONE;
            case ACTIVE -> HaStateKind.HA_STATE_KIND_ACTIVE;
            case MASTER -> HaStateKind.HA_STATE_KIND_MASTER;
            case BACKUP -> HaStateKind.HA_STATE_KIND_BACKUP;
            case MIXED -> HaStateKind.HA_STATE_KIND_MIXED;
            case INITIALIZE -> HaStateKind.HA_STATE_KIND_INITIALIZE;
        };
    }

    static Event dropped(final long count, final Instant now)
    {
        return Event.newBuilder().setTime(timestamp(now)).setDropped(EventsDropped.newBuilder().setCount(count)).build();
    }

    static Event event(final ControlEvent event)
    {
        final Event.Builder proto = Event.newBuilder().setSequence(event.sequence()).setTime(timestamp(event.time()));
        switch (event.detail())
        {
            case ControlEvent.HealthChanged health -> proto.setHealth(HealthTransition.newBuilder().setService(key(health.service()))
                .setBackend(address(health.backend())).setOldState(health(health.oldState())).setNewState(health(health.newState()))
                .setReason(health.reason()).setLatency(duration(Math.max(0, health.latencyNs()))));
            case ControlEvent.GenerationApplied applied -> proto.setGenerationApplied(GenerationApplied.newBuilder()
                .setGeneration(applied.generation()).setChange(applied.change()).setOrigin(applied.origin()));
            case ControlEvent.QuorumChanged quorum -> proto.setQuorum(QuorumChange.newBuilder().setService(key(quorum.service()))
                .setLost(quorum.lost()).setUpBackends(quorum.serving()).setQuorum(quorum.quorum())
                .setSorryActive(quorum.sorryActive()));
            case ControlEvent.NoBackendChanged none -> proto.setNoBackend(NoBackend.newBuilder().setService(key(none.service()))
                .setNoBackend(none.noBackend()));
            case ControlEvent.HaChanged ha -> proto.setHa(HaTransition.newBuilder().setOldState(haKind(ha.oldState()))
                .setNewState(haKind(ha.newState())));
            case ControlEvent.VrrpChanged vrrp -> proto.setHa(HaTransition.newBuilder().setOldState(haKind(vrrp.oldRole()))
                .setNewState(haKind(vrrp.newRole())).setRouter(vrrp.router()).setVrid(vrrp.vrid()).setIpv6(vrrp.ipv6())
                .setRouterOldState(HaReplies.state(vrrp.from())).setRouterNewState(HaReplies.state(vrrp.to())));
        }
        return proto.build();
    }
}
