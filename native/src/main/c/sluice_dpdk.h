/*
 * Sluice's narrow, stable C API over DPDK 22.11. Java binds to exactly these symbols through
 * FFM (io.sluice.dpdk.SluiceDpdk); nothing else in DPDK is called from Java.
 *
 * Conventions: functions return 0 or a non-negative value on success and a negative errno
 * (-rte_errno where DPDK sets it) on failure. Pointers to DPDK objects are opaque to Java.
 * Every DPDK log line is also kept, per thread, so that Java can put the text DPDK printed
 * into the exception it throws (sluice_log_capture / sluice_log_clear).
 *
 * Files: sluice_eal.c (EAL, threads, errors, log capture), sluice_mempool.c (mbuf pools),
 * sluice_mbuf.c (mbuf layout and single-mbuf operations), sluice_port.c (ethdev control
 * path), sluice_burst.c (the hot-path rx/tx burst wrappers).
 */
#ifndef SLUICE_DPDK_H
#define SLUICE_DPDK_H

#include <stdint.h>

struct rte_mempool;
struct rte_mbuf;

/* ---- EAL, threads, errors (sluice_eal.c) ---------------------------------------------- */

/* Installs the log capture, then rte_eal_init(argc, argv). Returns the number of arguments
 * parsed (>= 0) or -rte_errno. Call once per process, from the thread that will be the main lcore. */
int sluice_eal_init(int argc, char **argv);

/* rte_eal_cleanup(). Returns 0 or -rte_errno. */
int sluice_eal_cleanup(void);

/* Registers the calling thread with EAL (rte_thread_register) so it gets an lcore id and a
 * per-lcore mempool cache. Returns the lcore id (>= 0), also when the thread was already
 * registered or is an EAL thread, or -rte_errno. */
int sluice_thread_register(void);

/* Releases the calling thread's lcore (rte_thread_unregister). Returns 0. */
int sluice_thread_unregister(void);

/* Pins the calling thread to one CPU (pthread_setaffinity_np). Call before sluice_thread_register
 * so that EAL records the affinity. Returns 0 or a negative errno (-EINVAL for a CPU out of range). */
int sluice_thread_pin(int cpu);

/* rte_lcore_id() of the calling thread, or -1 when it has none. */
int sluice_lcore_id(void);

/* rte_socket_id() of the calling thread, or -1 (SOCKET_ID_ANY) when unknown. */
int sluice_socket_id(void);

/* Copies rte_strerror(-error) (error is a negative errno) into buf, NUL terminated.
 * Returns the length written, excluding the NUL. */
int sluice_strerror(int error, char *buf, int len);

/* Copies the DPDK log text printed on the calling thread since the last sluice_log_clear()
 * (the most recent part when it overflowed) into buf, NUL terminated. Returns the length. */
int sluice_log_capture(char *buf, int len);

/* Forgets the calling thread's captured log text. */
void sluice_log_clear(void);

/* ---- Mbuf pools (sluice_mempool.c) ------------------------------------------------------ */

/* rte_pktmbuf_pool_create(name, count, cache_size, 0, data_room_size, socket_id).
 * Stores the pool in *out and returns 0, or returns -rte_errno and leaves *out untouched. */
int sluice_pool_create(
    const char *name,
    uint32_t count,
    uint32_t cache_size,
    uint16_t data_room_size,
    int socket_id,
    struct rte_mempool **out);

/* rte_mempool_free(pool). Every mbuf must have been returned first. */
void sluice_pool_free(struct rte_mempool *pool);

/* Mbufs free in the pool, including those held in per-lcore caches. */
int sluice_pool_available(const struct rte_mempool *pool);

/* Mbufs taken from the pool and not yet returned. */
int sluice_pool_in_use(const struct rte_mempool *pool);

/* ---- Mbufs (sluice_mbuf.c) --------------------------------------------------------------- */

/* Indices into the array filled by sluice_mbuf_offsets(). */
enum sluice_mbuf_field {
    SLUICE_MBUF_BUF_ADDR = 0,
    SLUICE_MBUF_DATA_OFF = 1,
    SLUICE_MBUF_PKT_LEN = 2,
    SLUICE_MBUF_DATA_LEN = 3,
    SLUICE_MBUF_BUF_LEN = 4,
    SLUICE_MBUF_NB_SEGS = 5,
    SLUICE_MBUF_PORT = 6,
    SLUICE_MBUF_OL_FLAGS = 7,
    SLUICE_MBUF_PACKET_TYPE = 8,
    SLUICE_MBUF_HASH_RSS = 9,
    SLUICE_MBUF_NEXT = 10,
    SLUICE_MBUF_STRUCT_SIZE = 11,
    SLUICE_MBUF_HEADROOM = 12,
    SLUICE_MBUF_FIELD_COUNT = 13
};

/* Fills out[0..count) with offsetof() of the rte_mbuf fields above; returns the count written. */
int sluice_mbuf_offsets(int32_t *out, int count);

/* rte_pktmbuf_alloc(pool): a reset mbuf, or NULL when the pool is empty. */
struct rte_mbuf *sluice_mbuf_alloc(struct rte_mempool *pool);

/* rte_pktmbuf_alloc_bulk(pool, mbufs, count): all count mbufs (0) or none (-ENOENT). */
int sluice_mbuf_alloc_bulk(struct rte_mempool *pool, struct rte_mbuf **mbufs, uint32_t count);

/* rte_pktmbuf_free(mbuf); NULL is ignored. */
void sluice_mbuf_free(struct rte_mbuf *mbuf);

/* rte_pktmbuf_free_bulk(mbufs, count); NULL entries are ignored. */
void sluice_mbuf_free_bulk(struct rte_mbuf **mbufs, uint32_t count);

/* rte_pktmbuf_prepend(mbuf, len): the new data start, or NULL when the headroom is too small. */
char *sluice_mbuf_prepend(struct rte_mbuf *mbuf, uint16_t len);

/* rte_pktmbuf_adj(mbuf, len): the new data start, or NULL when len > data_len. */
char *sluice_mbuf_adj(struct rte_mbuf *mbuf, uint16_t len);

/* ---- Ports (sluice_port.c) --------------------------------------------------------------- */

/* Indices into the array filled by sluice_port_configure(). */
enum sluice_port_applied {
    SLUICE_PORT_RX_QUEUES = 0,      /* rx queues configured */
    SLUICE_PORT_TX_QUEUES = 1,      /* tx queues configured */
    SLUICE_PORT_RX_DESC = 2,        /* rx descriptors per queue */
    SLUICE_PORT_TX_DESC = 3,        /* tx descriptors per queue */
    SLUICE_PORT_RSS_HF = 4,         /* RSS hash functions enabled (0: no RSS) */
    SLUICE_PORT_MAX_RX_QUEUES = 5,  /* device limit */
    SLUICE_PORT_MAX_TX_QUEUES = 6,  /* device limit */
    SLUICE_PORT_APPLIED_COUNT = 7
};

/* Indices into the array filled by sluice_port_link(). */
enum sluice_port_link_field {
    SLUICE_LINK_SPEED_MBPS = 0,     /* RTE_ETH_SPEED_NUM_*, -1 when unknown */
    SLUICE_LINK_UP = 1,
    SLUICE_LINK_FULL_DUPLEX = 2,
    SLUICE_LINK_AUTONEG = 3,
    SLUICE_LINK_FIELD_COUNT = 4
};

/* Indices into the array filled by sluice_port_stats(). */
enum sluice_port_stat {
    SLUICE_STAT_IPACKETS = 0,
    SLUICE_STAT_OPACKETS = 1,
    SLUICE_STAT_IBYTES = 2,
    SLUICE_STAT_OBYTES = 3,
    SLUICE_STAT_IMISSED = 4,
    SLUICE_STAT_IERRORS = 5,
    SLUICE_STAT_OERRORS = 6,
    SLUICE_STAT_RX_NOMBUF = 7,
    SLUICE_STAT_COUNT = 8
};

/* Indices into the array filled by sluice_port_rss(). */
enum sluice_port_rss_field {
    SLUICE_RSS_HF = 0,              /* rss_hf in force (RTE_ETH_RSS_* bits), 0 when unknown */
    SLUICE_RSS_KEY_LENGTH = 1,      /* hash_key_size of the device, in bytes */
    SLUICE_RSS_RETA_SIZE = 2,       /* reta_size of the device, in entries */
    SLUICE_RSS_FIELD_COUNT = 3
};

/* Probes the device (rte_dev_probe) given as a PCI address or vdev devargs string, then finds
 * its first ethdev port. Stores the port id in *port_id and returns 0, or returns -errno. A device
 * that is already attached is found and returned as well. */
int sluice_port_attach(const char *devargs, uint16_t *port_id);

/* Copies the ethdev name of the port into buf, NUL terminated. Returns its length or -errno. */
int sluice_port_name(uint16_t port_id, char *buf, int len);

/* Configures rx_queues / tx_queues with the given descriptor counts, clamped to the device's
 * limits, RSS over IP/TCP/UDP when more than one rx queue and the device supports it, and every
 * rx queue filling from pool. Writes what was applied to applied[0..SLUICE_PORT_APPLIED_COUNT).
 * Returns 0 or -errno. */
int sluice_port_configure(
    uint16_t port_id,
    uint16_t rx_queues,
    uint16_t tx_queues,
    uint16_t rx_desc,
    uint16_t tx_desc,
    struct rte_mempool *pool,
    int64_t *applied);

/* rte_eth_dev_start(port_id). Returns 0 or -errno. */
int sluice_port_start(uint16_t port_id);

/* rte_eth_dev_stop(port_id). Returns 0 or -errno. */
int sluice_port_stop(uint16_t port_id);

/* Turns promiscuous mode on (enable != 0) or off. Returns 0 or -errno (-ENOTSUP when the
 * device cannot change it). */
int sluice_port_promiscuous(uint16_t port_id, int enable);

/* Stops and closes the port, then detaches its device (rte_dev_remove) so the same device
 * string can be attached again. Returns 0 or -errno. */
int sluice_port_close(uint16_t port_id);

/* Copies the port's MAC address into out[0..6). Returns 0 or -errno. */
int sluice_port_mac(uint16_t port_id, uint8_t *out);

/* Link state without waiting, into out[0..SLUICE_LINK_FIELD_COUNT). Returns 0 or -errno. */
int sluice_port_link(uint16_t port_id, int64_t *out);

/* Basic port counters into out[0..SLUICE_STAT_COUNT). Returns 0 or -errno. */
int sluice_port_stats(uint16_t port_id, uint64_t *out);

/* Zeroes the port counters. Returns 0 or -errno. */
int sluice_port_stats_reset(uint16_t port_id);

/* Reads what a started port's RSS does, so that software can tell which rx queue a flow lands on:
 * the hash key (rte_eth_dev_rss_hash_conf_get) into key[0..hash_key_size), the redirection table
 * (rte_eth_dev_rss_reta_query) into reta[0..reta_size), and rss_hf, hash_key_size and reta_size
 * (rte_eth_dev_info_get) into out[0..SLUICE_RSS_FIELD_COUNT). Returns 0, -ENOTSUP when the device
 * cannot report its key or table (no such op, or a key or table size of 0; the sizes and, where the
 * device told, rss_hf are still written), -ENOSPC when key_capacity or reta_capacity is smaller than
 * the sizes written to out, or another -errno. */
int sluice_port_rss(uint16_t port_id, uint8_t *key, int key_capacity, uint16_t *reta, int reta_capacity, int64_t *out);

/* ---- Bursts (sluice_burst.c), the hot path ------------------------------------------------ */

/* rte_eth_rx_burst: fills mbufs[0..count) and returns how many were received. */
int sluice_rx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **mbufs, uint16_t count);

/* rte_eth_tx_burst: returns how many of mbufs[0..count) the device took; the caller still owns
 * (and must send again or free) the rest. */
int sluice_tx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **mbufs, uint16_t count);

#endif
