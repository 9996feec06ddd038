/* c8s-apiserver: the Kubernetes API server of c8s. See docs/apiserver.md. */
#include "apiserver_main.h"

int main(int argc, char **argv)
{
    return apiserver_main(argc, argv);
}
