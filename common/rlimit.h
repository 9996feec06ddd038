/* Process limits a server needs: as Go programs do since Go 1.19, raise the soft limit on open
 * files to the hard limit, so thousands of watch connections do not stop at 1024. */
#ifndef C8S_RLIMIT_H
#define C8S_RLIMIT_H

/* Raises RLIMIT_NOFILE's soft limit to its hard limit. Returns the new soft limit, or -1 when
 * it could not be read or set (the process keeps running with what it has). */
long rlimit_raise_nofile(void);

#endif
