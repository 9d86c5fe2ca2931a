/* The hot path: rte_eth_rx_burst and rte_eth_tx_burst are static inline in DPDK, so Java calls
 * these wrappers. No checks beyond DPDK's own: the Java side validates queue ids and array sizes. */
#include <rte_ethdev.h>

#include "sluice_dpdk.h"

int sluice_rx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **mbufs, uint16_t count)
{
    return (int)rte_eth_rx_burst(port_id, queue_id, mbufs, count);
}

int sluice_tx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **mbufs, uint16_t count)
{
    return (int)rte_eth_tx_burst(port_id, queue_id, mbufs, count);
}
