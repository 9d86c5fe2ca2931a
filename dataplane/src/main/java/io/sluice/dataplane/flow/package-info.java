/**
 * A worker's flow state: the {@link io.sluice.dataplane.flow.FlowKey} of a packet and the
 * {@link io.sluice.dataplane.flow.FlowTable} that pins each established flow to a backend.
 * <h2>Layout of the flow table</h2>
 * The table is off-heap, of fixed capacity and set-associative. A flow lives in the bucket chosen
 * by the low bits of {@link io.sluice.dataplane.flow.FlowKey#hash()} (Maglev uses the upper 32 bits of the same
 * hash) and in any of that bucket's {@link io.sluice.dataplane.flow.FlowTable#SLOTS_PER_BUCKET} slots. A bucket
 * is one 64-byte header line holding a 32-bit hash tag and a coarse expiry tick per slot, followed by one 64-byte
 * line per slot holding the full key and the value. A lookup reads the header, and on a tag match (a tag is 31
 * bits of the upper half of the hash, so a false match is about one lookup in 2^28) the one slot line whose full
 * key is then compared: two cache lines per hit, one per miss. The sweep and the search for a free or expired
 * slot read headers only; only the eviction of the stalest slot of a full bucket reads every slot line of the
 * bucket.
 * <pre>
 *   bucket b starts at b * 576 (64-byte aligned); handle = b * 8 + way
 *
 *   header line (64 bytes), one row = 8 bytes
 *   +-------------------------------+-------------------------------+
 *   |          tag of way 0         |          tag of way 1         |  0
 *   |          tag of way 2         |          tag of way 3         |  8
 *   |          tag of way 4         |          tag of way 5         | 16
 *   |          tag of way 6         |          tag of way 7         | 24
 *   +-------------------------------+-------------------------------+
 *   |     expiry tick of way 0      |     expiry tick of way 1      | 32
 *   |              ...              |              ...              | 40, 48
 *   |     expiry tick of way 6      |     expiry tick of way 7      | 56
 *   +-------------------------------+-------------------------------+
 *   tag:         0 = free slot, else (int)(hash >>> 32) | 1
 *   expiry tick: (int)(lastSeenNs >> 20) + ceil(idleTimeoutNs / 2^20)
 *
 *   slot line of way w (64 bytes) at 64 + w * 64 from the bucket, one row = 8 bytes
 *   +---------------------------------------------------------------+
 *   |                source address, upper 64 bits                  |  0
 *   |                source address, lower 64 bits                  |  8
 *   |             destination address, upper 64 bits                | 16
 *   |             destination address, lower 64 bits                | 24
 *   +---------------+---------------+---------------+-------+-------+
 *   |   src port    |   dst port    |     zero      | proto |family | 32  tuple word: one long, bit 63 left
 *   +---------------+---------------+---------------+-------+-------+
 *   |          backend id           |         caller's flags        | 40
 *   +-------------------------------+-------------------------------+
 *   |                 last seen, caller's ns clock                  | 48
 *   |                       idle timeout, ns                        | 56
 *   +---------------------------------------------------------------+
 *   family: 0 IPv4 (addresses held IPv4-mapped, as in FlowKey), 1 IPv6
 * </pre>
 * Memory: 72 bytes per flow (576 per bucket of 8), so a 1M-flow table takes 72 MiB. Fields are held
 * in native byte order: the memory never leaves the process.
 * <h2>Time</h2>
 * Every method of the table takes {@code nowNs} from the caller's clock ({@link System#nanoTime()} or any
 * monotonic nanosecond clock, of any origin); times are only ever compared as differences, so the clock may also
 * wrap. A flow is expired when {@code nowNs - lastSeenNs > idleTimeoutNs}, decided exactly by {@code find},
 * {@code insert} and {@code isLive}. The incremental {@code expire} sweep decides from the header alone, in ticks
 * of 2^20 ns (1.048576 ms) held as ints: it never frees a flow that is not expired, and frees an expired one at
 * most two ticks (about 2.1 ms) late. The int ticks wrap every 2^32 ticks (about 52 days), which is harmless as
 * long as the sweep visits every bucket within about 26 days after its flows expire; any non-zero sweep rate does.
 * <h2>Handles</h2>
 * Handles are slot indexes, {@code 0 <= handle < capacity()}. A handle stays valid until the next call that may
 * free or reuse slots ({@code insert}, {@code remove}, {@code expire}, or {@code find}, which frees an expired
 * entry it meets). {@code isLive} and {@code readKey} over all handles enumerate the table.
 * <h2>The classes behind the table</h2>
 * {@code FlowSlots}, which {@code FlowTable} extends, holds the storage: the memory, the layout above, an entry's
 * fields by handle, the enumeration and the statistics. {@code FlowTable} adds what works on whole buckets: lookup,
 * insert, eviction, removal, the prefetch hints and the per-backend flow counts. The only subclass is final, so the
 * calls between the two bind statically, as within one class. The expiry sweep ({@code FlowExpirySweep}) runs beside
 * them, behind {@code FlowTable.expire}.
 */
package io.sluice.dataplane.flow;
