/* Whether every entry of a local IPSW is intact: each is read to its end
 * through libzip, which compares the CRC there. Blocking for as long as
 * reading the whole file takes: run it on the pool or the command line. */
#ifndef IBENCH_IPSW_VERIFY_H
#define IBENCH_IPSW_VERIFY_H
#include <stddef.h>

/* Bytes of entry data read so far, of the total the central directory states. */
typedef void (*ipsw_verify_progress_fn)(long long done, long long total, void *user);
/* Whether to stop now (the caller went away); may be NULL. */
typedef int (*ipsw_verify_stop_fn)(void *user);

enum ipsw_verify_result {
    IPSW_VERIFY_INTACT = 0,
    IPSW_VERIFY_DAMAGED = -1,    /* err names the entry and what is wrong */
    IPSW_VERIFY_UNREADABLE = -2, /* the file could not be read at all (err) */
    IPSW_VERIFY_STOPPED = -3,    /* stop said so */
};

/* Checks the directory (ipsw_vet) and then every entry's CRC and size.
 * progress is called at most about ten times a second, and once at the end. */
int ipsw_verify(const char *path, ipsw_verify_progress_fn progress, ipsw_verify_stop_fn stop, void *user, char *err,
                size_t errlen);

#endif
