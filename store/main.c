/* c8s-store: the etcd of c8s. Flags follow etcd's names; see docs/store.md. */
#include "rlimit.h"
#include "store_main.h"

int main(int argc, char **argv)
{
    rlimit_raise_nofile(); /* watches and peers need more than 1024 descriptors */
    return store_main(argc, argv);
}
