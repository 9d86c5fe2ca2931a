/*
 * Sluice's narrow, stable C API over DPDK 22.11. Java binds to exactly these symbols through
 * FFM (io.sluice.dpdk.SluiceDpdk); nothing else in DPDK is called from Java.
 *
 * Conventions: functions return 0 or a non-negative value on success and a negative errno
 * (-rte_errno where DPDK sets it) on failure. Pointers to DPDK objects are opaque to Java.
 */
#ifndef SLUICE_DPDK_H
#define SLUICE_DPDK_H

#include <stdint.h>

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

#endif
