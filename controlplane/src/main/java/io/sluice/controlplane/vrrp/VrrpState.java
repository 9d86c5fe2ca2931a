package io.sluice.controlplane.vrrp;

/**
 * The states of an RFC 5798 virtual router (§6.4), with the words keepalived's notify scripts use.
 */
public enum VrrpState
{
    /** Not running: before startup and after shutdown (keepalived's {@code STOP}). */
    INITIALIZE("STOP"),
    /** Watching the master; answers nothing for the virtual addresses. */
    BACKUP("BACKUP"),
    /** Owns the virtual addresses: answers ARP / ND for them and forwards their traffic. */
    MASTER("MASTER");

    private final String notifyName;

    VrrpState(final String notifyName)
    {
        this.notifyName = notifyName;
    }

    /** @return the state as a notify hook receives it: {@code MASTER}, {@code BACKUP} or {@code STOP}. */
    public String notifyName()
    {
        return notifyName;
    }
}
