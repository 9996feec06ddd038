/* Discovery documents built from the resource table, in the two forms kubectl 1.32 reads:
 * legacy (/api APIVersions, /apis APIGroupList, /api/v1 and /apis/<g>/<v> APIResourceList) and
 * aggregated (apidiscovery.k8s.io/v2 APIGroupDiscoveryList on /api and /apis, chosen by the
 * Accept header and answered with its exact Content-Type). All return new references. */
#ifndef C8S_APISERVER_DISCOVERY_H
#define C8S_APISERVER_DISCOVERY_H

#include <stdbool.h>

#include <jansson.h>

#define DISCOVERY_AGGREGATED_CONTENT_TYPE \
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

/* /api: {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[...]};
 * server_address is "host:port" as the client reached us. */
json_t *discovery_api_versions(const char *server_address);

/* /apis: APIGroupList of every served group (core excluded). */
json_t *discovery_api_group_list(void);

/* /apis/<group>: one APIGroup, or NULL when the group is not served. */
json_t *discovery_api_group(const char *group);

/* /api/v1 or /apis/<g>/<v>: APIResourceList with subresources, or NULL when not served. */
json_t *discovery_resource_list(const char *group, const char *version);

/* Aggregated form: core (only "v1", item named "") when core is true, else every group. */
json_t *discovery_aggregated(bool core);

/* True when an Accept header asks for the aggregated v2 form. */
bool discovery_wants_aggregated(const char *accept);

#endif
