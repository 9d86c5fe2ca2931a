/**
 * The health-check engine: probes, the rise/fall state machine, scheduling and latency measurement.
 * No gRPC and no YAML here: the control model hands a {@link io.sluice.controlplane.health.HealthChecker}
 * its targets and policies and listens to its transitions.
 * <ul>
 *   <li>{@link io.sluice.controlplane.health.HealthPolicy}: one per service, validated on construction.</li>
 *   <li>{@link io.sluice.controlplane.health.HealthStateMachine}: rise/fall counting per backend.</li>
 *   <li>{@link io.sluice.controlplane.health.HealthProbe} and its kinds:
 *       {@link io.sluice.controlplane.health.TcpConnectProbe},
 *       {@link io.sluice.controlplane.health.HttpGetProbe} (HTTP and HTTPS),
 *       {@link io.sluice.controlplane.health.UdpProbe},
 *       {@link io.sluice.controlplane.health.IcmpEchoProbe}.</li>
 *   <li>{@link io.sluice.controlplane.health.HealthChecker}: schedules the checks of many targets and
 *       reports transitions to a {@link io.sluice.controlplane.health.HealthListener}.</li>
 * </ul>
 * A backend starts {@link io.sluice.controlplane.health.BackendHealth#UNKNOWN}, which counts as up, so
 * a new service is not blackholed while its checks warm up; with checks disabled it stays there.
 * <p>
 * ICMP: as root, {@code InetAddress.isReachable} sends real ICMP / ICMPv6 echo from a raw socket
 * (verified with strace on this JDK: {@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)} and
 * {@code socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)}); without the privilege it would silently
 * connect to TCP port 7 instead, so the ICMP probe refuses to run then (see {@link
 * io.sluice.controlplane.health.IcmpEchoProbe}).
 */
package io.sluice.controlplane.health;
