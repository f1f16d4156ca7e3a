/* thread.h - starting the helper threads (reader, writer). */
#ifndef WIRESTATE_THREAD_H
#define WIRESTATE_THREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread: SIGINT,
 * SIGUSR1 and the rest stay with the thread that tracks packets, which
 * checks the flags their handlers set.  Returns pthread_create()'s result. */
int ws_thread_start(pthread_t *thread, void *(*run)(void *), void *arg);

#endif
