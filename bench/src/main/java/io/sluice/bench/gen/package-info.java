/**
 * {@code sluice gen}: a DPDK traffic generator on Sluice's native layer. {@link io.sluice.bench.gen.Gen}
 * is the command line; {@code GenRun} the process (EAL, ports, threads, reporting);
 * {@code TrafficLoop} the polling duty cycle over {@code TrafficFrames} (packet templates),
 * {@code FlowSchedule} (which tuple), {@code OutputDecoder} (what the load balancer sent on),
 * {@code BackendTable}, {@code LatencyRecorder} and {@code GenCounters}; {@code GenSummary} the report.
 * See bench/README.md, "Traffic generator".
 */
package io.sluice.bench.gen;
