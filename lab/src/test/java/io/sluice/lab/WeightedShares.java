package io.sluice.lab;

import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whether connections spread over backends in proportion to their weights, with a tolerance
 * derived from the number of connections rather than guessed.
 * <p>
 * Each new connection has a fresh 5-tuple (an ephemeral client port), and the flow hash and
 * Maglev table send it to backend i with probability p_i = w_i / sum(w) (Maglev gives each backend
 * its ideal share of the 65537 slots to within one slot, 0.002 %). The number of n connections a
 * backend gets is then binomial(n, p_i), its share has standard deviation
 * sigma_i = sqrt(p_i (1 - p_i) / n), and the test accepts |share_i - p_i| &le; {@value #Z} sigma_i.
 * A correct load balancer fails one such comparison with probability 6.3e-5 (two-sided normal
 * tail at 4 sigma), about 1e-3 for all the comparisons of the lab system tests together; at
 * n = 600 the tolerance is 6.1 points for p = 1/6, 7.7 for p = 1/3 and 8.2 for p = 1/2, well
 * under the 16.7 points by which shares 1/6 : 1/3 : 1/2 differ from the 1/3 each that ignored
 * weights would give. (The suggested fixed 5 points at n = 600 would be 2.45 sigma for p = 1/2:
 * a false failure in 1.4 % of the runs for that backend alone.) A backend of weight 0 must get
 * no connection at all.
 */
final class WeightedShares
{
    /** Standard deviations of tolerance. */
    static final double Z = 4.0;

    private WeightedShares()
    {
    }

    /**
     * The tolerance of a backend's share.
     *
     * @param probability its expected share, 0..1.
     * @param connections the number of connections.
     * @return {@value #Z} standard deviations of its share, 0..1.
     */
    static double tolerance(final double probability, final int connections)
    {
        return Z * Math.sqrt(probability * (1.0 - probability) / connections);
    }

    /**
     * Asserts that the answers spread over the service's backends in proportion to the weights.
     *
     * @param service    the service with the weights in force.
     * @param perBackend how many connections each backend (by name) answered.
     * @param what       what the connections were, for the message.
     */
    static void assertProportional(final LbConfig.Service service, final Map<String, Integer> perBackend, final String what)
    {
        int connections = 0;
        for (final int count : perBackend.values())
        {
            connections += count;
        }
        final StringBuilder report = new StringBuilder(what).append(" to ").append(service.vip()).append(", ").append(connections)
            .append(" connections:");
        boolean proportional = true;
        for (final LbConfig.Backend backend : service.backends())
        {
            final int count = perBackend.getOrDefault(backend.backend().name(), 0);
            final double expected = (double)backend.weight() / service.totalWeight();
            final double share = (double)count / connections;
            final double tolerance = tolerance(expected, connections);
            report.append(String.format(Locale.ROOT, " %s weight %d: %d = %.1f %% (expected %.1f %% +- %.1f);",
                backend.backend().name(), backend.weight(), count, 100 * share, 100 * expected, 100 * tolerance));
            if (Math.abs(share - expected) > tolerance)
            {
                proportional = false;
            }
        }
        int known = 0;
        for (final LbConfig.Backend backend : service.backends())
        {
            known += perBackend.getOrDefault(backend.backend().name(), 0);
        }
        assertEquals(connections, known, "answers from backends the service does not have: " + perBackend);
        if (!proportional)
        {
            fail(report.toString());
        }
        System.out.println(report);
    }
}
