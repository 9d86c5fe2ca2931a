/* EAL start and stop, thread registration, error strings and the per-thread DPDK log capture. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "sluice_dpdk.h"

#define SLUICE_LOG_CAPTURE_SIZE 2048

static __thread char captured_log[SLUICE_LOG_CAPTURE_SIZE];
static __thread size_t captured_length;

static FILE *capture_stream;

static void capture_append(const char *text, size_t length)
{
    if (length >= SLUICE_LOG_CAPTURE_SIZE)
    {
        text += length - (SLUICE_LOG_CAPTURE_SIZE - 1);
        length = SLUICE_LOG_CAPTURE_SIZE - 1;
        captured_length = 0;
    }
    size_t overflow = captured_length + length;
    if (overflow >= SLUICE_LOG_CAPTURE_SIZE)
    {
        size_t drop = overflow - (SLUICE_LOG_CAPTURE_SIZE - 1);
        memmove(captured_log, captured_log + drop, captured_length - drop);
        captured_length -= drop;
    }
    memcpy(captured_log + captured_length, text, length);
    captured_length += length;
}

static ssize_t capture_write(void *cookie, const char *text, size_t length)
{
    (void)cookie;
    capture_append(text, length);
    fwrite(text, 1, length, stderr);
    return (ssize_t)length;
}

static int install_log_capture(void)
{
    if (capture_stream != NULL)
    {
        return 0;
    }
    cookie_io_functions_t functions = { .read = NULL, .write = capture_write, .seek = NULL, .close = NULL };
    FILE *stream = fopencookie(NULL, "w", functions);
    if (stream == NULL)
    {
        return -ENOMEM;
    }
    setvbuf(stream, NULL, _IONBF, 0);
    capture_stream = stream;
    return rte_openlog_stream(stream);
}

int sluice_eal_init(int argc, char **argv)
{
    int result = install_log_capture();
    if (result < 0)
    {
        return result;
    }
    result = rte_eal_init(argc, argv);
    return result < 0 ? -rte_errno : result;
}

int sluice_eal_cleanup(void)
{
    int result = rte_eal_cleanup();
    return result < 0 ? -rte_errno : 0;
}

int sluice_thread_pin(int cpu)
{
    if (cpu < 0 || cpu >= CPU_SETSIZE)
    {
        return -EINVAL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    return rc == 0 ? 0 : -rc;
}

int sluice_thread_register(void)
{
    if (rte_lcore_id() != LCORE_ID_ANY)
    {
        return (int)rte_lcore_id();
    }
    if (rte_thread_register() < 0)
    {
        return -rte_errno;
    }
    return (int)rte_lcore_id();
}

int sluice_thread_unregister(void)
{
    rte_thread_unregister();
    return 0;
}

int sluice_lcore_id(void)
{
    unsigned int lcore_id = rte_lcore_id();
    return lcore_id == LCORE_ID_ANY ? -1 : (int)lcore_id;
}

int sluice_socket_id(void)
{
    return (int)rte_socket_id();
}

int sluice_strerror(int error, char *buf, int len)
{
    if (buf == NULL || len <= 0)
    {
        return -EINVAL;
    }
    int written = snprintf(buf, (size_t)len, "%s", rte_strerror(error < 0 ? -error : error));
    return written < len ? written : len - 1;
}

int sluice_log_capture(char *buf, int len)
{
    if (buf == NULL || len <= 0)
    {
        return -EINVAL;
    }
    size_t length = captured_length < (size_t)(len - 1) ? captured_length : (size_t)(len - 1);
    memcpy(buf, captured_log + (captured_length - length), length);
    buf[length] = '\0';
    return (int)length;
}

void sluice_log_clear(void)
{
    captured_length = 0;
}
