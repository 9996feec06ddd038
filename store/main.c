/* c8s-store: the etcd of c8s. Flags follow etcd's names; see docs/store.md. */
#include "store_main.h"

int main(int argc, char **argv)
{
    return store_main(argc, argv);
}
