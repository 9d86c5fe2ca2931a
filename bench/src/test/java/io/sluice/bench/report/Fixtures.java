package io.sluice.bench.report;

/** Small results files with known figures, in the shapes {@code ./sluice bench e2e} and JMH write. */
final class Fixtures
{
    /** Two ceilings; four Sluice points (the 100k one without a paced run); one entry of another kind. */
    static final String E2E = """
        {"date":"2026-12-06T18:05:46Z","cpus":2,"results":[
        {"kind":"ceiling","forward":"io","rxMpps":6.4867,"gen":{"rxMpps":6.4867}},
        {"kind":"ceiling","forward":"macswap","rxMpps":6.4553,"gen":{"rxMpps":6.4553}},
        {"kind":"sluice","mode":"ipip","flows":"100k","newFlowsPercent":0,"rxMpps":4.5391,"ofCeiling":0.6998,"latencyRate":"1M",
         "latency":null,"worker":%s,"throughput":{}},
        {"kind":"sluice","mode":"ipip","flows":"1k","newFlowsPercent":0,"rxMpps":5.5063,"ofCeiling":0.8489,"latencyRate":"1M",
         "latency":{"rxMpps":0.99,"latencyUs":{"p50":2.455,"p90":5.0,"p99":307.455,"p99.9":4077.567}},"worker":%s,"throughput":{}},
        {"kind":"sluice","mode":"ipip","flows":"1k","newFlowsPercent":10,"rxMpps":5.2828,"ofCeiling":0.7773,"latencyRate":"1M",
         "latency":{"latencyUs":{"p50":0.832,"p99":286.975,"p99.9":2912.255}},"worker":%s,"throughput":{}},
        {"kind":"scaling","workers":2,"rxMpps":9.1},
        {"kind":"sluice","mode":"nat","flows":"1M","newFlowsPercent":0,"rxMpps":4.0466,"ofCeiling":0.6269,"latencyRate":"1M",
         "latency":{"latencyUs":{"p50":3.347,"p99":3702.783,"p99.9":5029.887}},"worker":null,"throughput":{}}
        ]}
        """.formatted(worker(1.6, 39.5, 77.4, 54.7, 1.0, 12.1, 2.0), worker(1.5, 40.0, 113.6, 55.0, 0.9, 18.1, 2.6),
        worker(1.7, 41.0, 90.0, 56.0, 1.1, 13.0, 2.2));

    /** ScaleBenchmark by flows (ns/op, one in us/op) and by backends, the Maglev build (ms/op), a pipeline case. */
    static final String JMH = """
        [
        %s,
        %s,
        %s,
        %s,
        %s,
        %s,
        %s
        ]
        """.formatted(
        jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows", "{\"flows\":\"1000\"}", 31.5, 0.4, "ns/op"),
        jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows", "{\"flows\":\"1\"}", 24.25, "\"NaN\"", "ns/op"),
        jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByFlows", "{\"flows\":\"10000000\"}", 0.1425, 0.002, "us/op"),
        jmh("io.sluice.bench.pipeline.ScaleBenchmark.establishedByBackends", "{\"backends\":\"10\"}", 33.0, 0.5, "ns/op"),
        jmh("io.sluice.bench.pipeline.ScaleBenchmark.newFlowByBackends", "{\"backends\":\"10000\"}", 88.0, 1.5, "ns/op"),
        jmh("io.sluice.bench.maglev.MaglevTableBuilderBenchmark.build", "{\"backends\":\"100\"}", 1.75, 0.05, "ms/op"),
        jmh("io.sluice.bench.pipeline.PipelineBenchmark.newFlow", "{\"mode\":\"IPIP\"}", 60.0, 1.0, "ns/op"));

    private Fixtures()
    {
    }

    static String worker(final double commands, final double rx, final double pipeline, final double tx, final double free,
        final double housekeeping, final double loop)
    {
        return ("{\"timedPackets\":1202304,\"packetsPerCycle\":32.0,\"commandsNs\":%s,\"rxNs\":%s,\"pipelineNs\":%s,\"txNs\":%s," +
            "\"freeNs\":%s,\"housekeepingNs\":%s,\"loopNs\":%s,\"totalNs\":0,\"emptyPollNs\":45.5,\"forwarded\":1,\"dropped\":0}")
            .formatted(commands, rx, pipeline, tx, free, housekeeping, loop);
    }

    static String jmh(final String benchmark, final String params, final double score, final Object error, final String unit)
    {
        return ("{\"jmhVersion\":\"1.37\",\"benchmark\":\"%s\",\"mode\":\"avgt\",\"threads\":1,\"forks\":3,\"params\":%s," +
            "\"primaryMetric\":{\"score\":%s,\"scoreError\":%s,\"scoreConfidence\":[0,1],\"scoreUnit\":\"%s\",\"rawData\":[[1.0]]}," +
            "\"secondaryMetrics\":{}}").formatted(benchmark, params, score, error, unit);
    }
}
