/* Packet mbuf pools. */
#include <errno.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "sluice_dpdk.h"

int sluice_pool_create(
    const char *name,
    uint32_t count,
    uint32_t cache_size,
    uint16_t data_room_size,
    int socket_id,
    struct rte_mempool **out)
{
    if (name == NULL || out == NULL)
    {
        return -EINVAL;
    }
    struct rte_mempool *pool = rte_pktmbuf_pool_create(name, count, cache_size, 0, data_room_size, socket_id);
    if (pool == NULL)
    {
        return -rte_errno;
    }
    *out = pool;
    return 0;
}

void sluice_pool_free(struct rte_mempool *pool)
{
    rte_mempool_free(pool);
}

int sluice_pool_available(const struct rte_mempool *pool)
{
    return (int)rte_mempool_avail_count(pool);
}

int sluice_pool_in_use(const struct rte_mempool *pool)
{
    return (int)rte_mempool_in_use_count(pool);
}
