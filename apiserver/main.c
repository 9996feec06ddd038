/* c8s-apiserver: the Kubernetes API server of c8s. See docs/apiserver.md. */
#include "apiserver_main.h"
#include "rlimit.h"

int main(int argc, char **argv)
{
    rlimit_raise_nofile(); /* watches and peers need more than 1024 descriptors */
    return apiserver_main(argc, argv);
}
