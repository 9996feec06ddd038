/* `c8s-store snapshot save|restore|status`: etcdctl's backup workflow for c8s-store. save asks
 * the cluster for a linearizable copy of the state (/v3/maintenance/snapshot) and writes it to a
 * file; restore checks a file and makes a new member data dir that starts from it. */
#ifndef C8S_STORE_SNAPSHOT_CLI_H
#define C8S_STORE_SNAPSHOT_CLI_H

#include <stddef.h>

#include "err.h"

/* The name of the seed file restore leaves in a data dir; a member starting on that data dir
 * loads it before raft starts. */
#define SNAPSHOT_SEED_FILE "restore.snap"

/* Reads a whole file into a new buffer (*data, free()). Returns 0, or a negative errno code with
 * err filled (-ENOENT when it does not exist). */
int snapshot_read_file(const char *path, void **data, size_t *len, struct err *err) C8S_MUST_USE;

/* Runs `c8s-store snapshot ...` with argv starting at "snapshot"; returns the exit status
 * (0 ok, 1 failure, 2 usage). */
int snapshot_cli_main(int argc, char **argv);

#endif
