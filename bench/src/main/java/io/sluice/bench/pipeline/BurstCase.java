package io.sluice.bench.pipeline;

/**
 * A benchmark case as its JMH method runs it: a burst begun, then each of its
 * {@link PipelineFixture#BURST_SIZE} packets processed. For tools that run the states outside JMH
 * ({@link ScaleCpuProbe}).
 */
public interface BurstCase
{
    /** Starts a burst: receives its frames into the burst's buffers. */
    void beginBurst();

    /**
     * Runs packet {@code index} of the burst through the pipeline.
     *
     * @param index 0 to {@link PipelineFixture#BURST_SIZE} - 1.
     * @return the verdict.
     */
    int processPacket(int index);
}
