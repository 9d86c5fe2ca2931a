package io.sluice.controlplane.model;

/**
 * One difference between two configurations.
 *
 * @param kind    added, removed or changed.
 * @param subject what: {@code network}, {@code timeouts}, {@code service 192.0.2.10:80/tcp},
 *                {@code backend 203.0.113.11 of 192.0.2.10:80/tcp}.
 * @param detail  how, e.g. {@code weight 1 -> 3}.
 */
public record ConfigChange(Kind kind, String subject, String detail)
{
    /**
     * What happened to the subject.
     */
    public enum Kind
    {
        /** It is new. */
        ADDED,
        /** It is gone. */
        REMOVED,
        /** It is there in both, different. */
        CHANGED
    }

    /**
     * The change in words.
     *
     * @return e.g. {@code changed backend 203.0.113.11 of 192.0.2.10:80/tcp: weight 1 -> 3}.
     */
    @Override
    public String toString()
    {
        return kind.name().toLowerCase() + " " + subject + (detail.isEmpty() ? "" : ": " + detail);
    }
}
