/* Process exit codes, shared by the command line and the verbs that decide
 * them (documented in ibench(1), EXIT STATUS). */
#ifndef IBENCH_EXIT_CODES_H
#define IBENCH_EXIT_CODES_H

enum {
    EXIT_OK = 0,          /* success */
    EXIT_FAIL = 1,        /* the operation failed (details printed) */
    EXIT_USAGE = 2,       /* bad command line or configuration */
    EXIT_NODEVICE = 3,    /* no such device, or not in a mode that allows this */
    EXIT_NETWORK = 4,     /* network or server error */
    EXIT_INTEGRITY = 5,   /* checksum, size or archive verification failed */
    EXIT_CANCELLED = 6,   /* cancelled by the technician or refused confirmation */
    EXIT_ENVIRONMENT = 7, /* missing engine, permissions, disk full, unwritable dir */
};

#endif
