/* Detached worker threads (see worker.h). */
#include "worker.h"

#include <pthread.h>

int worker_start(void *(*fn)(void *), void *arg)
{
    pthread_t th;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return -1;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&th, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return r == 0 ? 0 : -1;
}
