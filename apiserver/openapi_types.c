/* Type tables behind openapi_schema.c, machine-written from k8s.io/api v0.32.0 (generated.proto
 * for the fields, types.go for the JSON names, "+optional"/omitempty for required and "+enum"
 * constants for enums): the kinds no client sends as protobuf (so kproto_schema.c lacks them),
 * the real type names where the kproto tables reuse a structurally identical message, and the
 * required fields and enum values of every schema, as kube-openapi derives them. */
#include "openapi_schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
static const struct openapi_field t_apps_v1_ControllerRevision_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"data", KPROTO_RAWJSON, 0, NULL},
    {"revision", KPROTO_INT64, 0, NULL},
};

static const struct openapi_field t_coordination_v1_Lease_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "coordination/v1.LeaseSpec"},
};

static const struct openapi_field t_coordination_v1_LeaseSpec_fields[] = {
    {"holderIdentity", KPROTO_STRING, 0, NULL},
    {"leaseDurationSeconds", KPROTO_INT32, 0, NULL},
    {"acquireTime", KPROTO_MICROTIME, 0, NULL},
    {"renewTime", KPROTO_MICROTIME, 0, NULL},
    {"leaseTransitions", KPROTO_INT32, 0, NULL},
    {"strategy", KPROTO_STRING, 0, NULL},
    {"preferredHolder", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_AttachedVolume_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"devicePath", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_AzureFilePersistentVolumeSource_fields[] = {
    {"secretName", KPROTO_STRING, 0, NULL},
    {"shareName", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"secretNamespace", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_CSIPersistentVolumeSource_fields[] = {
    {"driver", KPROTO_STRING, 0, NULL},
    {"volumeHandle", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"volumeAttributes", KPROTO_STRING, KPROTO_MAP, NULL},
    {"controllerPublishSecretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"nodeStageSecretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"nodePublishSecretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"controllerExpandSecretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"nodeExpandSecretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
};

static const struct openapi_field t_core_v1_CephFSPersistentVolumeSource_fields[] = {
    {"monitors", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"path", KPROTO_STRING, 0, NULL},
    {"user", KPROTO_STRING, 0, NULL},
    {"secretFile", KPROTO_STRING, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"readOnly", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_core_v1_CinderPersistentVolumeSource_fields[] = {
    {"volumeID", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
};

static const struct openapi_field t_core_v1_ConfigMapNodeConfigSource_fields[] = {
    {"namespace", KPROTO_STRING, 0, NULL},
    {"name", KPROTO_STRING, 0, NULL},
    {"uid", KPROTO_STRING, 0, NULL},
    {"resourceVersion", KPROTO_STRING, 0, NULL},
    {"kubeletConfigKey", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_ContainerImage_fields[] = {
    {"names", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"sizeBytes", KPROTO_INT64, 0, NULL},
};

static const struct openapi_field t_core_v1_DaemonEndpoint_fields[] = {
    {"Port", KPROTO_INT32, 0, NULL},
};

static const struct openapi_field t_core_v1_EndpointAddress_fields[] = {
    {"ip", KPROTO_STRING, 0, NULL},
    {"hostname", KPROTO_STRING, 0, NULL},
    {"nodeName", KPROTO_STRING, 0, NULL},
    {"targetRef", KPROTO_MSG, 0, "core/v1.ObjectReference"},
};

static const struct openapi_field t_core_v1_EndpointPort_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"port", KPROTO_INT32, 0, NULL},
    {"protocol", KPROTO_STRING, 0, NULL},
    {"appProtocol", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_EndpointSubset_fields[] = {
    {"addresses", KPROTO_MSG, KPROTO_REPEATED, "core/v1.EndpointAddress"},
    {"notReadyAddresses", KPROTO_MSG, KPROTO_REPEATED, "core/v1.EndpointAddress"},
    {"ports", KPROTO_MSG, KPROTO_REPEATED, "core/v1.EndpointPort"},
};

static const struct openapi_field t_core_v1_Endpoints_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"subsets", KPROTO_MSG, KPROTO_REPEATED, "core/v1.EndpointSubset"},
};

static const struct openapi_field t_core_v1_Event_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"involvedObject", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"reason", KPROTO_STRING, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
    {"source", KPROTO_MSG, 0, "core/v1.EventSource"},
    {"firstTimestamp", KPROTO_TIME, 0, NULL},
    {"lastTimestamp", KPROTO_TIME, 0, NULL},
    {"count", KPROTO_INT32, 0, NULL},
    {"type", KPROTO_STRING, 0, NULL},
    {"eventTime", KPROTO_MICROTIME, 0, NULL},
    {"series", KPROTO_MSG, 0, "core/v1.EventSeries"},
    {"action", KPROTO_STRING, 0, NULL},
    {"related", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"reportingComponent", KPROTO_STRING, 0, NULL},
    {"reportingInstance", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_EventSeries_fields[] = {
    {"count", KPROTO_INT32, 0, NULL},
    {"lastObservedTime", KPROTO_MICROTIME, 0, NULL},
};

static const struct openapi_field t_core_v1_EventSource_fields[] = {
    {"component", KPROTO_STRING, 0, NULL},
    {"host", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_events_v1_Event_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"eventTime", KPROTO_MICROTIME, 0, NULL},
    {"series", KPROTO_MSG, 0, "events/v1.EventSeries"},
    {"reportingController", KPROTO_STRING, 0, NULL},
    {"reportingInstance", KPROTO_STRING, 0, NULL},
    {"action", KPROTO_STRING, 0, NULL},
    {"reason", KPROTO_STRING, 0, NULL},
    {"regarding", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"related", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"note", KPROTO_STRING, 0, NULL},
    {"type", KPROTO_STRING, 0, NULL},
    {"deprecatedSource", KPROTO_MSG, 0, "core/v1.EventSource"},
    {"deprecatedFirstTimestamp", KPROTO_TIME, 0, NULL},
    {"deprecatedLastTimestamp", KPROTO_TIME, 0, NULL},
    {"deprecatedCount", KPROTO_INT32, 0, NULL},
};

static const struct openapi_field t_events_v1_EventSeries_fields[] = {
    {"count", KPROTO_INT32, 0, NULL},
    {"lastObservedTime", KPROTO_MICROTIME, 0, NULL},
};

static const struct openapi_field t_core_v1_FlexPersistentVolumeSource_fields[] = {
    {"driver", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"options", KPROTO_STRING, KPROTO_MAP, NULL},
};

static const struct openapi_field t_core_v1_GlusterfsPersistentVolumeSource_fields[] = {
    {"endpoints", KPROTO_STRING, 0, NULL},
    {"path", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"endpointsNamespace", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_ISCSIPersistentVolumeSource_fields[] = {
    {"targetPortal", KPROTO_STRING, 0, NULL},
    {"iqn", KPROTO_STRING, 0, NULL},
    {"lun", KPROTO_INT32, 0, NULL},
    {"iscsiInterface", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"portals", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"chapAuthDiscovery", KPROTO_BOOL, 0, NULL},
    {"chapAuthSession", KPROTO_BOOL, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"initiatorName", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_LimitRange_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "core/v1.LimitRangeSpec"},
};

static const struct openapi_field t_core_v1_LimitRangeItem_fields[] = {
    {"type", KPROTO_STRING, 0, NULL},
    {"max", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"min", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"default", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"defaultRequest", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"maxLimitRequestRatio", KPROTO_QUANTITY, KPROTO_MAP, NULL},
};

static const struct openapi_field t_core_v1_LimitRangeSpec_fields[] = {
    {"limits", KPROTO_MSG, KPROTO_REPEATED, "core/v1.LimitRangeItem"},
};

static const struct openapi_field t_core_v1_LocalVolumeSource_fields[] = {
    {"path", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_Node_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "core/v1.NodeSpec"},
    {"status", KPROTO_MSG, 0, "core/v1.NodeStatus"},
};

static const struct openapi_field t_core_v1_NodeAddress_fields[] = {
    {"type", KPROTO_STRING, 0, NULL},
    {"address", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeCondition_fields[] = {
    {"type", KPROTO_STRING, 0, NULL},
    {"status", KPROTO_STRING, 0, NULL},
    {"lastHeartbeatTime", KPROTO_TIME, 0, NULL},
    {"lastTransitionTime", KPROTO_TIME, 0, NULL},
    {"reason", KPROTO_STRING, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeConfigSource_fields[] = {
    {"configMap", KPROTO_MSG, 0, "core/v1.ConfigMapNodeConfigSource"},
};

static const struct openapi_field t_core_v1_NodeConfigStatus_fields[] = {
    {"assigned", KPROTO_MSG, 0, "core/v1.NodeConfigSource"},
    {"active", KPROTO_MSG, 0, "core/v1.NodeConfigSource"},
    {"lastKnownGood", KPROTO_MSG, 0, "core/v1.NodeConfigSource"},
    {"error", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeDaemonEndpoints_fields[] = {
    {"kubeletEndpoint", KPROTO_MSG, 0, "core/v1.DaemonEndpoint"},
};

static const struct openapi_field t_core_v1_NodeFeatures_fields[] = {
    {"supplementalGroupsPolicy", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeRuntimeHandler_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"features", KPROTO_MSG, 0, "core/v1.NodeRuntimeHandlerFeatures"},
};

static const struct openapi_field t_core_v1_NodeRuntimeHandlerFeatures_fields[] = {
    {"recursiveReadOnlyMounts", KPROTO_BOOL, 0, NULL},
    {"userNamespaces", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeSpec_fields[] = {
    {"podCIDR", KPROTO_STRING, 0, NULL},
    {"podCIDRs", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"providerID", KPROTO_STRING, 0, NULL},
    {"unschedulable", KPROTO_BOOL, 0, NULL},
    {"taints", KPROTO_MSG, KPROTO_REPEATED, "core/v1.Taint"},
    {"configSource", KPROTO_MSG, 0, "core/v1.NodeConfigSource"},
    {"externalID", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_NodeStatus_fields[] = {
    {"capacity", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"allocatable", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"phase", KPROTO_STRING, 0, NULL},
    {"conditions", KPROTO_MSG, KPROTO_REPEATED, "core/v1.NodeCondition"},
    {"addresses", KPROTO_MSG, KPROTO_REPEATED, "core/v1.NodeAddress"},
    {"daemonEndpoints", KPROTO_MSG, 0, "core/v1.NodeDaemonEndpoints"},
    {"nodeInfo", KPROTO_MSG, 0, "core/v1.NodeSystemInfo"},
    {"images", KPROTO_MSG, KPROTO_REPEATED, "core/v1.ContainerImage"},
    {"volumesInUse", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"volumesAttached", KPROTO_MSG, KPROTO_REPEATED, "core/v1.AttachedVolume"},
    {"config", KPROTO_MSG, 0, "core/v1.NodeConfigStatus"},
    {"runtimeHandlers", KPROTO_MSG, KPROTO_REPEATED, "core/v1.NodeRuntimeHandler"},
    {"features", KPROTO_MSG, 0, "core/v1.NodeFeatures"},
};

static const struct openapi_field t_core_v1_NodeSystemInfo_fields[] = {
    {"machineID", KPROTO_STRING, 0, NULL},
    {"systemUUID", KPROTO_STRING, 0, NULL},
    {"bootID", KPROTO_STRING, 0, NULL},
    {"kernelVersion", KPROTO_STRING, 0, NULL},
    {"osImage", KPROTO_STRING, 0, NULL},
    {"containerRuntimeVersion", KPROTO_STRING, 0, NULL},
    {"kubeletVersion", KPROTO_STRING, 0, NULL},
    {"kubeProxyVersion", KPROTO_STRING, 0, NULL},
    {"operatingSystem", KPROTO_STRING, 0, NULL},
    {"architecture", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_PersistentVolume_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "core/v1.PersistentVolumeSpec"},
    {"status", KPROTO_MSG, 0, "core/v1.PersistentVolumeStatus"},
};

static const struct openapi_field t_core_v1_PersistentVolumeSpec_fields[] = {
    {"capacity", KPROTO_QUANTITY, KPROTO_MAP, NULL},
    {"gcePersistentDisk", KPROTO_MSG, 0, "core/v1.GCEPersistentDiskVolumeSource"},
    {"awsElasticBlockStore", KPROTO_MSG, 0, "core/v1.AWSElasticBlockStoreVolumeSource"},
    {"hostPath", KPROTO_MSG, 0, "core/v1.HostPathVolumeSource"},
    {"glusterfs", KPROTO_MSG, 0, "core/v1.GlusterfsPersistentVolumeSource"},
    {"nfs", KPROTO_MSG, 0, "core/v1.NFSVolumeSource"},
    {"rbd", KPROTO_MSG, 0, "core/v1.RBDPersistentVolumeSource"},
    {"iscsi", KPROTO_MSG, 0, "core/v1.ISCSIPersistentVolumeSource"},
    {"cinder", KPROTO_MSG, 0, "core/v1.CinderPersistentVolumeSource"},
    {"cephfs", KPROTO_MSG, 0, "core/v1.CephFSPersistentVolumeSource"},
    {"fc", KPROTO_MSG, 0, "core/v1.FCVolumeSource"},
    {"flocker", KPROTO_MSG, 0, "core/v1.FlockerVolumeSource"},
    {"flexVolume", KPROTO_MSG, 0, "core/v1.FlexPersistentVolumeSource"},
    {"azureFile", KPROTO_MSG, 0, "core/v1.AzureFilePersistentVolumeSource"},
    {"vsphereVolume", KPROTO_MSG, 0, "core/v1.VsphereVirtualDiskVolumeSource"},
    {"quobyte", KPROTO_MSG, 0, "core/v1.QuobyteVolumeSource"},
    {"azureDisk", KPROTO_MSG, 0, "core/v1.AzureDiskVolumeSource"},
    {"photonPersistentDisk", KPROTO_MSG, 0, "core/v1.PhotonPersistentDiskVolumeSource"},
    {"portworxVolume", KPROTO_MSG, 0, "core/v1.PortworxVolumeSource"},
    {"scaleIO", KPROTO_MSG, 0, "core/v1.ScaleIOPersistentVolumeSource"},
    {"local", KPROTO_MSG, 0, "core/v1.LocalVolumeSource"},
    {"storageos", KPROTO_MSG, 0, "core/v1.StorageOSPersistentVolumeSource"},
    {"csi", KPROTO_MSG, 0, "core/v1.CSIPersistentVolumeSource"},
    {"accessModes", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"claimRef", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"persistentVolumeReclaimPolicy", KPROTO_STRING, 0, NULL},
    {"storageClassName", KPROTO_STRING, 0, NULL},
    {"mountOptions", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"volumeMode", KPROTO_STRING, 0, NULL},
    {"nodeAffinity", KPROTO_MSG, 0, "core/v1.VolumeNodeAffinity"},
    {"volumeAttributesClassName", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_PersistentVolumeStatus_fields[] = {
    {"phase", KPROTO_STRING, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
    {"reason", KPROTO_STRING, 0, NULL},
    {"lastPhaseTransitionTime", KPROTO_TIME, 0, NULL},
};

static const struct openapi_field t_core_v1_RBDPersistentVolumeSource_fields[] = {
    {"monitors", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"image", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"pool", KPROTO_STRING, 0, NULL},
    {"user", KPROTO_STRING, 0, NULL},
    {"keyring", KPROTO_STRING, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"readOnly", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_core_v1_ScaleIOPersistentVolumeSource_fields[] = {
    {"gateway", KPROTO_STRING, 0, NULL},
    {"system", KPROTO_STRING, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.SecretReference"},
    {"sslEnabled", KPROTO_BOOL, 0, NULL},
    {"protectionDomain", KPROTO_STRING, 0, NULL},
    {"storagePool", KPROTO_STRING, 0, NULL},
    {"storageMode", KPROTO_STRING, 0, NULL},
    {"volumeName", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_core_v1_SecretReference_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"namespace", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_StorageOSPersistentVolumeSource_fields[] = {
    {"volumeName", KPROTO_STRING, 0, NULL},
    {"volumeNamespace", KPROTO_STRING, 0, NULL},
    {"fsType", KPROTO_STRING, 0, NULL},
    {"readOnly", KPROTO_BOOL, 0, NULL},
    {"secretRef", KPROTO_MSG, 0, "core/v1.ObjectReference"},
};

static const struct openapi_field t_core_v1_Taint_fields[] = {
    {"key", KPROTO_STRING, 0, NULL},
    {"value", KPROTO_STRING, 0, NULL},
    {"effect", KPROTO_STRING, 0, NULL},
    {"timeAdded", KPROTO_TIME, 0, NULL},
};

static const struct openapi_field t_core_v1_VolumeNodeAffinity_fields[] = {
    {"required", KPROTO_MSG, 0, "core/v1.NodeSelector"},
};

static const struct openapi_field t_discovery_v1_Endpoint_fields[] = {
    {"addresses", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"conditions", KPROTO_MSG, 0, "discovery/v1.EndpointConditions"},
    {"hostname", KPROTO_STRING, 0, NULL},
    {"targetRef", KPROTO_MSG, 0, "core/v1.ObjectReference"},
    {"deprecatedTopology", KPROTO_STRING, KPROTO_MAP, NULL},
    {"nodeName", KPROTO_STRING, 0, NULL},
    {"zone", KPROTO_STRING, 0, NULL},
    {"hints", KPROTO_MSG, 0, "discovery/v1.EndpointHints"},
};

static const struct openapi_field t_discovery_v1_EndpointConditions_fields[] = {
    {"ready", KPROTO_BOOL, 0, NULL},
    {"serving", KPROTO_BOOL, 0, NULL},
    {"terminating", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_discovery_v1_EndpointHints_fields[] = {
    {"forZones", KPROTO_MSG, KPROTO_REPEATED, "discovery/v1.ForZone"},
};

static const struct openapi_field t_discovery_v1_EndpointPort_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"protocol", KPROTO_STRING, 0, NULL},
    {"port", KPROTO_INT32, 0, NULL},
    {"appProtocol", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_discovery_v1_EndpointSlice_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"addressType", KPROTO_STRING, 0, NULL},
    {"endpoints", KPROTO_MSG, KPROTO_REPEATED, "discovery/v1.Endpoint"},
    {"ports", KPROTO_MSG, KPROTO_REPEATED, "discovery/v1.EndpointPort"},
};

static const struct openapi_field t_discovery_v1_ForZone_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_TopologySelectorLabelRequirement_fields[] = {
    {"key", KPROTO_STRING, 0, NULL},
    {"values", KPROTO_STRING, KPROTO_REPEATED, NULL},
};

static const struct openapi_field t_core_v1_TopologySelectorTerm_fields[] = {
    {"matchLabelExpressions", KPROTO_MSG, KPROTO_REPEATED, "core/v1.TopologySelectorLabelRequirement"},
};

static const struct openapi_field t_storage_v1_StorageClass_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"provisioner", KPROTO_STRING, 0, NULL},
    {"parameters", KPROTO_STRING, KPROTO_MAP, NULL},
    {"reclaimPolicy", KPROTO_STRING, 0, NULL},
    {"mountOptions", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"allowVolumeExpansion", KPROTO_BOOL, 0, NULL},
    {"volumeBindingMode", KPROTO_STRING, 0, NULL},
    {"allowedTopologies", KPROTO_MSG, KPROTO_REPEATED, "core/v1.TopologySelectorTerm"},
};

static const struct openapi_field t_storage_v1_TokenRequest_fields[] = {
    {"audience", KPROTO_STRING, 0, NULL},
    {"expirationSeconds", KPROTO_INT64, 0, NULL},
};

static const struct openapi_field t_storage_v1_CSIDriverSpec_fields[] = {
    {"attachRequired", KPROTO_BOOL, 0, NULL},
    {"podInfoOnMount", KPROTO_BOOL, 0, NULL},
    {"volumeLifecycleModes", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"storageCapacity", KPROTO_BOOL, 0, NULL},
    {"fsGroupPolicy", KPROTO_STRING, 0, NULL},
    {"tokenRequests", KPROTO_MSG, KPROTO_REPEATED, "storage/v1.TokenRequest"},
    {"requiresRepublish", KPROTO_BOOL, 0, NULL},
    {"seLinuxMount", KPROTO_BOOL, 0, NULL},
};

static const struct openapi_field t_storage_v1_CSIDriver_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "storage/v1.CSIDriverSpec"},
};

static const struct openapi_field t_storage_v1_VolumeNodeResources_fields[] = {
    {"count", KPROTO_INT32, 0, NULL},
};

static const struct openapi_field t_storage_v1_CSINodeDriver_fields[] = {
    {"name", KPROTO_STRING, 0, NULL},
    {"nodeID", KPROTO_STRING, 0, NULL},
    {"topologyKeys", KPROTO_STRING, KPROTO_REPEATED, NULL},
    {"allocatable", KPROTO_MSG, 0, "storage/v1.VolumeNodeResources"},
};

static const struct openapi_field t_storage_v1_CSINodeSpec_fields[] = {
    {"drivers", KPROTO_MSG, KPROTO_REPEATED, "storage/v1.CSINodeDriver"},
};

static const struct openapi_field t_storage_v1_CSINode_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "storage/v1.CSINodeSpec"},
};

static const struct openapi_field t_storage_v1_VolumeAttachmentSource_fields[] = {
    {"persistentVolumeName", KPROTO_STRING, 0, NULL},
    {"inlineVolumeSpec", KPROTO_MSG, 0, "core/v1.PersistentVolumeSpec"},
};

static const struct openapi_field t_storage_v1_VolumeAttachmentSpec_fields[] = {
    {"attacher", KPROTO_STRING, 0, NULL},
    {"source", KPROTO_MSG, 0, "storage/v1.VolumeAttachmentSource"},
    {"nodeName", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_storage_v1_VolumeError_fields[] = {
    {"time", KPROTO_TIME, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
    {"errorCode", KPROTO_INT32, 0, NULL},
};

static const struct openapi_field t_storage_v1_VolumeAttachmentStatus_fields[] = {
    {"attached", KPROTO_BOOL, 0, NULL},
    {"attachmentMetadata", KPROTO_STRING, KPROTO_MAP, NULL},
    {"attachError", KPROTO_MSG, 0, "storage/v1.VolumeError"},
    {"detachError", KPROTO_MSG, 0, "storage/v1.VolumeError"},
};

static const struct openapi_field t_storage_v1_VolumeAttachment_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "storage/v1.VolumeAttachmentSpec"},
    {"status", KPROTO_MSG, 0, "storage/v1.VolumeAttachmentStatus"},
};

static const struct openapi_field t_networking_v1_IPBlock_fields[] = {
    {"cidr", KPROTO_STRING, 0, NULL},
    {"except", KPROTO_STRING, KPROTO_REPEATED, NULL},
};

static const struct openapi_field t_networking_v1_NetworkPolicyPeer_fields[] = {
    {"podSelector", KPROTO_MSG, 0, "meta/v1.LabelSelector"},
    {"namespaceSelector", KPROTO_MSG, 0, "meta/v1.LabelSelector"},
    {"ipBlock", KPROTO_MSG, 0, "networking/v1.IPBlock"},
};

static const struct openapi_field t_networking_v1_NetworkPolicyPort_fields[] = {
    {"protocol", KPROTO_STRING, 0, NULL},
    {"port", KPROTO_INTORSTR, 0, NULL},
    {"endPort", KPROTO_INT32, 0, NULL},
};

static const struct openapi_field t_networking_v1_NetworkPolicyIngressRule_fields[] = {
    {"ports", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyPort"},
    {"from", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyPeer"},
};

static const struct openapi_field t_networking_v1_NetworkPolicyEgressRule_fields[] = {
    {"ports", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyPort"},
    {"to", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyPeer"},
};

static const struct openapi_field t_networking_v1_NetworkPolicySpec_fields[] = {
    {"podSelector", KPROTO_MSG, 0, "meta/v1.LabelSelector"},
    {"ingress", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyIngressRule"},
    {"egress", KPROTO_MSG, KPROTO_REPEATED, "networking/v1.NetworkPolicyEgressRule"},
    {"policyTypes", KPROTO_STRING, KPROTO_REPEATED, NULL},
};

static const struct openapi_field t_networking_v1_NetworkPolicy_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "networking/v1.NetworkPolicySpec"},
};

static const struct openapi_field t_networking_v1_IngressClassParametersReference_fields[] = {
    {"apiGroup", KPROTO_STRING, 0, NULL},
    {"kind", KPROTO_STRING, 0, NULL},
    {"name", KPROTO_STRING, 0, NULL},
    {"scope", KPROTO_STRING, 0, NULL},
    {"namespace", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_networking_v1_IngressClassSpec_fields[] = {
    {"controller", KPROTO_STRING, 0, NULL},
    {"parameters", KPROTO_MSG, 0, "networking/v1.IngressClassParametersReference"},
};

static const struct openapi_field t_networking_v1_IngressClass_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "networking/v1.IngressClassSpec"},
};

static const struct openapi_field t_core_v1_ComponentCondition_fields[] = {
    {"type", KPROTO_STRING, 0, NULL},
    {"status", KPROTO_STRING, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
    {"error", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_ComponentStatus_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"conditions", KPROTO_MSG, KPROTO_REPEATED, "core/v1.ComponentCondition"},
};

static const struct openapi_field t_core_v1_ReplicationControllerSpec_fields[] = {
    {"replicas", KPROTO_INT32, 0, NULL},
    {"minReadySeconds", KPROTO_INT32, 0, NULL},
    {"selector", KPROTO_STRING, KPROTO_MAP, NULL},
    {"template", KPROTO_MSG, 0, "core/v1.PodTemplateSpec"},
};

static const struct openapi_field t_core_v1_ReplicationControllerCondition_fields[] = {
    {"type", KPROTO_STRING, 0, NULL},
    {"status", KPROTO_STRING, 0, NULL},
    {"lastTransitionTime", KPROTO_TIME, 0, NULL},
    {"reason", KPROTO_STRING, 0, NULL},
    {"message", KPROTO_STRING, 0, NULL},
};

static const struct openapi_field t_core_v1_ReplicationControllerStatus_fields[] = {
    {"replicas", KPROTO_INT32, 0, NULL},
    {"fullyLabeledReplicas", KPROTO_INT32, 0, NULL},
    {"readyReplicas", KPROTO_INT32, 0, NULL},
    {"availableReplicas", KPROTO_INT32, 0, NULL},
    {"observedGeneration", KPROTO_INT64, 0, NULL},
    {"conditions", KPROTO_MSG, KPROTO_REPEATED, "core/v1.ReplicationControllerCondition"},
};

static const struct openapi_field t_core_v1_ReplicationController_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"spec", KPROTO_MSG, 0, "core/v1.ReplicationControllerSpec"},
    {"status", KPROTO_MSG, 0, "core/v1.ReplicationControllerStatus"},
};

static const struct openapi_field t_core_v1_PodTemplate_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"template", KPROTO_MSG, 0, "core/v1.PodTemplateSpec"},
};

static const struct openapi_field t_node_v1_Overhead_fields[] = {
    {"podFixed", KPROTO_QUANTITY, KPROTO_MAP, NULL},
};

static const struct openapi_field t_node_v1_Scheduling_fields[] = {
    {"nodeSelector", KPROTO_STRING, KPROTO_MAP, NULL},
    {"tolerations", KPROTO_MSG, KPROTO_REPEATED, "core/v1.Toleration"},
};

static const struct openapi_field t_node_v1_RuntimeClass_fields[] = {
    {"metadata", KPROTO_MSG, 0, "meta/v1.ObjectMeta"},
    {"handler", KPROTO_STRING, 0, NULL},
    {"overhead", KPROTO_MSG, 0, "node/v1.Overhead"},
    {"scheduling", KPROTO_MSG, 0, "node/v1.Scheduling"},
};

const struct openapi_type openapi_extra_types[] = {
    {"apps/v1.ControllerRevision", t_apps_v1_ControllerRevision_fields, N(t_apps_v1_ControllerRevision_fields)},
    {"coordination/v1.Lease", t_coordination_v1_Lease_fields, N(t_coordination_v1_Lease_fields)},
    {"coordination/v1.LeaseSpec", t_coordination_v1_LeaseSpec_fields, N(t_coordination_v1_LeaseSpec_fields)},
    {"core/v1.AttachedVolume", t_core_v1_AttachedVolume_fields, N(t_core_v1_AttachedVolume_fields)},
    {"core/v1.AzureFilePersistentVolumeSource", t_core_v1_AzureFilePersistentVolumeSource_fields, N(t_core_v1_AzureFilePersistentVolumeSource_fields)},
    {"core/v1.CSIPersistentVolumeSource", t_core_v1_CSIPersistentVolumeSource_fields, N(t_core_v1_CSIPersistentVolumeSource_fields)},
    {"core/v1.CephFSPersistentVolumeSource", t_core_v1_CephFSPersistentVolumeSource_fields, N(t_core_v1_CephFSPersistentVolumeSource_fields)},
    {"core/v1.CinderPersistentVolumeSource", t_core_v1_CinderPersistentVolumeSource_fields, N(t_core_v1_CinderPersistentVolumeSource_fields)},
    {"core/v1.ConfigMapNodeConfigSource", t_core_v1_ConfigMapNodeConfigSource_fields, N(t_core_v1_ConfigMapNodeConfigSource_fields)},
    {"core/v1.ContainerImage", t_core_v1_ContainerImage_fields, N(t_core_v1_ContainerImage_fields)},
    {"core/v1.DaemonEndpoint", t_core_v1_DaemonEndpoint_fields, N(t_core_v1_DaemonEndpoint_fields)},
    {"core/v1.EndpointAddress", t_core_v1_EndpointAddress_fields, N(t_core_v1_EndpointAddress_fields)},
    {"core/v1.EndpointPort", t_core_v1_EndpointPort_fields, N(t_core_v1_EndpointPort_fields)},
    {"core/v1.EndpointSubset", t_core_v1_EndpointSubset_fields, N(t_core_v1_EndpointSubset_fields)},
    {"core/v1.Endpoints", t_core_v1_Endpoints_fields, N(t_core_v1_Endpoints_fields)},
    {"core/v1.Event", t_core_v1_Event_fields, N(t_core_v1_Event_fields)},
    {"core/v1.EventSeries", t_core_v1_EventSeries_fields, N(t_core_v1_EventSeries_fields)},
    {"core/v1.EventSource", t_core_v1_EventSource_fields, N(t_core_v1_EventSource_fields)},
    {"core/v1.FlexPersistentVolumeSource", t_core_v1_FlexPersistentVolumeSource_fields, N(t_core_v1_FlexPersistentVolumeSource_fields)},
    {"core/v1.GlusterfsPersistentVolumeSource", t_core_v1_GlusterfsPersistentVolumeSource_fields, N(t_core_v1_GlusterfsPersistentVolumeSource_fields)},
    {"core/v1.ISCSIPersistentVolumeSource", t_core_v1_ISCSIPersistentVolumeSource_fields, N(t_core_v1_ISCSIPersistentVolumeSource_fields)},
    {"core/v1.LimitRange", t_core_v1_LimitRange_fields, N(t_core_v1_LimitRange_fields)},
    {"core/v1.LimitRangeItem", t_core_v1_LimitRangeItem_fields, N(t_core_v1_LimitRangeItem_fields)},
    {"core/v1.LimitRangeSpec", t_core_v1_LimitRangeSpec_fields, N(t_core_v1_LimitRangeSpec_fields)},
    {"core/v1.LocalVolumeSource", t_core_v1_LocalVolumeSource_fields, N(t_core_v1_LocalVolumeSource_fields)},
    {"core/v1.Node", t_core_v1_Node_fields, N(t_core_v1_Node_fields)},
    {"core/v1.NodeAddress", t_core_v1_NodeAddress_fields, N(t_core_v1_NodeAddress_fields)},
    {"core/v1.NodeCondition", t_core_v1_NodeCondition_fields, N(t_core_v1_NodeCondition_fields)},
    {"core/v1.NodeConfigSource", t_core_v1_NodeConfigSource_fields, N(t_core_v1_NodeConfigSource_fields)},
    {"core/v1.NodeConfigStatus", t_core_v1_NodeConfigStatus_fields, N(t_core_v1_NodeConfigStatus_fields)},
    {"core/v1.NodeDaemonEndpoints", t_core_v1_NodeDaemonEndpoints_fields, N(t_core_v1_NodeDaemonEndpoints_fields)},
    {"core/v1.NodeFeatures", t_core_v1_NodeFeatures_fields, N(t_core_v1_NodeFeatures_fields)},
    {"core/v1.NodeRuntimeHandler", t_core_v1_NodeRuntimeHandler_fields, N(t_core_v1_NodeRuntimeHandler_fields)},
    {"core/v1.NodeRuntimeHandlerFeatures", t_core_v1_NodeRuntimeHandlerFeatures_fields, N(t_core_v1_NodeRuntimeHandlerFeatures_fields)},
    {"core/v1.NodeSpec", t_core_v1_NodeSpec_fields, N(t_core_v1_NodeSpec_fields)},
    {"core/v1.NodeStatus", t_core_v1_NodeStatus_fields, N(t_core_v1_NodeStatus_fields)},
    {"core/v1.NodeSystemInfo", t_core_v1_NodeSystemInfo_fields, N(t_core_v1_NodeSystemInfo_fields)},
    {"core/v1.PersistentVolume", t_core_v1_PersistentVolume_fields, N(t_core_v1_PersistentVolume_fields)},
    {"core/v1.PersistentVolumeSpec", t_core_v1_PersistentVolumeSpec_fields, N(t_core_v1_PersistentVolumeSpec_fields)},
    {"core/v1.PersistentVolumeStatus", t_core_v1_PersistentVolumeStatus_fields, N(t_core_v1_PersistentVolumeStatus_fields)},
    {"core/v1.RBDPersistentVolumeSource", t_core_v1_RBDPersistentVolumeSource_fields, N(t_core_v1_RBDPersistentVolumeSource_fields)},
    {"core/v1.ScaleIOPersistentVolumeSource", t_core_v1_ScaleIOPersistentVolumeSource_fields, N(t_core_v1_ScaleIOPersistentVolumeSource_fields)},
    {"core/v1.SecretReference", t_core_v1_SecretReference_fields, N(t_core_v1_SecretReference_fields)},
    {"core/v1.StorageOSPersistentVolumeSource", t_core_v1_StorageOSPersistentVolumeSource_fields, N(t_core_v1_StorageOSPersistentVolumeSource_fields)},
    {"core/v1.Taint", t_core_v1_Taint_fields, N(t_core_v1_Taint_fields)},
    {"core/v1.VolumeNodeAffinity", t_core_v1_VolumeNodeAffinity_fields, N(t_core_v1_VolumeNodeAffinity_fields)},
    {"discovery/v1.Endpoint", t_discovery_v1_Endpoint_fields, N(t_discovery_v1_Endpoint_fields)},
    {"discovery/v1.EndpointConditions", t_discovery_v1_EndpointConditions_fields, N(t_discovery_v1_EndpointConditions_fields)},
    {"discovery/v1.EndpointHints", t_discovery_v1_EndpointHints_fields, N(t_discovery_v1_EndpointHints_fields)},
    {"discovery/v1.EndpointPort", t_discovery_v1_EndpointPort_fields, N(t_discovery_v1_EndpointPort_fields)},
    {"discovery/v1.EndpointSlice", t_discovery_v1_EndpointSlice_fields, N(t_discovery_v1_EndpointSlice_fields)},
    {"discovery/v1.ForZone", t_discovery_v1_ForZone_fields, N(t_discovery_v1_ForZone_fields)},
    {"events/v1.Event", t_events_v1_Event_fields, N(t_events_v1_Event_fields)},
    {"events/v1.EventSeries", t_events_v1_EventSeries_fields, N(t_events_v1_EventSeries_fields)},
    {"core/v1.TopologySelectorLabelRequirement", t_core_v1_TopologySelectorLabelRequirement_fields, N(t_core_v1_TopologySelectorLabelRequirement_fields)},
    {"core/v1.TopologySelectorTerm", t_core_v1_TopologySelectorTerm_fields, N(t_core_v1_TopologySelectorTerm_fields)},
    {"storage/v1.StorageClass", t_storage_v1_StorageClass_fields, N(t_storage_v1_StorageClass_fields)},
    {"storage/v1.TokenRequest", t_storage_v1_TokenRequest_fields, N(t_storage_v1_TokenRequest_fields)},
    {"storage/v1.CSIDriverSpec", t_storage_v1_CSIDriverSpec_fields, N(t_storage_v1_CSIDriverSpec_fields)},
    {"storage/v1.CSIDriver", t_storage_v1_CSIDriver_fields, N(t_storage_v1_CSIDriver_fields)},
    {"storage/v1.VolumeNodeResources", t_storage_v1_VolumeNodeResources_fields, N(t_storage_v1_VolumeNodeResources_fields)},
    {"storage/v1.CSINodeDriver", t_storage_v1_CSINodeDriver_fields, N(t_storage_v1_CSINodeDriver_fields)},
    {"storage/v1.CSINodeSpec", t_storage_v1_CSINodeSpec_fields, N(t_storage_v1_CSINodeSpec_fields)},
    {"storage/v1.CSINode", t_storage_v1_CSINode_fields, N(t_storage_v1_CSINode_fields)},
    {"storage/v1.VolumeAttachmentSource", t_storage_v1_VolumeAttachmentSource_fields, N(t_storage_v1_VolumeAttachmentSource_fields)},
    {"storage/v1.VolumeAttachmentSpec", t_storage_v1_VolumeAttachmentSpec_fields, N(t_storage_v1_VolumeAttachmentSpec_fields)},
    {"storage/v1.VolumeError", t_storage_v1_VolumeError_fields, N(t_storage_v1_VolumeError_fields)},
    {"storage/v1.VolumeAttachmentStatus", t_storage_v1_VolumeAttachmentStatus_fields, N(t_storage_v1_VolumeAttachmentStatus_fields)},
    {"storage/v1.VolumeAttachment", t_storage_v1_VolumeAttachment_fields, N(t_storage_v1_VolumeAttachment_fields)},
    {"networking/v1.IPBlock", t_networking_v1_IPBlock_fields, N(t_networking_v1_IPBlock_fields)},
    {"networking/v1.NetworkPolicyPeer", t_networking_v1_NetworkPolicyPeer_fields, N(t_networking_v1_NetworkPolicyPeer_fields)},
    {"networking/v1.NetworkPolicyPort", t_networking_v1_NetworkPolicyPort_fields, N(t_networking_v1_NetworkPolicyPort_fields)},
    {"networking/v1.NetworkPolicyIngressRule", t_networking_v1_NetworkPolicyIngressRule_fields, N(t_networking_v1_NetworkPolicyIngressRule_fields)},
    {"networking/v1.NetworkPolicyEgressRule", t_networking_v1_NetworkPolicyEgressRule_fields, N(t_networking_v1_NetworkPolicyEgressRule_fields)},
    {"networking/v1.NetworkPolicySpec", t_networking_v1_NetworkPolicySpec_fields, N(t_networking_v1_NetworkPolicySpec_fields)},
    {"networking/v1.NetworkPolicy", t_networking_v1_NetworkPolicy_fields, N(t_networking_v1_NetworkPolicy_fields)},
    {"networking/v1.IngressClassParametersReference", t_networking_v1_IngressClassParametersReference_fields, N(t_networking_v1_IngressClassParametersReference_fields)},
    {"networking/v1.IngressClassSpec", t_networking_v1_IngressClassSpec_fields, N(t_networking_v1_IngressClassSpec_fields)},
    {"networking/v1.IngressClass", t_networking_v1_IngressClass_fields, N(t_networking_v1_IngressClass_fields)},    {"core/v1.ComponentCondition", t_core_v1_ComponentCondition_fields, N(t_core_v1_ComponentCondition_fields)},
    {"core/v1.ComponentStatus", t_core_v1_ComponentStatus_fields, N(t_core_v1_ComponentStatus_fields)},
    {"core/v1.ReplicationControllerSpec", t_core_v1_ReplicationControllerSpec_fields, N(t_core_v1_ReplicationControllerSpec_fields)},
    {"core/v1.ReplicationControllerCondition", t_core_v1_ReplicationControllerCondition_fields, N(t_core_v1_ReplicationControllerCondition_fields)},
    {"core/v1.ReplicationControllerStatus", t_core_v1_ReplicationControllerStatus_fields, N(t_core_v1_ReplicationControllerStatus_fields)},
    {"core/v1.ReplicationController", t_core_v1_ReplicationController_fields, N(t_core_v1_ReplicationController_fields)},
    {"core/v1.PodTemplate", t_core_v1_PodTemplate_fields, N(t_core_v1_PodTemplate_fields)},
    {"node/v1.Overhead", t_node_v1_Overhead_fields, N(t_node_v1_Overhead_fields)},
    {"node/v1.Scheduling", t_node_v1_Scheduling_fields, N(t_node_v1_Scheduling_fields)},
    {"node/v1.RuntimeClass", t_node_v1_RuntimeClass_fields, N(t_node_v1_RuntimeClass_fields)},
};

const struct openapi_alias openapi_aliases[] = {
    {"core/v1.PersistentVolumeClaimStatus", "conditions", "core/v1.PersistentVolumeClaimCondition"},
    {"core/v1.NodeSelectorTerm", "matchExpressions", "core/v1.NodeSelectorRequirement"},
    {"core/v1.NodeSelectorTerm", "matchFields", "core/v1.NodeSelectorRequirement"},
    {"core/v1.VolumeProjection", "configMap", "core/v1.ConfigMapProjection"},
    {"core/v1.EnvVarSource", "secretKeyRef", "core/v1.SecretKeySelector"},
    {"core/v1.SecurityContext", "appArmorProfile", "core/v1.AppArmorProfile"},
    {"core/v1.EnvFromSource", "secretRef", "core/v1.SecretEnvSource"},
    {"core/v1.PodSecurityContext", "sysctls", "core/v1.Sysctl"},
    {"core/v1.PodSecurityContext", "appArmorProfile", "core/v1.AppArmorProfile"},
    {"core/v1.Affinity", "podAntiAffinity", "core/v1.PodAntiAffinity"},
    {"core/v1.PodSpec", "schedulingGates", "core/v1.PodSchedulingGate"},
    {"core/v1.PodStatus", "podIPs", "core/v1.PodIP"},
    {"apps/v1.DaemonSetSpec", "updateStrategy", "apps/v1.DaemonSetUpdateStrategy"},
    {"apps/v1.DaemonSetUpdateStrategy", "rollingUpdate", "apps/v1.RollingUpdateDaemonSet"},
    {"apps/v1.DaemonSetStatus", "conditions", "apps/v1.DaemonSetCondition"},
    {"apps/v1.StatefulSetStatus", "conditions", "apps/v1.StatefulSetCondition"},
    {"authorization/v1.FieldSelectorAttributes", "requirements", "meta/v1.FieldSelectorRequirement"},
    {"authorization/v1.ResourceAttributes", "labelSelector", "authorization/v1.LabelSelectorAttributes"},
    {"autoscaling/v2.MetricSpec", "external", "autoscaling/v2.ExternalMetricSource"},
    {"autoscaling/v2.MetricStatus", "external", "autoscaling/v2.ExternalMetricStatus"},
    {"autoscaling/v2.HorizontalPodAutoscalerStatus", "conditions", "autoscaling/v2.HorizontalPodAutoscalerCondition"},
    {"batch/v1.JobStatus", "conditions", "batch/v1.JobCondition"},
    {"networking/v1.IngressLoadBalancerIngress", "ports", "networking/v1.IngressPortStatus"},
    {"rbac/v1.ClusterRoleBinding", "roleRef", "rbac/v1.RoleRef"},
    {"rbac/v1.RoleBinding", "roleRef", "rbac/v1.RoleRef"},
};

const struct openapi_required openapi_required_fields[] = {
    {"core/v1.ComponentCondition", "type"},
    {"core/v1.ComponentCondition", "status"},
    {"core/v1.ReplicationControllerStatus", "replicas"},
    {"core/v1.ReplicationControllerCondition", "type"},
    {"core/v1.ReplicationControllerCondition", "status"},
    {"node/v1.RuntimeClass", "handler"},
    {"networking/v1.IPBlock", "cidr"},
    {"networking/v1.IngressClassParametersReference", "kind"},
    {"networking/v1.IngressClassParametersReference", "name"},
    {"scheduling/v1.PriorityClass", "value"},
    {"storage/v1.StorageClass", "provisioner"},
    {"storage/v1.CSIDriver", "spec"},
    {"storage/v1.CSINode", "spec"},
    {"storage/v1.CSINodeSpec", "drivers"},
    {"storage/v1.CSINodeDriver", "name"},
    {"storage/v1.CSINodeDriver", "nodeID"},
    {"storage/v1.TokenRequest", "audience"},
    {"storage/v1.VolumeAttachment", "spec"},
    {"storage/v1.VolumeAttachmentSpec", "attacher"},
    {"storage/v1.VolumeAttachmentSpec", "source"},
    {"storage/v1.VolumeAttachmentSpec", "nodeName"},
    {"core/v1.TopologySelectorLabelRequirement", "key"},
    {"core/v1.TopologySelectorLabelRequirement", "values"},
    {"apps/v1.ControllerRevision", "revision"},
    {"apps/v1.DaemonSetCondition", "type"},
    {"apps/v1.DaemonSetCondition", "status"},
    {"apps/v1.DaemonSetSpec", "selector"},
    {"apps/v1.DaemonSetSpec", "template"},
    {"apps/v1.DaemonSetStatus", "currentNumberScheduled"},
    {"apps/v1.DaemonSetStatus", "numberMisscheduled"},
    {"apps/v1.DaemonSetStatus", "desiredNumberScheduled"},
    {"apps/v1.DaemonSetStatus", "numberReady"},
    {"apps/v1.DeploymentCondition", "type"},
    {"apps/v1.DeploymentCondition", "status"},
    {"apps/v1.DeploymentSpec", "selector"},
    {"apps/v1.DeploymentSpec", "template"},
    {"apps/v1.ReplicaSetCondition", "type"},
    {"apps/v1.ReplicaSetCondition", "status"},
    {"apps/v1.ReplicaSetSpec", "selector"},
    {"apps/v1.ReplicaSetStatus", "replicas"},
    {"apps/v1.StatefulSetCondition", "type"},
    {"apps/v1.StatefulSetCondition", "status"},
    {"apps/v1.StatefulSetSpec", "selector"},
    {"apps/v1.StatefulSetSpec", "template"},
    {"apps/v1.StatefulSetSpec", "serviceName"},
    {"apps/v1.StatefulSetStatus", "replicas"},
    {"authorization/v1.SelfSubjectAccessReview", "spec"},
    {"authorization/v1.SubjectAccessReview", "spec"},
    {"authorization/v1.SubjectAccessReviewStatus", "allowed"},
    {"autoscaling/v2.ContainerResourceMetricSource", "name"},
    {"autoscaling/v2.ContainerResourceMetricSource", "target"},
    {"autoscaling/v2.ContainerResourceMetricSource", "container"},
    {"autoscaling/v2.ContainerResourceMetricStatus", "name"},
    {"autoscaling/v2.ContainerResourceMetricStatus", "current"},
    {"autoscaling/v2.ContainerResourceMetricStatus", "container"},
    {"autoscaling/v2.CrossVersionObjectReference", "kind"},
    {"autoscaling/v2.CrossVersionObjectReference", "name"},
    {"autoscaling/v2.ExternalMetricSource", "metric"},
    {"autoscaling/v2.ExternalMetricSource", "target"},
    {"autoscaling/v2.ExternalMetricStatus", "metric"},
    {"autoscaling/v2.ExternalMetricStatus", "current"},
    {"autoscaling/v2.HPAScalingPolicy", "type"},
    {"autoscaling/v2.HPAScalingPolicy", "value"},
    {"autoscaling/v2.HPAScalingPolicy", "periodSeconds"},
    {"autoscaling/v2.HorizontalPodAutoscalerCondition", "type"},
    {"autoscaling/v2.HorizontalPodAutoscalerCondition", "status"},
    {"autoscaling/v2.HorizontalPodAutoscalerSpec", "scaleTargetRef"},
    {"autoscaling/v2.HorizontalPodAutoscalerSpec", "maxReplicas"},
    {"autoscaling/v2.HorizontalPodAutoscalerStatus", "desiredReplicas"},
    {"autoscaling/v2.MetricIdentifier", "name"},
    {"autoscaling/v2.MetricSpec", "type"},
    {"autoscaling/v2.MetricStatus", "type"},
    {"autoscaling/v2.MetricTarget", "type"},
    {"autoscaling/v2.ObjectMetricSource", "describedObject"},
    {"autoscaling/v2.ObjectMetricSource", "target"},
    {"autoscaling/v2.ObjectMetricSource", "metric"},
    {"autoscaling/v2.ObjectMetricStatus", "metric"},
    {"autoscaling/v2.ObjectMetricStatus", "current"},
    {"autoscaling/v2.ObjectMetricStatus", "describedObject"},
    {"autoscaling/v2.PodsMetricSource", "metric"},
    {"autoscaling/v2.PodsMetricSource", "target"},
    {"autoscaling/v2.PodsMetricStatus", "metric"},
    {"autoscaling/v2.PodsMetricStatus", "current"},
    {"autoscaling/v2.ResourceMetricSource", "name"},
    {"autoscaling/v2.ResourceMetricSource", "target"},
    {"autoscaling/v2.ResourceMetricStatus", "name"},
    {"autoscaling/v2.ResourceMetricStatus", "current"},
    {"batch/v1.CronJobSpec", "schedule"},
    {"batch/v1.CronJobSpec", "jobTemplate"},
    {"batch/v1.JobCondition", "type"},
    {"batch/v1.JobCondition", "status"},
    {"batch/v1.JobSpec", "template"},
    {"batch/v1.PodFailurePolicy", "rules"},
    {"batch/v1.PodFailurePolicyOnExitCodesRequirement", "operator"},
    {"batch/v1.PodFailurePolicyOnExitCodesRequirement", "values"},
    {"batch/v1.PodFailurePolicyOnPodConditionsPattern", "type"},
    {"batch/v1.PodFailurePolicyOnPodConditionsPattern", "status"},
    {"batch/v1.PodFailurePolicyRule", "action"},
    {"batch/v1.SuccessPolicy", "rules"},
    {"core/v1.AWSElasticBlockStoreVolumeSource", "volumeID"},
    {"core/v1.AppArmorProfile", "type"},
    {"core/v1.AttachedVolume", "name"},
    {"core/v1.AttachedVolume", "devicePath"},
    {"core/v1.AzureDiskVolumeSource", "diskName"},
    {"core/v1.AzureDiskVolumeSource", "diskURI"},
    {"core/v1.AzureFilePersistentVolumeSource", "secretName"},
    {"core/v1.AzureFilePersistentVolumeSource", "shareName"},
    {"core/v1.AzureFileVolumeSource", "secretName"},
    {"core/v1.AzureFileVolumeSource", "shareName"},
    {"core/v1.CSIPersistentVolumeSource", "driver"},
    {"core/v1.CSIPersistentVolumeSource", "volumeHandle"},
    {"core/v1.CSIVolumeSource", "driver"},
    {"core/v1.CephFSPersistentVolumeSource", "monitors"},
    {"core/v1.CephFSVolumeSource", "monitors"},
    {"core/v1.CinderPersistentVolumeSource", "volumeID"},
    {"core/v1.CinderVolumeSource", "volumeID"},
    {"core/v1.ClusterTrustBundleProjection", "path"},
    {"core/v1.ConfigMapKeySelector", "key"},
    {"core/v1.ConfigMapNodeConfigSource", "namespace"},
    {"core/v1.ConfigMapNodeConfigSource", "name"},
    {"core/v1.ConfigMapNodeConfigSource", "kubeletConfigKey"},
    {"core/v1.Container", "name"},
    {"core/v1.ContainerPort", "containerPort"},
    {"core/v1.ContainerResizePolicy", "resourceName"},
    {"core/v1.ContainerResizePolicy", "restartPolicy"},
    {"core/v1.ContainerStateTerminated", "exitCode"},
    {"core/v1.ContainerStatus", "name"},
    {"core/v1.ContainerStatus", "ready"},
    {"core/v1.ContainerStatus", "restartCount"},
    {"core/v1.ContainerStatus", "image"},
    {"core/v1.ContainerStatus", "imageID"},
    {"core/v1.DaemonEndpoint", "Port"},
    {"core/v1.DownwardAPIVolumeFile", "path"},
    {"core/v1.EndpointAddress", "ip"},
    {"core/v1.EndpointPort", "port"},
    {"core/v1.EnvVar", "name"},
    {"core/v1.EphemeralContainer", "name"},
    {"core/v1.Event", "metadata"},
    {"core/v1.Event", "involvedObject"},
    {"core/v1.FlexPersistentVolumeSource", "driver"},
    {"core/v1.FlexVolumeSource", "driver"},
    {"core/v1.GCEPersistentDiskVolumeSource", "pdName"},
    {"core/v1.GRPCAction", "port"},
    {"core/v1.GitRepoVolumeSource", "repository"},
    {"core/v1.GlusterfsPersistentVolumeSource", "endpoints"},
    {"core/v1.GlusterfsPersistentVolumeSource", "path"},
    {"core/v1.GlusterfsVolumeSource", "endpoints"},
    {"core/v1.GlusterfsVolumeSource", "path"},
    {"core/v1.HTTPGetAction", "port"},
    {"core/v1.HTTPHeader", "name"},
    {"core/v1.HTTPHeader", "value"},
    {"core/v1.HostAlias", "ip"},
    {"core/v1.HostIP", "ip"},
    {"core/v1.HostPathVolumeSource", "path"},
    {"core/v1.ISCSIPersistentVolumeSource", "targetPortal"},
    {"core/v1.ISCSIPersistentVolumeSource", "iqn"},
    {"core/v1.ISCSIPersistentVolumeSource", "lun"},
    {"core/v1.ISCSIVolumeSource", "targetPortal"},
    {"core/v1.ISCSIVolumeSource", "iqn"},
    {"core/v1.ISCSIVolumeSource", "lun"},
    {"core/v1.KeyToPath", "key"},
    {"core/v1.KeyToPath", "path"},
    {"core/v1.LimitRangeItem", "type"},
    {"core/v1.LimitRangeSpec", "limits"},
    {"core/v1.LinuxContainerUser", "uid"},
    {"core/v1.LinuxContainerUser", "gid"},
    {"core/v1.LocalVolumeSource", "path"},
    {"core/v1.ModifyVolumeStatus", "status"},
    {"core/v1.NFSVolumeSource", "server"},
    {"core/v1.NFSVolumeSource", "path"},
    {"core/v1.NamespaceCondition", "type"},
    {"core/v1.NamespaceCondition", "status"},
    {"core/v1.NodeAddress", "type"},
    {"core/v1.NodeAddress", "address"},
    {"core/v1.NodeCondition", "type"},
    {"core/v1.NodeCondition", "status"},
    {"core/v1.NodeSelector", "nodeSelectorTerms"},
    {"core/v1.NodeSelectorRequirement", "key"},
    {"core/v1.NodeSelectorRequirement", "operator"},
    {"core/v1.NodeSystemInfo", "machineID"},
    {"core/v1.NodeSystemInfo", "systemUUID"},
    {"core/v1.NodeSystemInfo", "bootID"},
    {"core/v1.NodeSystemInfo", "kernelVersion"},
    {"core/v1.NodeSystemInfo", "osImage"},
    {"core/v1.NodeSystemInfo", "containerRuntimeVersion"},
    {"core/v1.NodeSystemInfo", "kubeletVersion"},
    {"core/v1.NodeSystemInfo", "kubeProxyVersion"},
    {"core/v1.NodeSystemInfo", "operatingSystem"},
    {"core/v1.NodeSystemInfo", "architecture"},
    {"core/v1.ObjectFieldSelector", "fieldPath"},
    {"core/v1.PersistentVolumeClaimCondition", "type"},
    {"core/v1.PersistentVolumeClaimCondition", "status"},
    {"core/v1.PersistentVolumeClaimTemplate", "spec"},
    {"core/v1.PersistentVolumeClaimVolumeSource", "claimName"},
    {"core/v1.PhotonPersistentDiskVolumeSource", "pdID"},
    {"core/v1.PodAffinityTerm", "topologyKey"},
    {"core/v1.PodCondition", "type"},
    {"core/v1.PodCondition", "status"},
    {"core/v1.PodIP", "ip"},
    {"core/v1.PodOS", "name"},
    {"core/v1.PodReadinessGate", "conditionType"},
    {"core/v1.PodResourceClaim", "name"},
    {"core/v1.PodResourceClaimStatus", "name"},
    {"core/v1.PodSchedulingGate", "name"},
    {"core/v1.PodSpec", "containers"},
    {"core/v1.PortStatus", "port"},
    {"core/v1.PortStatus", "protocol"},
    {"core/v1.PortworxVolumeSource", "volumeID"},
    {"core/v1.PreferredSchedulingTerm", "weight"},
    {"core/v1.PreferredSchedulingTerm", "preference"},
    {"core/v1.QuobyteVolumeSource", "registry"},
    {"core/v1.QuobyteVolumeSource", "volume"},
    {"core/v1.RBDPersistentVolumeSource", "monitors"},
    {"core/v1.RBDPersistentVolumeSource", "image"},
    {"core/v1.RBDVolumeSource", "monitors"},
    {"core/v1.RBDVolumeSource", "image"},
    {"core/v1.ResourceClaim", "name"},
    {"core/v1.ResourceFieldSelector", "resource"},
    {"core/v1.ResourceHealth", "resourceID"},
    {"core/v1.ResourceStatus", "name"},
    {"core/v1.ScaleIOPersistentVolumeSource", "gateway"},
    {"core/v1.ScaleIOPersistentVolumeSource", "system"},
    {"core/v1.ScaleIOPersistentVolumeSource", "secretRef"},
    {"core/v1.ScaleIOVolumeSource", "gateway"},
    {"core/v1.ScaleIOVolumeSource", "system"},
    {"core/v1.ScaleIOVolumeSource", "secretRef"},
    {"core/v1.ScopedResourceSelectorRequirement", "scopeName"},
    {"core/v1.ScopedResourceSelectorRequirement", "operator"},
    {"core/v1.SeccompProfile", "type"},
    {"core/v1.SecretKeySelector", "key"},
    {"core/v1.ServiceAccountTokenProjection", "path"},
    {"core/v1.ServicePort", "port"},
    {"core/v1.SleepAction", "seconds"},
    {"core/v1.Sysctl", "name"},
    {"core/v1.Sysctl", "value"},
    {"core/v1.TCPSocketAction", "port"},
    {"core/v1.Taint", "key"},
    {"core/v1.Taint", "effect"},
    {"core/v1.TopologySpreadConstraint", "maxSkew"},
    {"core/v1.TopologySpreadConstraint", "topologyKey"},
    {"core/v1.TopologySpreadConstraint", "whenUnsatisfiable"},
    {"core/v1.TypedLocalObjectReference", "kind"},
    {"core/v1.TypedLocalObjectReference", "name"},
    {"core/v1.TypedObjectReference", "kind"},
    {"core/v1.TypedObjectReference", "name"},
    {"core/v1.Volume", "name"},
    {"core/v1.VolumeDevice", "name"},
    {"core/v1.VolumeDevice", "devicePath"},
    {"core/v1.VolumeMount", "name"},
    {"core/v1.VolumeMount", "mountPath"},
    {"core/v1.VolumeMountStatus", "name"},
    {"core/v1.VolumeMountStatus", "mountPath"},
    {"core/v1.VsphereVirtualDiskVolumeSource", "volumePath"},
    {"core/v1.WeightedPodAffinityTerm", "weight"},
    {"core/v1.WeightedPodAffinityTerm", "podAffinityTerm"},
    {"discovery/v1.Endpoint", "addresses"},
    {"discovery/v1.EndpointSlice", "addressType"},
    {"discovery/v1.EndpointSlice", "endpoints"},
    {"discovery/v1.ForZone", "name"},
    {"events/v1.Event", "eventTime"},
    {"events/v1.EventSeries", "count"},
    {"events/v1.EventSeries", "lastObservedTime"},
    {"meta/v1.Condition", "type"},
    {"meta/v1.Condition", "status"},
    {"meta/v1.Condition", "lastTransitionTime"},
    {"meta/v1.Condition", "reason"},
    {"meta/v1.Condition", "message"},
    {"meta/v1.LabelSelectorRequirement", "key"},
    {"meta/v1.LabelSelectorRequirement", "operator"},
    {"meta/v1.OwnerReference", "apiVersion"},
    {"meta/v1.OwnerReference", "kind"},
    {"meta/v1.OwnerReference", "name"},
    {"meta/v1.OwnerReference", "uid"},
    {"networking/v1.HTTPIngressPath", "pathType"},
    {"networking/v1.HTTPIngressPath", "backend"},
    {"networking/v1.HTTPIngressRuleValue", "paths"},
    {"networking/v1.IngressPortStatus", "port"},
    {"networking/v1.IngressPortStatus", "protocol"},
    {"networking/v1.IngressServiceBackend", "name"},
    {"policy/v1.PodDisruptionBudgetStatus", "disruptionsAllowed"},
    {"policy/v1.PodDisruptionBudgetStatus", "currentHealthy"},
    {"policy/v1.PodDisruptionBudgetStatus", "desiredHealthy"},
    {"policy/v1.PodDisruptionBudgetStatus", "expectedPods"},
    {"rbac/v1.ClusterRoleBinding", "roleRef"},
    {"rbac/v1.PolicyRule", "verbs"},
    {"rbac/v1.RoleBinding", "roleRef"},
    {"rbac/v1.RoleRef", "apiGroup"},
    {"rbac/v1.RoleRef", "kind"},
    {"rbac/v1.RoleRef", "name"},
    {"rbac/v1.Subject", "kind"},
    {"rbac/v1.Subject", "name"},
};

const struct openapi_enum openapi_enums[] = {
    {"apps/v1.DaemonSetUpdateStrategy", "type", "OnDelete|RollingUpdate"},
    {"apps/v1.DeploymentStrategy", "type", "Recreate|RollingUpdate"},
    {"apps/v1.StatefulSetSpec", "podManagementPolicy", "OrderedReady|Parallel"},
    {"apps/v1.StatefulSetUpdateStrategy", "type", "OnDelete|RollingUpdate"},
    {"batch/v1.CronJobSpec", "concurrencyPolicy", "Allow|Forbid|Replace"},
    {"batch/v1.JobSpec", "completionMode", "Indexed|NonIndexed"},
    {"batch/v1.JobSpec", "podReplacementPolicy", "Failed|TerminatingOrFailed"},
    {"batch/v1.PodFailurePolicyOnExitCodesRequirement", "operator", "In|NotIn"},
    {"batch/v1.PodFailurePolicyRule", "action", "Count|FailIndex|FailJob|Ignore"},
    {"core/v1.AppArmorProfile", "type", "Localhost|RuntimeDefault|Unconfined"},
    {"core/v1.AzureDiskVolumeSource", "cachingMode", "None|ReadOnly|ReadWrite"},
    {"core/v1.AzureDiskVolumeSource", "kind", "Dedicated|Managed|Shared"},
    {"core/v1.Container", "terminationMessagePolicy", "FallbackToLogsOnError|File"},
    {"core/v1.Container", "imagePullPolicy", "Always|IfNotPresent|Never"},
    {"core/v1.ContainerPort", "protocol", "SCTP|TCP|UDP"},
    {"core/v1.EndpointPort", "protocol", "SCTP|TCP|UDP"},
    {"core/v1.EphemeralContainer", "terminationMessagePolicy", "FallbackToLogsOnError|File"},
    {"core/v1.EphemeralContainer", "imagePullPolicy", "Always|IfNotPresent|Never"},
    {"core/v1.HTTPGetAction", "scheme", "HTTP|HTTPS"},
    {"core/v1.HostPathVolumeSource", "type", "|BlockDevice|CharDevice|Directory|DirectoryOrCreate|File|FileOrCreate|Socket"},
    {"core/v1.ImageVolumeSource", "pullPolicy", "Always|IfNotPresent|Never"},
    {"core/v1.ModifyVolumeStatus", "status", "InProgress|Infeasible|Pending"},
    {"core/v1.NamespaceStatus", "phase", "Active|Terminating"},
    {"core/v1.NodeSelectorRequirement", "operator", "DoesNotExist|Exists|Gt|In|Lt|NotIn"},
    {"core/v1.NodeStatus", "phase", "Pending|Running|Terminated"},
    {"core/v1.PersistentVolumeClaimSpec", "volumeMode", "Block|Filesystem"},
    {"core/v1.PersistentVolumeClaimStatus", "phase", "Bound|Lost|Pending"},
    {"core/v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy", "Delete|Recycle|Retain"},
    {"core/v1.PersistentVolumeSpec", "volumeMode", "Block|Filesystem"},
    {"core/v1.PersistentVolumeStatus", "phase", "Available|Bound|Failed|Pending|Released"},
    {"core/v1.PodSecurityContext", "supplementalGroupsPolicy", "Merge|Strict"},
    {"core/v1.PodSecurityContext", "fsGroupChangePolicy", "Always|OnRootMismatch"},
    {"core/v1.PodSpec", "restartPolicy", "Always|Never|OnFailure"},
    {"core/v1.PodSpec", "dnsPolicy", "ClusterFirst|ClusterFirstWithHostNet|Default|None"},
    {"core/v1.PodSpec", "preemptionPolicy", "Never|PreemptLowerPriority"},
    {"core/v1.PodStatus", "phase", "Failed|Pending|Running|Succeeded|Unknown"},
    {"core/v1.PodStatus", "qosClass", "BestEffort|Burstable|Guaranteed"},
    {"core/v1.PortStatus", "protocol", "SCTP|TCP|UDP"},
    {"core/v1.ScopedResourceSelectorRequirement", "scopeName", "BestEffort|CrossNamespacePodAffinity|NotBestEffort|NotTerminating|PriorityClass|Terminating"},
    {"core/v1.ScopedResourceSelectorRequirement", "operator", "DoesNotExist|Exists|In|NotIn"},
    {"core/v1.SeccompProfile", "type", "Localhost|RuntimeDefault|Unconfined"},
    {"core/v1.SecurityContext", "procMount", "Default|Unmasked"},
    {"core/v1.ServicePort", "protocol", "SCTP|TCP|UDP"},
    {"core/v1.ServiceSpec", "type", "ClusterIP|ExternalName|LoadBalancer|NodePort"},
    {"core/v1.ServiceSpec", "sessionAffinity", "ClientIP|None"},
    {"core/v1.ServiceSpec", "externalTrafficPolicy", "Cluster|Local"},
    {"core/v1.ServiceSpec", "ipFamilyPolicy", "PreferDualStack|RequireDualStack|SingleStack"},
    {"core/v1.ServiceSpec", "internalTrafficPolicy", "Cluster|Local"},
    {"core/v1.Taint", "effect", "NoExecute|NoSchedule|PreferNoSchedule"},
    {"core/v1.Toleration", "operator", "Equal|Exists"},
    {"core/v1.Toleration", "effect", "NoExecute|NoSchedule|PreferNoSchedule"},
    {"core/v1.TopologySpreadConstraint", "whenUnsatisfiable", "DoNotSchedule|ScheduleAnyway"},
    {"core/v1.TopologySpreadConstraint", "nodeAffinityPolicy", "Honor|Ignore"},
    {"core/v1.TopologySpreadConstraint", "nodeTaintsPolicy", "Honor|Ignore"},
    {"core/v1.VolumeMount", "mountPropagation", "Bidirectional|HostToContainer|None"},
    {"discovery/v1.EndpointPort", "protocol", "SCTP|TCP|UDP"},
    {"discovery/v1.EndpointSlice", "addressType", "FQDN|IPv4|IPv6"},
    {"networking/v1.HTTPIngressPath", "pathType", "Exact|ImplementationSpecific|Prefix"},
    {"networking/v1.IngressPortStatus", "protocol", "SCTP|TCP|UDP"},
    {"policy/v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy", "AlwaysAllow|IfHealthyBudget"},
    {"scheduling/v1.PriorityClass", "preemptionPolicy", "Never|PreemptLowerPriority"},
    {"networking/v1.NetworkPolicyPort", "protocol", "SCTP|TCP|UDP"},
    {"storage/v1.CSIDriverSpec", "fsGroupPolicy", "File|None|ReadWriteOnceWithFSType"},
    {"storage/v1.StorageClass", "reclaimPolicy", "Delete|Recycle|Retain"},
    {"storage/v1.StorageClass", "volumeBindingMode", "Immediate|WaitForFirstConsumer"},
};

const size_t openapi_extra_type_count = N(openapi_extra_types);
const size_t openapi_alias_count = N(openapi_aliases);
const size_t openapi_required_count = N(openapi_required_fields);
const size_t openapi_enum_count = N(openapi_enums);
/* clang-format on */
