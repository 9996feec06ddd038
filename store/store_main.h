/* The c8s-store command: flag parsing, wiring of kv, raft and the HTTP server on one libuv
 * loop, signal handling, and the `snapshot save|restore` subcommands. main.c only calls it. */
#ifndef C8S_STORE_MAIN_H
#define C8S_STORE_MAIN_H

/* Runs c8s-store with argv; returns the process exit status. */
int store_main(int argc, char **argv);

#endif
