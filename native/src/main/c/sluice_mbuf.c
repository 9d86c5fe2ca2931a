/* Layout facts about struct rte_mbuf, read by Java at start-up and compared with its constants,
 * and the single-mbuf operations that are static inline in DPDK. */
#include <stddef.h>
#include <rte_mbuf.h>

#include "sluice_dpdk.h"

int sluice_mbuf_offsets(int32_t *out, int count)
{
    int32_t all[SLUICE_MBUF_FIELD_COUNT];

    all[SLUICE_MBUF_BUF_ADDR] = (int32_t)offsetof(struct rte_mbuf, buf_addr);
    all[SLUICE_MBUF_DATA_OFF] = (int32_t)offsetof(struct rte_mbuf, data_off);
    all[SLUICE_MBUF_PKT_LEN] = (int32_t)offsetof(struct rte_mbuf, pkt_len);
    all[SLUICE_MBUF_DATA_LEN] = (int32_t)offsetof(struct rte_mbuf, data_len);
    all[SLUICE_MBUF_BUF_LEN] = (int32_t)offsetof(struct rte_mbuf, buf_len);
    all[SLUICE_MBUF_NB_SEGS] = (int32_t)offsetof(struct rte_mbuf, nb_segs);
    all[SLUICE_MBUF_PORT] = (int32_t)offsetof(struct rte_mbuf, port);
    all[SLUICE_MBUF_OL_FLAGS] = (int32_t)offsetof(struct rte_mbuf, ol_flags);
    all[SLUICE_MBUF_PACKET_TYPE] = (int32_t)offsetof(struct rte_mbuf, packet_type);
    all[SLUICE_MBUF_HASH_RSS] = (int32_t)offsetof(struct rte_mbuf, hash.rss);
    all[SLUICE_MBUF_NEXT] = (int32_t)offsetof(struct rte_mbuf, next);
    all[SLUICE_MBUF_STRUCT_SIZE] = (int32_t)sizeof(struct rte_mbuf);
    all[SLUICE_MBUF_HEADROOM] = (int32_t)RTE_PKTMBUF_HEADROOM;

    int n = count < SLUICE_MBUF_FIELD_COUNT ? count : SLUICE_MBUF_FIELD_COUNT;
    for (int i = 0; i < n; i++)
    {
        out[i] = all[i];
    }
    return n;
}

struct rte_mbuf *sluice_mbuf_alloc(struct rte_mempool *pool)
{
    return rte_pktmbuf_alloc(pool);
}

int sluice_mbuf_alloc_bulk(struct rte_mempool *pool, struct rte_mbuf **mbufs, uint32_t count)
{
    return rte_pktmbuf_alloc_bulk(pool, mbufs, count);
}

void sluice_mbuf_free(struct rte_mbuf *mbuf)
{
    rte_pktmbuf_free(mbuf);
}

void sluice_mbuf_free_bulk(struct rte_mbuf **mbufs, uint32_t count)
{
    rte_pktmbuf_free_bulk(mbufs, count);
}

char *sluice_mbuf_prepend(struct rte_mbuf *mbuf, uint16_t len)
{
    return rte_pktmbuf_prepend(mbuf, len);
}

char *sluice_mbuf_adj(struct rte_mbuf *mbuf, uint16_t len)
{
    return rte_pktmbuf_adj(mbuf, len);
}
