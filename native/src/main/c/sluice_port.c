/* The ethdev control path: attach, configure, start, stop, close + detach, and port facts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "sluice_dpdk.h"

#define SLUICE_RSS_HASH_FUNCTIONS (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)

static uint16_t clamp_queues(uint16_t requested, uint16_t device_max)
{
    return requested < device_max ? requested : device_max;
}

static int find_port(const char *devargs, uint16_t *port_id)
{
    struct rte_dev_iterator iterator;
    int result = rte_eth_iterator_init(&iterator, devargs);
    if (result < 0)
    {
        return result;
    }
    uint16_t found = rte_eth_iterator_next(&iterator);
    rte_eth_iterator_cleanup(&iterator);
    if (found >= RTE_MAX_ETHPORTS)
    {
        return -ENODEV;
    }
    *port_id = found;
    return 0;
}

int sluice_port_attach(const char *devargs, uint16_t *port_id)
{
    if (devargs == NULL || devargs[0] == '\0' || port_id == NULL)
    {
        return -EINVAL;
    }
    int result = rte_dev_probe(devargs);
    if (result < 0 && result != -EEXIST)
    {
        return result;
    }
    return find_port(devargs, port_id);
}

int sluice_port_name(uint16_t port_id, char *buf, int len)
{
    char name[RTE_ETH_NAME_MAX_LEN];
    if (buf == NULL || len <= 0)
    {
        return -EINVAL;
    }
    int result = rte_eth_dev_get_name_by_port(port_id, name);
    if (result < 0)
    {
        return result;
    }
    int written = snprintf(buf, (size_t)len, "%s", name);
    return written < len ? written : len - 1;
}

static int setup_queues(
    uint16_t port_id, uint16_t rx_queues, uint16_t tx_queues, uint16_t rx_desc, uint16_t tx_desc,
    struct rte_mempool *pool)
{
    int socket_id = rte_eth_dev_socket_id(port_id);
    for (uint16_t queue = 0; queue < rx_queues; queue++)
    {
        int result = rte_eth_rx_queue_setup(port_id, queue, rx_desc, socket_id, NULL, pool);
        if (result < 0)
        {
            return result;
        }
    }
    for (uint16_t queue = 0; queue < tx_queues; queue++)
    {
        int result = rte_eth_tx_queue_setup(port_id, queue, tx_desc, socket_id, NULL);
        if (result < 0)
        {
            return result;
        }
    }
    return 0;
}

int sluice_port_configure(
    uint16_t port_id,
    uint16_t rx_queues,
    uint16_t tx_queues,
    uint16_t rx_desc,
    uint16_t tx_desc,
    struct rte_mempool *pool,
    int64_t *applied)
{
    if (pool == NULL || applied == NULL || rx_queues == 0 || tx_queues == 0)
    {
        return -EINVAL;
    }
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port_id, &info);
    if (result < 0)
    {
        return result;
    }

    uint16_t rx_count = clamp_queues(rx_queues, info.max_rx_queues);
    uint16_t tx_count = clamp_queues(tx_queues, info.max_tx_queues);
    uint64_t rss_hf = rx_count > 1 ? (SLUICE_RSS_HASH_FUNCTIONS & info.flow_type_rss_offloads) : 0;

    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof(conf));
    if (rss_hf != 0)
    {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_key = NULL;
        conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
    result = rte_eth_dev_configure(port_id, rx_count, tx_count, &conf);
    if (result < 0)
    {
        return result;
    }

    uint16_t rx_count_desc = rx_desc;
    uint16_t tx_count_desc = tx_desc;
    result = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_count_desc, &tx_count_desc);
    if (result < 0)
    {
        return result;
    }
    result = setup_queues(port_id, rx_count, tx_count, rx_count_desc, tx_count_desc, pool);
    if (result < 0)
    {
        return result;
    }

    applied[SLUICE_PORT_RX_QUEUES] = rx_count;
    applied[SLUICE_PORT_TX_QUEUES] = tx_count;
    applied[SLUICE_PORT_RX_DESC] = rx_count_desc;
    applied[SLUICE_PORT_TX_DESC] = tx_count_desc;
    applied[SLUICE_PORT_RSS_HF] = (int64_t)rss_hf;
    applied[SLUICE_PORT_MAX_RX_QUEUES] = info.max_rx_queues;
    applied[SLUICE_PORT_MAX_TX_QUEUES] = info.max_tx_queues;
    return 0;
}

int sluice_port_start(uint16_t port_id)
{
    return rte_eth_dev_start(port_id);
}

int sluice_port_stop(uint16_t port_id)
{
    return rte_eth_dev_stop(port_id);
}

int sluice_port_promiscuous(uint16_t port_id, int enable)
{
    return enable != 0 ? rte_eth_promiscuous_enable(port_id) : rte_eth_promiscuous_disable(port_id);
}

int sluice_port_close(uint16_t port_id)
{
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port_id, &info);
    if (result < 0)
    {
        return result;
    }
    struct rte_device *device = info.device;
    rte_eth_dev_stop(port_id);
    result = rte_eth_dev_close(port_id);
    if (result < 0)
    {
        return result;
    }
    uint16_t sibling;
    RTE_ETH_FOREACH_DEV_OF(sibling, device)
    {
        return 0;
    }
    result = rte_dev_remove(device);
    return result < 0 ? result : 0;
}

int sluice_port_mac(uint16_t port_id, uint8_t *out)
{
    struct rte_ether_addr address;
    if (out == NULL)
    {
        return -EINVAL;
    }
    int result = rte_eth_macaddr_get(port_id, &address);
    if (result < 0)
    {
        return result;
    }
    memcpy(out, address.addr_bytes, RTE_ETHER_ADDR_LEN);
    return 0;
}

int sluice_port_link(uint16_t port_id, int64_t *out)
{
    struct rte_eth_link link;
    if (out == NULL)
    {
        return -EINVAL;
    }
    memset(&link, 0, sizeof(link));
    int result = rte_eth_link_get_nowait(port_id, &link);
    if (result < 0)
    {
        return result;
    }
    out[SLUICE_LINK_SPEED_MBPS] = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? -1 : (int64_t)link.link_speed;
    out[SLUICE_LINK_UP] = link.link_status == RTE_ETH_LINK_UP;
    out[SLUICE_LINK_FULL_DUPLEX] = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
    out[SLUICE_LINK_AUTONEG] = link.link_autoneg == RTE_ETH_LINK_AUTONEG;
    return 0;
}

int sluice_port_stats(uint16_t port_id, uint64_t *out)
{
    struct rte_eth_stats stats;
    if (out == NULL)
    {
        return -EINVAL;
    }
    int result = rte_eth_stats_get(port_id, &stats);
    if (result < 0)
    {
        return result;
    }
    out[SLUICE_STAT_IPACKETS] = stats.ipackets;
    out[SLUICE_STAT_OPACKETS] = stats.opackets;
    out[SLUICE_STAT_IBYTES] = stats.ibytes;
    out[SLUICE_STAT_OBYTES] = stats.obytes;
    out[SLUICE_STAT_IMISSED] = stats.imissed;
    out[SLUICE_STAT_IERRORS] = stats.ierrors;
    out[SLUICE_STAT_OERRORS] = stats.oerrors;
    out[SLUICE_STAT_RX_NOMBUF] = stats.rx_nombuf;
    return 0;
}

int sluice_port_stats_reset(uint16_t port_id)
{
    return rte_eth_stats_reset(port_id);
}

static uint64_t reta_group_mask(uint16_t reta_size, uint16_t group)
{
    uint16_t remaining = (uint16_t)(reta_size - group * RTE_ETH_RETA_GROUP_SIZE);
    return remaining >= RTE_ETH_RETA_GROUP_SIZE ? UINT64_MAX : (UINT64_C(1) << remaining) - 1;
}

static int query_reta(uint16_t port_id, uint16_t reta_size, uint16_t *reta)
{
    uint16_t groups = (uint16_t)((reta_size + RTE_ETH_RETA_GROUP_SIZE - 1) / RTE_ETH_RETA_GROUP_SIZE);
    struct rte_eth_rss_reta_entry64 *entries = calloc(groups, sizeof(*entries));
    if (entries == NULL)
    {
        return -ENOMEM;
    }
    for (uint16_t group = 0; group < groups; group++)
    {
        entries[group].mask = reta_group_mask(reta_size, group);
    }
    int result = rte_eth_dev_rss_reta_query(port_id, entries, reta_size);
    if (result == 0)
    {
        for (uint16_t i = 0; i < reta_size; i++)
        {
            reta[i] = entries[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
        }
    }
    free(entries);
    return result;
}

int sluice_port_rss(uint16_t port_id, uint8_t *key, int key_capacity, uint16_t *reta, int reta_capacity, int64_t *out)
{
    if (key == NULL || reta == NULL || out == NULL || key_capacity < 0 || reta_capacity < 0)
    {
        return -EINVAL;
    }
    out[SLUICE_RSS_HF] = 0;
    out[SLUICE_RSS_KEY_LENGTH] = 0;
    out[SLUICE_RSS_RETA_SIZE] = 0;
    struct rte_eth_dev_info info;
    int result = rte_eth_dev_info_get(port_id, &info);
    if (result < 0)
    {
        return result;
    }
    out[SLUICE_RSS_KEY_LENGTH] = info.hash_key_size;
    out[SLUICE_RSS_RETA_SIZE] = info.reta_size;
    if (info.hash_key_size > key_capacity || info.reta_size > reta_capacity)
    {
        return -ENOSPC;
    }

    struct rte_eth_rss_conf conf;
    memset(&conf, 0, sizeof(conf));
    conf.rss_key = info.hash_key_size > 0 ? key : NULL;
    conf.rss_key_len = info.hash_key_size;
    result = rte_eth_dev_rss_hash_conf_get(port_id, &conf);
    if (result < 0)
    {
        return result;
    }
    out[SLUICE_RSS_HF] = (int64_t)conf.rss_hf;
    if (info.hash_key_size == 0 || info.reta_size == 0)
    {
        return -ENOTSUP;
    }
    return query_reta(port_id, info.reta_size, reta);
}
