/**
 * VRRPv3 (RFC 5798, with the RFC 9568 clarifications) as a pure library: no socket and no thread
 * of its own except the notify hooks'. The control thread feeds it punted frames and the time, and
 * it answers with frames to transmit and transitions.
 * <ul>
 *   <li>{@link io.sluice.controlplane.vrrp.VrrpConfig} and {@link io.sluice.controlplane.vrrp.VrrpConfigValidator}:
 *       one virtual router's settings and every problem with them.</li>
 *   <li>{@link io.sluice.controlplane.vrrp.VrrpFrames} and {@link io.sluice.controlplane.vrrp.AdvertisementDecoder}:
 *       advertisements, gratuitous ARPs and unsolicited NAs as whole Ethernet frames, in and out.</li>
 *   <li>{@link io.sluice.controlplane.vrrp.VirtualRouter}: the §6.4 state machine of one virtual router, with
 *       injected time; {@link io.sluice.controlplane.vrrp.VrrpInstance}: many of them, and the receive checks.</li>
 *   <li>{@link io.sluice.controlplane.vrrp.VrrpTransmitter}: the machines' requests as frames to a sink;
 *       {@link io.sluice.controlplane.vrrp.VrrpNotifyRunner}: keepalived-style notify hooks.</li>
 * </ul>
 */
package io.sluice.controlplane.vrrp;
