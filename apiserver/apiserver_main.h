/* The c8s-apiserver command: flags (kube-apiserver's names), storage, serving, compaction and
 * signals. main.c only calls it. */
#ifndef C8S_APISERVER_MAIN_H
#define C8S_APISERVER_MAIN_H

/* Runs c8s-apiserver; returns the exit status. */
int apiserver_main(int argc, char **argv);

#endif
