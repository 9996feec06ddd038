/* Field tables for kproto.c: every message reachable from the kinds kubectl sends as protobuf,
 * with k8s.io/api v0.32's field numbers, JSON names, value kinds and omitempty-ness (read from
 * the Go types' struct tags and checked against generated.proto). Machine-written; see kproto.h. */
#include "kproto_schema.h"

/* clang-format off */
static const struct kproto_msg m_metav1_OwnerReference;
static const struct kproto_msg m_metav1_ManagedFieldsEntry;
static const struct kproto_msg m_metav1_ObjectMeta;
static const struct kproto_msg m_corev1_NamespaceSpec;
static const struct kproto_msg m_corev1_NamespaceCondition;
static const struct kproto_msg m_corev1_NamespaceStatus;
static const struct kproto_msg m_corev1_Namespace;
static const struct kproto_msg m_corev1_ConfigMap;
static const struct kproto_msg m_corev1_Secret;
static const struct kproto_msg m_corev1_ServicePort;
static const struct kproto_msg m_corev1_ClientIPConfig;
static const struct kproto_msg m_corev1_SessionAffinityConfig;
static const struct kproto_msg m_corev1_ServiceSpec;
static const struct kproto_msg m_corev1_PortStatus;
static const struct kproto_msg m_corev1_LoadBalancerIngress;
static const struct kproto_msg m_corev1_LoadBalancerStatus;
static const struct kproto_msg m_metav1_Condition;
static const struct kproto_msg m_corev1_ServiceStatus;
static const struct kproto_msg m_corev1_Service;
static const struct kproto_msg m_corev1_ObjectReference;
static const struct kproto_msg m_corev1_LocalObjectReference;
static const struct kproto_msg m_corev1_ServiceAccount;
static const struct kproto_msg m_corev1_ScopedResourceSelectorRequirement;
static const struct kproto_msg m_corev1_ScopeSelector;
static const struct kproto_msg m_corev1_ResourceQuotaSpec;
static const struct kproto_msg m_corev1_ResourceQuotaStatus;
static const struct kproto_msg m_corev1_ResourceQuota;
static const struct kproto_msg m_corev1_HostPathVolumeSource;
static const struct kproto_msg m_corev1_EmptyDirVolumeSource;
static const struct kproto_msg m_corev1_GCEPersistentDiskVolumeSource;
static const struct kproto_msg m_corev1_AWSElasticBlockStoreVolumeSource;
static const struct kproto_msg m_corev1_GitRepoVolumeSource;
static const struct kproto_msg m_corev1_KeyToPath;
static const struct kproto_msg m_corev1_SecretVolumeSource;
static const struct kproto_msg m_corev1_NFSVolumeSource;
static const struct kproto_msg m_corev1_ISCSIVolumeSource;
static const struct kproto_msg m_corev1_GlusterfsVolumeSource;
static const struct kproto_msg m_corev1_PersistentVolumeClaimVolumeSource;
static const struct kproto_msg m_corev1_RBDVolumeSource;
static const struct kproto_msg m_corev1_FlexVolumeSource;
static const struct kproto_msg m_corev1_CinderVolumeSource;
static const struct kproto_msg m_corev1_CephFSVolumeSource;
static const struct kproto_msg m_corev1_FlockerVolumeSource;
static const struct kproto_msg m_corev1_ObjectFieldSelector;
static const struct kproto_msg m_corev1_ResourceFieldSelector;
static const struct kproto_msg m_corev1_DownwardAPIVolumeFile;
static const struct kproto_msg m_corev1_DownwardAPIVolumeSource;
static const struct kproto_msg m_corev1_FCVolumeSource;
static const struct kproto_msg m_corev1_AzureFileVolumeSource;
static const struct kproto_msg m_corev1_ConfigMapVolumeSource;
static const struct kproto_msg m_corev1_VsphereVirtualDiskVolumeSource;
static const struct kproto_msg m_corev1_QuobyteVolumeSource;
static const struct kproto_msg m_corev1_AzureDiskVolumeSource;
static const struct kproto_msg m_corev1_PhotonPersistentDiskVolumeSource;
static const struct kproto_msg m_corev1_SecretProjection;
static const struct kproto_msg m_corev1_DownwardAPIProjection;
static const struct kproto_msg m_corev1_ServiceAccountTokenProjection;
static const struct kproto_msg m_metav1_LabelSelectorRequirement;
static const struct kproto_msg m_metav1_LabelSelector;
static const struct kproto_msg m_corev1_ClusterTrustBundleProjection;
static const struct kproto_msg m_corev1_VolumeProjection;
static const struct kproto_msg m_corev1_ProjectedVolumeSource;
static const struct kproto_msg m_corev1_PortworxVolumeSource;
static const struct kproto_msg m_corev1_ScaleIOVolumeSource;
static const struct kproto_msg m_corev1_StorageOSVolumeSource;
static const struct kproto_msg m_corev1_CSIVolumeSource;
static const struct kproto_msg m_corev1_VolumeResourceRequirements;
static const struct kproto_msg m_corev1_TypedLocalObjectReference;
static const struct kproto_msg m_corev1_TypedObjectReference;
static const struct kproto_msg m_corev1_PersistentVolumeClaimSpec;
static const struct kproto_msg m_corev1_PersistentVolumeClaimTemplate;
static const struct kproto_msg m_corev1_EphemeralVolumeSource;
static const struct kproto_msg m_corev1_ImageVolumeSource;
static const struct kproto_msg m_corev1_VolumeSource;
static const struct kproto_msg m_corev1_Volume;
static const struct kproto_msg m_corev1_ContainerPort;
static const struct kproto_msg m_corev1_ConfigMapEnvSource;
static const struct kproto_msg m_corev1_EnvFromSource;
static const struct kproto_msg m_corev1_ConfigMapKeySelector;
static const struct kproto_msg m_corev1_EnvVarSource;
static const struct kproto_msg m_corev1_EnvVar;
static const struct kproto_msg m_corev1_ResourceClaim;
static const struct kproto_msg m_corev1_ResourceRequirements;
static const struct kproto_msg m_corev1_ContainerResizePolicy;
static const struct kproto_msg m_corev1_VolumeMount;
static const struct kproto_msg m_corev1_VolumeDevice;
static const struct kproto_msg m_corev1_ExecAction;
static const struct kproto_msg m_corev1_HTTPHeader;
static const struct kproto_msg m_corev1_HTTPGetAction;
static const struct kproto_msg m_corev1_TCPSocketAction;
static const struct kproto_msg m_corev1_GRPCAction;
static const struct kproto_msg m_corev1_ProbeHandler;
static const struct kproto_msg m_corev1_Probe;
static const struct kproto_msg m_corev1_SleepAction;
static const struct kproto_msg m_corev1_LifecycleHandler;
static const struct kproto_msg m_corev1_Lifecycle;
static const struct kproto_msg m_corev1_Capabilities;
static const struct kproto_msg m_corev1_SELinuxOptions;
static const struct kproto_msg m_corev1_WindowsSecurityContextOptions;
static const struct kproto_msg m_corev1_SeccompProfile;
static const struct kproto_msg m_corev1_SecurityContext;
static const struct kproto_msg m_corev1_Container;
static const struct kproto_msg m_corev1_EphemeralContainer;
static const struct kproto_msg m_corev1_PodSecurityContext;
static const struct kproto_msg m_corev1_NodeSelectorTerm;
static const struct kproto_msg m_corev1_NodeSelector;
static const struct kproto_msg m_corev1_PreferredSchedulingTerm;
static const struct kproto_msg m_corev1_NodeAffinity;
static const struct kproto_msg m_corev1_PodAffinityTerm;
static const struct kproto_msg m_corev1_WeightedPodAffinityTerm;
static const struct kproto_msg m_corev1_PodAffinity;
static const struct kproto_msg m_corev1_Affinity;
static const struct kproto_msg m_corev1_Toleration;
static const struct kproto_msg m_corev1_HostAlias;
static const struct kproto_msg m_corev1_PodDNSConfigOption;
static const struct kproto_msg m_corev1_PodDNSConfig;
static const struct kproto_msg m_corev1_PodReadinessGate;
static const struct kproto_msg m_corev1_TopologySpreadConstraint;
static const struct kproto_msg m_corev1_PodOS;
static const struct kproto_msg m_corev1_PodResourceClaim;
static const struct kproto_msg m_corev1_PodSpec;
static const struct kproto_msg m_corev1_PodCondition;
static const struct kproto_msg m_corev1_HostIP;
static const struct kproto_msg m_corev1_ContainerStateWaiting;
static const struct kproto_msg m_corev1_ContainerStateRunning;
static const struct kproto_msg m_corev1_ContainerStateTerminated;
static const struct kproto_msg m_corev1_ContainerState;
static const struct kproto_msg m_corev1_VolumeMountStatus;
static const struct kproto_msg m_corev1_LinuxContainerUser;
static const struct kproto_msg m_corev1_ContainerUser;
static const struct kproto_msg m_corev1_ResourceHealth;
static const struct kproto_msg m_corev1_ResourceStatus;
static const struct kproto_msg m_corev1_ContainerStatus;
static const struct kproto_msg m_corev1_PodResourceClaimStatus;
static const struct kproto_msg m_corev1_PodStatus;
static const struct kproto_msg m_corev1_Pod;
static const struct kproto_msg m_corev1_Binding;
static const struct kproto_msg m_corev1_PodTemplateSpec;
static const struct kproto_msg m_appsv1_RollingUpdateDeployment;
static const struct kproto_msg m_appsv1_DeploymentStrategy;
static const struct kproto_msg m_appsv1_DeploymentSpec;
static const struct kproto_msg m_appsv1_DeploymentCondition;
static const struct kproto_msg m_appsv1_DeploymentStatus;
static const struct kproto_msg m_appsv1_Deployment;
static const struct kproto_msg m_appsv1_ReplicaSetSpec;
static const struct kproto_msg m_appsv1_ReplicaSetCondition;
static const struct kproto_msg m_appsv1_ReplicaSetStatus;
static const struct kproto_msg m_appsv1_ReplicaSet;
static const struct kproto_msg m_corev1_ModifyVolumeStatus;
static const struct kproto_msg m_corev1_PersistentVolumeClaimStatus;
static const struct kproto_msg m_corev1_PersistentVolumeClaim;
static const struct kproto_msg m_appsv1_RollingUpdateStatefulSetStrategy;
static const struct kproto_msg m_appsv1_StatefulSetUpdateStrategy;
static const struct kproto_msg m_appsv1_StatefulSetPersistentVolumeClaimRetentionPolicy;
static const struct kproto_msg m_appsv1_StatefulSetOrdinals;
static const struct kproto_msg m_appsv1_StatefulSetSpec;
static const struct kproto_msg m_appsv1_StatefulSetStatus;
static const struct kproto_msg m_appsv1_StatefulSet;
static const struct kproto_msg m_appsv1_DaemonSetSpec;
static const struct kproto_msg m_appsv1_DaemonSetStatus;
static const struct kproto_msg m_appsv1_DaemonSet;
static const struct kproto_msg m_batchv1_PodFailurePolicyOnExitCodesRequirement;
static const struct kproto_msg m_batchv1_PodFailurePolicyOnPodConditionsPattern;
static const struct kproto_msg m_batchv1_PodFailurePolicyRule;
static const struct kproto_msg m_batchv1_PodFailurePolicy;
static const struct kproto_msg m_batchv1_SuccessPolicyRule;
static const struct kproto_msg m_batchv1_SuccessPolicy;
static const struct kproto_msg m_batchv1_JobSpec;
static const struct kproto_msg m_batchv1_UncountedTerminatedPods;
static const struct kproto_msg m_batchv1_JobStatus;
static const struct kproto_msg m_batchv1_Job;
static const struct kproto_msg m_batchv1_JobTemplateSpec;
static const struct kproto_msg m_batchv1_CronJobSpec;
static const struct kproto_msg m_batchv1_CronJobStatus;
static const struct kproto_msg m_batchv1_CronJob;
static const struct kproto_msg m_rbacv1_PolicyRule;
static const struct kproto_msg m_rbacv1_Role;
static const struct kproto_msg m_rbacv1_AggregationRule;
static const struct kproto_msg m_rbacv1_ClusterRole;
static const struct kproto_msg m_rbacv1_Subject;
static const struct kproto_msg m_rbacv1_RoleBinding;
static const struct kproto_msg m_policyv1_PodDisruptionBudgetSpec;
static const struct kproto_msg m_policyv1_PodDisruptionBudgetStatus;
static const struct kproto_msg m_policyv1_PodDisruptionBudget;
static const struct kproto_msg m_metav1_Preconditions;
static const struct kproto_msg m_metav1_DeleteOptions;
static const struct kproto_msg m_policyv1_Eviction;
static const struct kproto_msg m_networkingv1_ServiceBackendPort;
static const struct kproto_msg m_networkingv1_IngressServiceBackend;
static const struct kproto_msg m_networkingv1_IngressBackend;
static const struct kproto_msg m_networkingv1_IngressTLS;
static const struct kproto_msg m_networkingv1_HTTPIngressPath;
static const struct kproto_msg m_networkingv1_HTTPIngressRuleValue;
static const struct kproto_msg m_networkingv1_IngressRuleValue;
static const struct kproto_msg m_networkingv1_IngressRule;
static const struct kproto_msg m_networkingv1_IngressSpec;
static const struct kproto_msg m_networkingv1_IngressLoadBalancerIngress;
static const struct kproto_msg m_networkingv1_IngressLoadBalancerStatus;
static const struct kproto_msg m_networkingv1_IngressStatus;
static const struct kproto_msg m_networkingv1_Ingress;
static const struct kproto_msg m_autoscalingv2_CrossVersionObjectReference;
static const struct kproto_msg m_autoscalingv2_MetricTarget;
static const struct kproto_msg m_autoscalingv2_MetricIdentifier;
static const struct kproto_msg m_autoscalingv2_ObjectMetricSource;
static const struct kproto_msg m_autoscalingv2_PodsMetricSource;
static const struct kproto_msg m_autoscalingv2_ResourceMetricSource;
static const struct kproto_msg m_autoscalingv2_ContainerResourceMetricSource;
static const struct kproto_msg m_autoscalingv2_MetricSpec;
static const struct kproto_msg m_autoscalingv2_HPAScalingPolicy;
static const struct kproto_msg m_autoscalingv2_HPAScalingRules;
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerBehavior;
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerSpec;
static const struct kproto_msg m_autoscalingv2_MetricValueStatus;
static const struct kproto_msg m_autoscalingv2_ObjectMetricStatus;
static const struct kproto_msg m_autoscalingv2_PodsMetricStatus;
static const struct kproto_msg m_autoscalingv2_ResourceMetricStatus;
static const struct kproto_msg m_autoscalingv2_ContainerResourceMetricStatus;
static const struct kproto_msg m_autoscalingv2_MetricStatus;
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerStatus;
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscaler;
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscalerSpec;
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscalerStatus;
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscaler;
static const struct kproto_msg m_autoscalingv1_ScaleSpec;
static const struct kproto_msg m_autoscalingv1_ScaleStatus;
static const struct kproto_msg m_autoscalingv1_Scale;
static const struct kproto_msg m_schedulingv1_PriorityClass;
static const struct kproto_msg m_authorizationv1_FieldSelectorAttributes;
static const struct kproto_msg m_authorizationv1_ResourceAttributes;
static const struct kproto_msg m_authorizationv1_NonResourceAttributes;
static const struct kproto_msg m_authorizationv1_SelfSubjectAccessReviewSpec;
static const struct kproto_msg m_authorizationv1_SubjectAccessReviewStatus;
static const struct kproto_msg m_authorizationv1_SelfSubjectAccessReview;
static const struct kproto_msg m_authorizationv1_SelfSubjectRulesReviewSpec;
static const struct kproto_msg m_authorizationv1_ResourceRule;
static const struct kproto_msg m_authorizationv1_NonResourceRule;
static const struct kproto_msg m_authorizationv1_SubjectRulesReviewStatus;
static const struct kproto_msg m_authorizationv1_SelfSubjectRulesReview;
static const struct kproto_msg m_authorizationv1_SubjectAccessReviewSpec;
static const struct kproto_msg m_authorizationv1_SubjectAccessReview;
static const struct kproto_msg m_authenticationv1_UserInfo;
static const struct kproto_msg m_authenticationv1_SelfSubjectReviewStatus;
static const struct kproto_msg m_authenticationv1_SelfSubjectReview;
static const struct kproto_msg m_authenticationv1_BoundObjectReference;
static const struct kproto_msg m_authenticationv1_TokenRequestSpec;
static const struct kproto_msg m_authenticationv1_TokenRequestStatus;
static const struct kproto_msg m_authenticationv1_TokenRequest;
static const struct kproto_msg m_authenticationv1_TokenReviewSpec;
static const struct kproto_msg m_authenticationv1_TokenReviewStatus;
static const struct kproto_msg m_authenticationv1_TokenReview;

static const struct kproto_field m_metav1_OwnerReference_fields[] = {
    {1, KPROTO_STRING, 0, "kind", NULL},
    {3, KPROTO_STRING, 0, "name", NULL},
    {4, KPROTO_STRING, 0, "uid", NULL},
    {5, KPROTO_STRING, 0, "apiVersion", NULL},
    {6, KPROTO_BOOL, 0, "controller", NULL},
    {7, KPROTO_BOOL, 0, "blockOwnerDeletion", NULL},
};
static const struct kproto_msg m_metav1_OwnerReference = {"meta/v1.OwnerReference", m_metav1_OwnerReference_fields, 6};

static const struct kproto_field m_metav1_ManagedFieldsEntry_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "manager", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "operation", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
    {4, KPROTO_TIME, 0, "time", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "fieldsType", NULL},
    {7, KPROTO_RAWJSON, 0, "fieldsV1", NULL},
    {8, KPROTO_STRING, KPROTO_OMITEMPTY, "subresource", NULL},
};
static const struct kproto_msg m_metav1_ManagedFieldsEntry = {"meta/v1.ManagedFieldsEntry", m_metav1_ManagedFieldsEntry_fields, 7};

static const struct kproto_field m_metav1_ObjectMeta_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "generateName", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "namespace", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "selfLink", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "uid", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "resourceVersion", NULL},
    {7, KPROTO_INT64, KPROTO_OMITEMPTY, "generation", NULL},
    {8, KPROTO_TIME, 0, "creationTimestamp", NULL},
    {9, KPROTO_TIME, 0, "deletionTimestamp", NULL},
    {10, KPROTO_INT64, 0, "deletionGracePeriodSeconds", NULL},
    {11, KPROTO_STRING, KPROTO_MAP, "labels", NULL},
    {12, KPROTO_STRING, KPROTO_MAP, "annotations", NULL},
    {13, KPROTO_MSG, KPROTO_REPEATED, "ownerReferences", &m_metav1_OwnerReference},
    {14, KPROTO_STRING, KPROTO_REPEATED, "finalizers", NULL},
    {17, KPROTO_MSG, KPROTO_REPEATED, "managedFields", &m_metav1_ManagedFieldsEntry},
};
static const struct kproto_msg m_metav1_ObjectMeta = {"meta/v1.ObjectMeta", m_metav1_ObjectMeta_fields, 15};

static const struct kproto_field m_corev1_NamespaceSpec_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "finalizers", NULL},
};
static const struct kproto_msg m_corev1_NamespaceSpec = {"core/v1.NamespaceSpec", m_corev1_NamespaceSpec_fields, 1};

static const struct kproto_field m_corev1_NamespaceCondition_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
    {4, KPROTO_TIME, 0, "lastTransitionTime", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
};
static const struct kproto_msg m_corev1_NamespaceCondition = {"core/v1.NamespaceCondition", m_corev1_NamespaceCondition_fields, 5};

static const struct kproto_field m_corev1_NamespaceStatus_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "phase", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_corev1_NamespaceCondition},
};
static const struct kproto_msg m_corev1_NamespaceStatus = {"core/v1.NamespaceStatus", m_corev1_NamespaceStatus_fields, 2};

static const struct kproto_field m_corev1_Namespace_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_NamespaceSpec},
    {3, KPROTO_MSG, 0, "status", &m_corev1_NamespaceStatus},
};
static const struct kproto_msg m_corev1_Namespace = {"core/v1.Namespace", m_corev1_Namespace_fields, 3};

static const struct kproto_field m_corev1_ConfigMap_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_STRING, KPROTO_MAP, "data", NULL},
    {3, KPROTO_BYTES, KPROTO_MAP, "binaryData", NULL},
    {4, KPROTO_BOOL, 0, "immutable", NULL},
};
static const struct kproto_msg m_corev1_ConfigMap = {"core/v1.ConfigMap", m_corev1_ConfigMap_fields, 4};

static const struct kproto_field m_corev1_Secret_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_BYTES, KPROTO_MAP, "data", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "type", NULL},
    {4, KPROTO_STRING, KPROTO_MAP, "stringData", NULL},
    {5, KPROTO_BOOL, 0, "immutable", NULL},
};
static const struct kproto_msg m_corev1_Secret = {"core/v1.Secret", m_corev1_Secret_fields, 5};

static const struct kproto_field m_corev1_ServicePort_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "protocol", NULL},
    {3, KPROTO_INT32, 0, "port", NULL},
    {4, KPROTO_INTORSTR, 0, "targetPort", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "nodePort", NULL},
    {6, KPROTO_STRING, 0, "appProtocol", NULL},
};
static const struct kproto_msg m_corev1_ServicePort = {"core/v1.ServicePort", m_corev1_ServicePort_fields, 6};

static const struct kproto_field m_corev1_ClientIPConfig_fields[] = {
    {1, KPROTO_INT32, 0, "timeoutSeconds", NULL},
};
static const struct kproto_msg m_corev1_ClientIPConfig = {"core/v1.ClientIPConfig", m_corev1_ClientIPConfig_fields, 1};

static const struct kproto_field m_corev1_SessionAffinityConfig_fields[] = {
    {1, KPROTO_MSG, 0, "clientIP", &m_corev1_ClientIPConfig},
};
static const struct kproto_msg m_corev1_SessionAffinityConfig = {"core/v1.SessionAffinityConfig", m_corev1_SessionAffinityConfig_fields, 1};

static const struct kproto_field m_corev1_ServiceSpec_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "ports", &m_corev1_ServicePort},
    {2, KPROTO_STRING, KPROTO_MAP, "selector", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "clusterIP", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "type", NULL},
    {5, KPROTO_STRING, KPROTO_REPEATED, "externalIPs", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "sessionAffinity", NULL},
    {8, KPROTO_STRING, KPROTO_OMITEMPTY, "loadBalancerIP", NULL},
    {9, KPROTO_STRING, KPROTO_REPEATED, "loadBalancerSourceRanges", NULL},
    {10, KPROTO_STRING, KPROTO_OMITEMPTY, "externalName", NULL},
    {11, KPROTO_STRING, KPROTO_OMITEMPTY, "externalTrafficPolicy", NULL},
    {12, KPROTO_INT32, KPROTO_OMITEMPTY, "healthCheckNodePort", NULL},
    {13, KPROTO_BOOL, KPROTO_OMITEMPTY, "publishNotReadyAddresses", NULL},
    {14, KPROTO_MSG, 0, "sessionAffinityConfig", &m_corev1_SessionAffinityConfig},
    {17, KPROTO_STRING, 0, "ipFamilyPolicy", NULL},
    {18, KPROTO_STRING, KPROTO_REPEATED, "clusterIPs", NULL},
    {19, KPROTO_STRING, KPROTO_REPEATED, "ipFamilies", NULL},
    {20, KPROTO_BOOL, 0, "allocateLoadBalancerNodePorts", NULL},
    {21, KPROTO_STRING, 0, "loadBalancerClass", NULL},
    {22, KPROTO_STRING, 0, "internalTrafficPolicy", NULL},
    {23, KPROTO_STRING, 0, "trafficDistribution", NULL},
};
static const struct kproto_msg m_corev1_ServiceSpec = {"core/v1.ServiceSpec", m_corev1_ServiceSpec_fields, 20};

static const struct kproto_field m_corev1_PortStatus_fields[] = {
    {1, KPROTO_INT32, 0, "port", NULL},
    {2, KPROTO_STRING, 0, "protocol", NULL},
    {3, KPROTO_STRING, 0, "error", NULL},
};
static const struct kproto_msg m_corev1_PortStatus = {"core/v1.PortStatus", m_corev1_PortStatus_fields, 3};

static const struct kproto_field m_corev1_LoadBalancerIngress_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "ip", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "hostname", NULL},
    {3, KPROTO_STRING, 0, "ipMode", NULL},
    {4, KPROTO_MSG, KPROTO_REPEATED, "ports", &m_corev1_PortStatus},
};
static const struct kproto_msg m_corev1_LoadBalancerIngress = {"core/v1.LoadBalancerIngress", m_corev1_LoadBalancerIngress_fields, 4};

static const struct kproto_field m_corev1_LoadBalancerStatus_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "ingress", &m_corev1_LoadBalancerIngress},
};
static const struct kproto_msg m_corev1_LoadBalancerStatus = {"core/v1.LoadBalancerStatus", m_corev1_LoadBalancerStatus_fields, 1};

static const struct kproto_field m_metav1_Condition_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
    {3, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {4, KPROTO_TIME, 0, "lastTransitionTime", NULL},
    {5, KPROTO_STRING, 0, "reason", NULL},
    {6, KPROTO_STRING, 0, "message", NULL},
};
static const struct kproto_msg m_metav1_Condition = {"meta/v1.Condition", m_metav1_Condition_fields, 6};

static const struct kproto_field m_corev1_ServiceStatus_fields[] = {
    {1, KPROTO_MSG, 0, "loadBalancer", &m_corev1_LoadBalancerStatus},
    {2, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_metav1_Condition},
};
static const struct kproto_msg m_corev1_ServiceStatus = {"core/v1.ServiceStatus", m_corev1_ServiceStatus_fields, 2};

static const struct kproto_field m_corev1_Service_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_ServiceSpec},
    {3, KPROTO_MSG, 0, "status", &m_corev1_ServiceStatus},
};
static const struct kproto_msg m_corev1_Service = {"core/v1.Service", m_corev1_Service_fields, 3};

static const struct kproto_field m_corev1_ObjectReference_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "kind", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "namespace", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "uid", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "resourceVersion", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "fieldPath", NULL},
};
static const struct kproto_msg m_corev1_ObjectReference = {"core/v1.ObjectReference", m_corev1_ObjectReference_fields, 7};

static const struct kproto_field m_corev1_LocalObjectReference_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
};
static const struct kproto_msg m_corev1_LocalObjectReference = {"core/v1.LocalObjectReference", m_corev1_LocalObjectReference_fields, 1};

static const struct kproto_field m_corev1_ServiceAccount_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, KPROTO_REPEATED, "secrets", &m_corev1_ObjectReference},
    {3, KPROTO_MSG, KPROTO_REPEATED, "imagePullSecrets", &m_corev1_LocalObjectReference},
    {4, KPROTO_BOOL, 0, "automountServiceAccountToken", NULL},
};
static const struct kproto_msg m_corev1_ServiceAccount = {"core/v1.ServiceAccount", m_corev1_ServiceAccount_fields, 4};

static const struct kproto_field m_corev1_ScopedResourceSelectorRequirement_fields[] = {
    {1, KPROTO_STRING, 0, "scopeName", NULL},
    {2, KPROTO_STRING, 0, "operator", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "values", NULL},
};
static const struct kproto_msg m_corev1_ScopedResourceSelectorRequirement = {"core/v1.ScopedResourceSelectorRequirement", m_corev1_ScopedResourceSelectorRequirement_fields, 3};

static const struct kproto_field m_corev1_ScopeSelector_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "matchExpressions", &m_corev1_ScopedResourceSelectorRequirement},
};
static const struct kproto_msg m_corev1_ScopeSelector = {"core/v1.ScopeSelector", m_corev1_ScopeSelector_fields, 1};

static const struct kproto_field m_corev1_ResourceQuotaSpec_fields[] = {
    {1, KPROTO_QUANTITY, KPROTO_MAP, "hard", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "scopes", NULL},
    {3, KPROTO_MSG, 0, "scopeSelector", &m_corev1_ScopeSelector},
};
static const struct kproto_msg m_corev1_ResourceQuotaSpec = {"core/v1.ResourceQuotaSpec", m_corev1_ResourceQuotaSpec_fields, 3};

static const struct kproto_field m_corev1_ResourceQuotaStatus_fields[] = {
    {1, KPROTO_QUANTITY, KPROTO_MAP, "hard", NULL},
    {2, KPROTO_QUANTITY, KPROTO_MAP, "used", NULL},
};
static const struct kproto_msg m_corev1_ResourceQuotaStatus = {"core/v1.ResourceQuotaStatus", m_corev1_ResourceQuotaStatus_fields, 2};

static const struct kproto_field m_corev1_ResourceQuota_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_ResourceQuotaSpec},
    {3, KPROTO_MSG, 0, "status", &m_corev1_ResourceQuotaStatus},
};
static const struct kproto_msg m_corev1_ResourceQuota = {"core/v1.ResourceQuota", m_corev1_ResourceQuota_fields, 3};

static const struct kproto_field m_corev1_HostPathVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "path", NULL},
    {2, KPROTO_STRING, 0, "type", NULL},
};
static const struct kproto_msg m_corev1_HostPathVolumeSource = {"core/v1.HostPathVolumeSource", m_corev1_HostPathVolumeSource_fields, 2};

static const struct kproto_field m_corev1_EmptyDirVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "medium", NULL},
    {2, KPROTO_QUANTITY, 0, "sizeLimit", NULL},
};
static const struct kproto_msg m_corev1_EmptyDirVolumeSource = {"core/v1.EmptyDirVolumeSource", m_corev1_EmptyDirVolumeSource_fields, 2};

static const struct kproto_field m_corev1_GCEPersistentDiskVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "pdName", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "partition", NULL},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_GCEPersistentDiskVolumeSource = {"core/v1.GCEPersistentDiskVolumeSource", m_corev1_GCEPersistentDiskVolumeSource_fields, 4};

static const struct kproto_field m_corev1_AWSElasticBlockStoreVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "volumeID", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "partition", NULL},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_AWSElasticBlockStoreVolumeSource = {"core/v1.AWSElasticBlockStoreVolumeSource", m_corev1_AWSElasticBlockStoreVolumeSource_fields, 4};

static const struct kproto_field m_corev1_GitRepoVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "repository", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "revision", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "directory", NULL},
};
static const struct kproto_msg m_corev1_GitRepoVolumeSource = {"core/v1.GitRepoVolumeSource", m_corev1_GitRepoVolumeSource_fields, 3};

static const struct kproto_field m_corev1_KeyToPath_fields[] = {
    {1, KPROTO_STRING, 0, "key", NULL},
    {2, KPROTO_STRING, 0, "path", NULL},
    {3, KPROTO_INT32, 0, "mode", NULL},
};
static const struct kproto_msg m_corev1_KeyToPath = {"core/v1.KeyToPath", m_corev1_KeyToPath_fields, 3};

static const struct kproto_field m_corev1_SecretVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "secretName", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "items", &m_corev1_KeyToPath},
    {3, KPROTO_INT32, 0, "defaultMode", NULL},
    {4, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_SecretVolumeSource = {"core/v1.SecretVolumeSource", m_corev1_SecretVolumeSource_fields, 4};

static const struct kproto_field m_corev1_NFSVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "server", NULL},
    {2, KPROTO_STRING, 0, "path", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_NFSVolumeSource = {"core/v1.NFSVolumeSource", m_corev1_NFSVolumeSource_fields, 3};

static const struct kproto_field m_corev1_ISCSIVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "targetPortal", NULL},
    {2, KPROTO_STRING, 0, "iqn", NULL},
    {3, KPROTO_INT32, 0, "lun", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "iscsiInterface", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {6, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {7, KPROTO_STRING, KPROTO_REPEATED, "portals", NULL},
    {8, KPROTO_BOOL, KPROTO_OMITEMPTY, "chapAuthDiscovery", NULL},
    {10, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
    {11, KPROTO_BOOL, KPROTO_OMITEMPTY, "chapAuthSession", NULL},
    {12, KPROTO_STRING, 0, "initiatorName", NULL},
};
static const struct kproto_msg m_corev1_ISCSIVolumeSource = {"core/v1.ISCSIVolumeSource", m_corev1_ISCSIVolumeSource_fields, 11};

static const struct kproto_field m_corev1_GlusterfsVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "endpoints", NULL},
    {2, KPROTO_STRING, 0, "path", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_GlusterfsVolumeSource = {"core/v1.GlusterfsVolumeSource", m_corev1_GlusterfsVolumeSource_fields, 3};

static const struct kproto_field m_corev1_PersistentVolumeClaimVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "claimName", NULL},
    {2, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_PersistentVolumeClaimVolumeSource = {"core/v1.PersistentVolumeClaimVolumeSource", m_corev1_PersistentVolumeClaimVolumeSource_fields, 2};

static const struct kproto_field m_corev1_RBDVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "monitors", NULL},
    {2, KPROTO_STRING, 0, "image", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "pool", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "user", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "keyring", NULL},
    {7, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
    {8, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_RBDVolumeSource = {"core/v1.RBDVolumeSource", m_corev1_RBDVolumeSource_fields, 8};

static const struct kproto_field m_corev1_FlexVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "driver", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {5, KPROTO_STRING, KPROTO_MAP, "options", NULL},
};
static const struct kproto_msg m_corev1_FlexVolumeSource = {"core/v1.FlexVolumeSource", m_corev1_FlexVolumeSource_fields, 5};

static const struct kproto_field m_corev1_CinderVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "volumeID", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {4, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
};
static const struct kproto_msg m_corev1_CinderVolumeSource = {"core/v1.CinderVolumeSource", m_corev1_CinderVolumeSource_fields, 4};

static const struct kproto_field m_corev1_CephFSVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "monitors", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "path", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "user", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "secretFile", NULL},
    {5, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
    {6, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_CephFSVolumeSource = {"core/v1.CephFSVolumeSource", m_corev1_CephFSVolumeSource_fields, 6};

static const struct kproto_field m_corev1_FlockerVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "datasetName", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "datasetUUID", NULL},
};
static const struct kproto_msg m_corev1_FlockerVolumeSource = {"core/v1.FlockerVolumeSource", m_corev1_FlockerVolumeSource_fields, 2};

static const struct kproto_field m_corev1_ObjectFieldSelector_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
    {2, KPROTO_STRING, 0, "fieldPath", NULL},
};
static const struct kproto_msg m_corev1_ObjectFieldSelector = {"core/v1.ObjectFieldSelector", m_corev1_ObjectFieldSelector_fields, 2};

static const struct kproto_field m_corev1_ResourceFieldSelector_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "containerName", NULL},
    {2, KPROTO_STRING, 0, "resource", NULL},
    {3, KPROTO_QUANTITY, 0, "divisor", NULL},
};
static const struct kproto_msg m_corev1_ResourceFieldSelector = {"core/v1.ResourceFieldSelector", m_corev1_ResourceFieldSelector_fields, 3};

static const struct kproto_field m_corev1_DownwardAPIVolumeFile_fields[] = {
    {1, KPROTO_STRING, 0, "path", NULL},
    {2, KPROTO_MSG, 0, "fieldRef", &m_corev1_ObjectFieldSelector},
    {3, KPROTO_MSG, 0, "resourceFieldRef", &m_corev1_ResourceFieldSelector},
    {4, KPROTO_INT32, 0, "mode", NULL},
};
static const struct kproto_msg m_corev1_DownwardAPIVolumeFile = {"core/v1.DownwardAPIVolumeFile", m_corev1_DownwardAPIVolumeFile_fields, 4};

static const struct kproto_field m_corev1_DownwardAPIVolumeSource_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "items", &m_corev1_DownwardAPIVolumeFile},
    {2, KPROTO_INT32, 0, "defaultMode", NULL},
};
static const struct kproto_msg m_corev1_DownwardAPIVolumeSource = {"core/v1.DownwardAPIVolumeSource", m_corev1_DownwardAPIVolumeSource_fields, 2};

static const struct kproto_field m_corev1_FCVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "targetWWNs", NULL},
    {2, KPROTO_INT32, 0, "lun", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {5, KPROTO_STRING, KPROTO_REPEATED, "wwids", NULL},
};
static const struct kproto_msg m_corev1_FCVolumeSource = {"core/v1.FCVolumeSource", m_corev1_FCVolumeSource_fields, 5};

static const struct kproto_field m_corev1_AzureFileVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "secretName", NULL},
    {2, KPROTO_STRING, 0, "shareName", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_AzureFileVolumeSource = {"core/v1.AzureFileVolumeSource", m_corev1_AzureFileVolumeSource_fields, 3};

static const struct kproto_field m_corev1_ConfigMapVolumeSource_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_LocalObjectReference},
    {2, KPROTO_MSG, KPROTO_REPEATED, "items", &m_corev1_KeyToPath},
    {3, KPROTO_INT32, 0, "defaultMode", NULL},
    {4, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_ConfigMapVolumeSource = {"core/v1.ConfigMapVolumeSource", m_corev1_ConfigMapVolumeSource_fields, 4};

static const struct kproto_field m_corev1_VsphereVirtualDiskVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "volumePath", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "storagePolicyName", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "storagePolicyID", NULL},
};
static const struct kproto_msg m_corev1_VsphereVirtualDiskVolumeSource = {"core/v1.VsphereVirtualDiskVolumeSource", m_corev1_VsphereVirtualDiskVolumeSource_fields, 4};

static const struct kproto_field m_corev1_QuobyteVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "registry", NULL},
    {2, KPROTO_STRING, 0, "volume", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "user", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "group", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "tenant", NULL},
};
static const struct kproto_msg m_corev1_QuobyteVolumeSource = {"core/v1.QuobyteVolumeSource", m_corev1_QuobyteVolumeSource_fields, 6};

static const struct kproto_field m_corev1_AzureDiskVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "diskName", NULL},
    {2, KPROTO_STRING, 0, "diskURI", NULL},
    {3, KPROTO_STRING, 0, "cachingMode", NULL},
    {4, KPROTO_STRING, 0, "fsType", NULL},
    {5, KPROTO_BOOL, 0, "readOnly", NULL},
    {6, KPROTO_STRING, 0, "kind", NULL},
};
static const struct kproto_msg m_corev1_AzureDiskVolumeSource = {"core/v1.AzureDiskVolumeSource", m_corev1_AzureDiskVolumeSource_fields, 6};

static const struct kproto_field m_corev1_PhotonPersistentDiskVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "pdID", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
};
static const struct kproto_msg m_corev1_PhotonPersistentDiskVolumeSource = {"core/v1.PhotonPersistentDiskVolumeSource", m_corev1_PhotonPersistentDiskVolumeSource_fields, 2};

static const struct kproto_field m_corev1_SecretProjection_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_LocalObjectReference},
    {2, KPROTO_MSG, KPROTO_REPEATED, "items", &m_corev1_KeyToPath},
    {4, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_SecretProjection = {"core/v1.SecretProjection", m_corev1_SecretProjection_fields, 3};

static const struct kproto_field m_corev1_DownwardAPIProjection_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "items", &m_corev1_DownwardAPIVolumeFile},
};
static const struct kproto_msg m_corev1_DownwardAPIProjection = {"core/v1.DownwardAPIProjection", m_corev1_DownwardAPIProjection_fields, 1};

static const struct kproto_field m_corev1_ServiceAccountTokenProjection_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "audience", NULL},
    {2, KPROTO_INT64, 0, "expirationSeconds", NULL},
    {3, KPROTO_STRING, 0, "path", NULL},
};
static const struct kproto_msg m_corev1_ServiceAccountTokenProjection = {"core/v1.ServiceAccountTokenProjection", m_corev1_ServiceAccountTokenProjection_fields, 3};

static const struct kproto_field m_metav1_LabelSelectorRequirement_fields[] = {
    {1, KPROTO_STRING, 0, "key", NULL},
    {2, KPROTO_STRING, 0, "operator", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "values", NULL},
};
static const struct kproto_msg m_metav1_LabelSelectorRequirement = {"meta/v1.LabelSelectorRequirement", m_metav1_LabelSelectorRequirement_fields, 3};

static const struct kproto_field m_metav1_LabelSelector_fields[] = {
    {1, KPROTO_STRING, KPROTO_MAP, "matchLabels", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "matchExpressions", &m_metav1_LabelSelectorRequirement},
};
static const struct kproto_msg m_metav1_LabelSelector = {"meta/v1.LabelSelector", m_metav1_LabelSelector_fields, 2};

static const struct kproto_field m_corev1_ClusterTrustBundleProjection_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, 0, "signerName", NULL},
    {3, KPROTO_MSG, 0, "labelSelector", &m_metav1_LabelSelector},
    {4, KPROTO_STRING, 0, "path", NULL},
    {5, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_ClusterTrustBundleProjection = {"core/v1.ClusterTrustBundleProjection", m_corev1_ClusterTrustBundleProjection_fields, 5};

static const struct kproto_field m_corev1_VolumeProjection_fields[] = {
    {1, KPROTO_MSG, 0, "secret", &m_corev1_SecretProjection},
    {2, KPROTO_MSG, 0, "downwardAPI", &m_corev1_DownwardAPIProjection},
    {3, KPROTO_MSG, 0, "configMap", &m_corev1_SecretProjection},
    {4, KPROTO_MSG, 0, "serviceAccountToken", &m_corev1_ServiceAccountTokenProjection},
    {5, KPROTO_MSG, 0, "clusterTrustBundle", &m_corev1_ClusterTrustBundleProjection},
};
static const struct kproto_msg m_corev1_VolumeProjection = {"core/v1.VolumeProjection", m_corev1_VolumeProjection_fields, 5};

static const struct kproto_field m_corev1_ProjectedVolumeSource_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "sources", &m_corev1_VolumeProjection},
    {2, KPROTO_INT32, 0, "defaultMode", NULL},
};
static const struct kproto_msg m_corev1_ProjectedVolumeSource = {"core/v1.ProjectedVolumeSource", m_corev1_ProjectedVolumeSource_fields, 2};

static const struct kproto_field m_corev1_PortworxVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "volumeID", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_PortworxVolumeSource = {"core/v1.PortworxVolumeSource", m_corev1_PortworxVolumeSource_fields, 3};

static const struct kproto_field m_corev1_ScaleIOVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "gateway", NULL},
    {2, KPROTO_STRING, 0, "system", NULL},
    {3, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "sslEnabled", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "protectionDomain", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "storagePool", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "storageMode", NULL},
    {8, KPROTO_STRING, KPROTO_OMITEMPTY, "volumeName", NULL},
    {9, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {10, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
};
static const struct kproto_msg m_corev1_ScaleIOVolumeSource = {"core/v1.ScaleIOVolumeSource", m_corev1_ScaleIOVolumeSource_fields, 10};

static const struct kproto_field m_corev1_StorageOSVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "volumeName", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "volumeNamespace", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "fsType", NULL},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {5, KPROTO_MSG, 0, "secretRef", &m_corev1_LocalObjectReference},
};
static const struct kproto_msg m_corev1_StorageOSVolumeSource = {"core/v1.StorageOSVolumeSource", m_corev1_StorageOSVolumeSource_fields, 5};

static const struct kproto_field m_corev1_CSIVolumeSource_fields[] = {
    {1, KPROTO_STRING, 0, "driver", NULL},
    {2, KPROTO_BOOL, 0, "readOnly", NULL},
    {3, KPROTO_STRING, 0, "fsType", NULL},
    {4, KPROTO_STRING, KPROTO_MAP, "volumeAttributes", NULL},
    {5, KPROTO_MSG, 0, "nodePublishSecretRef", &m_corev1_LocalObjectReference},
};
static const struct kproto_msg m_corev1_CSIVolumeSource = {"core/v1.CSIVolumeSource", m_corev1_CSIVolumeSource_fields, 5};

static const struct kproto_field m_corev1_VolumeResourceRequirements_fields[] = {
    {1, KPROTO_QUANTITY, KPROTO_MAP, "limits", NULL},
    {2, KPROTO_QUANTITY, KPROTO_MAP, "requests", NULL},
};
static const struct kproto_msg m_corev1_VolumeResourceRequirements = {"core/v1.VolumeResourceRequirements", m_corev1_VolumeResourceRequirements_fields, 2};

static const struct kproto_field m_corev1_TypedLocalObjectReference_fields[] = {
    {1, KPROTO_STRING, 0, "apiGroup", NULL},
    {2, KPROTO_STRING, 0, "kind", NULL},
    {3, KPROTO_STRING, 0, "name", NULL},
};
static const struct kproto_msg m_corev1_TypedLocalObjectReference = {"core/v1.TypedLocalObjectReference", m_corev1_TypedLocalObjectReference_fields, 3};

static const struct kproto_field m_corev1_TypedObjectReference_fields[] = {
    {1, KPROTO_STRING, 0, "apiGroup", NULL},
    {2, KPROTO_STRING, 0, "kind", NULL},
    {3, KPROTO_STRING, 0, "name", NULL},
    {4, KPROTO_STRING, 0, "namespace", NULL},
};
static const struct kproto_msg m_corev1_TypedObjectReference = {"core/v1.TypedObjectReference", m_corev1_TypedObjectReference_fields, 4};

static const struct kproto_field m_corev1_PersistentVolumeClaimSpec_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "accessModes", NULL},
    {2, KPROTO_MSG, 0, "resources", &m_corev1_VolumeResourceRequirements},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "volumeName", NULL},
    {4, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {5, KPROTO_STRING, 0, "storageClassName", NULL},
    {6, KPROTO_STRING, 0, "volumeMode", NULL},
    {7, KPROTO_MSG, 0, "dataSource", &m_corev1_TypedLocalObjectReference},
    {8, KPROTO_MSG, 0, "dataSourceRef", &m_corev1_TypedObjectReference},
    {9, KPROTO_STRING, 0, "volumeAttributesClassName", NULL},
};
static const struct kproto_msg m_corev1_PersistentVolumeClaimSpec = {"core/v1.PersistentVolumeClaimSpec", m_corev1_PersistentVolumeClaimSpec_fields, 9};

static const struct kproto_field m_corev1_PersistentVolumeClaimTemplate_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_PersistentVolumeClaimSpec},
};
static const struct kproto_msg m_corev1_PersistentVolumeClaimTemplate = {"core/v1.PersistentVolumeClaimTemplate", m_corev1_PersistentVolumeClaimTemplate_fields, 2};

static const struct kproto_field m_corev1_EphemeralVolumeSource_fields[] = {
    {1, KPROTO_MSG, 0, "volumeClaimTemplate", &m_corev1_PersistentVolumeClaimTemplate},
};
static const struct kproto_msg m_corev1_EphemeralVolumeSource = {"core/v1.EphemeralVolumeSource", m_corev1_EphemeralVolumeSource_fields, 1};

static const struct kproto_field m_corev1_ImageVolumeSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "reference", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "pullPolicy", NULL},
};
static const struct kproto_msg m_corev1_ImageVolumeSource = {"core/v1.ImageVolumeSource", m_corev1_ImageVolumeSource_fields, 2};

static const struct kproto_field m_corev1_VolumeSource_fields[] = {
    {1, KPROTO_MSG, 0, "hostPath", &m_corev1_HostPathVolumeSource},
    {2, KPROTO_MSG, 0, "emptyDir", &m_corev1_EmptyDirVolumeSource},
    {3, KPROTO_MSG, 0, "gcePersistentDisk", &m_corev1_GCEPersistentDiskVolumeSource},
    {4, KPROTO_MSG, 0, "awsElasticBlockStore", &m_corev1_AWSElasticBlockStoreVolumeSource},
    {5, KPROTO_MSG, 0, "gitRepo", &m_corev1_GitRepoVolumeSource},
    {6, KPROTO_MSG, 0, "secret", &m_corev1_SecretVolumeSource},
    {7, KPROTO_MSG, 0, "nfs", &m_corev1_NFSVolumeSource},
    {8, KPROTO_MSG, 0, "iscsi", &m_corev1_ISCSIVolumeSource},
    {9, KPROTO_MSG, 0, "glusterfs", &m_corev1_GlusterfsVolumeSource},
    {10, KPROTO_MSG, 0, "persistentVolumeClaim", &m_corev1_PersistentVolumeClaimVolumeSource},
    {11, KPROTO_MSG, 0, "rbd", &m_corev1_RBDVolumeSource},
    {12, KPROTO_MSG, 0, "flexVolume", &m_corev1_FlexVolumeSource},
    {13, KPROTO_MSG, 0, "cinder", &m_corev1_CinderVolumeSource},
    {14, KPROTO_MSG, 0, "cephfs", &m_corev1_CephFSVolumeSource},
    {15, KPROTO_MSG, 0, "flocker", &m_corev1_FlockerVolumeSource},
    {16, KPROTO_MSG, 0, "downwardAPI", &m_corev1_DownwardAPIVolumeSource},
    {17, KPROTO_MSG, 0, "fc", &m_corev1_FCVolumeSource},
    {18, KPROTO_MSG, 0, "azureFile", &m_corev1_AzureFileVolumeSource},
    {19, KPROTO_MSG, 0, "configMap", &m_corev1_ConfigMapVolumeSource},
    {20, KPROTO_MSG, 0, "vsphereVolume", &m_corev1_VsphereVirtualDiskVolumeSource},
    {21, KPROTO_MSG, 0, "quobyte", &m_corev1_QuobyteVolumeSource},
    {22, KPROTO_MSG, 0, "azureDisk", &m_corev1_AzureDiskVolumeSource},
    {23, KPROTO_MSG, 0, "photonPersistentDisk", &m_corev1_PhotonPersistentDiskVolumeSource},
    {24, KPROTO_MSG, 0, "portworxVolume", &m_corev1_PortworxVolumeSource},
    {25, KPROTO_MSG, 0, "scaleIO", &m_corev1_ScaleIOVolumeSource},
    {26, KPROTO_MSG, 0, "projected", &m_corev1_ProjectedVolumeSource},
    {27, KPROTO_MSG, 0, "storageos", &m_corev1_StorageOSVolumeSource},
    {28, KPROTO_MSG, 0, "csi", &m_corev1_CSIVolumeSource},
    {29, KPROTO_MSG, 0, "ephemeral", &m_corev1_EphemeralVolumeSource},
    {30, KPROTO_MSG, 0, "image", &m_corev1_ImageVolumeSource},
};
static const struct kproto_msg m_corev1_VolumeSource = {"core/v1.VolumeSource", m_corev1_VolumeSource_fields, 30};

static const struct kproto_field m_corev1_Volume_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_VolumeSource},
};
static const struct kproto_msg m_corev1_Volume = {"core/v1.Volume", m_corev1_Volume_fields, 2};

static const struct kproto_field m_corev1_ContainerPort_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "hostPort", NULL},
    {3, KPROTO_INT32, 0, "containerPort", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "protocol", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "hostIP", NULL},
};
static const struct kproto_msg m_corev1_ContainerPort = {"core/v1.ContainerPort", m_corev1_ContainerPort_fields, 5};

static const struct kproto_field m_corev1_ConfigMapEnvSource_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_LocalObjectReference},
    {2, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_ConfigMapEnvSource = {"core/v1.ConfigMapEnvSource", m_corev1_ConfigMapEnvSource_fields, 2};

static const struct kproto_field m_corev1_EnvFromSource_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "prefix", NULL},
    {2, KPROTO_MSG, 0, "configMapRef", &m_corev1_ConfigMapEnvSource},
    {3, KPROTO_MSG, 0, "secretRef", &m_corev1_ConfigMapEnvSource},
};
static const struct kproto_msg m_corev1_EnvFromSource = {"core/v1.EnvFromSource", m_corev1_EnvFromSource_fields, 3};

static const struct kproto_field m_corev1_ConfigMapKeySelector_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_LocalObjectReference},
    {2, KPROTO_STRING, 0, "key", NULL},
    {3, KPROTO_BOOL, 0, "optional", NULL},
};
static const struct kproto_msg m_corev1_ConfigMapKeySelector = {"core/v1.ConfigMapKeySelector", m_corev1_ConfigMapKeySelector_fields, 3};

static const struct kproto_field m_corev1_EnvVarSource_fields[] = {
    {1, KPROTO_MSG, 0, "fieldRef", &m_corev1_ObjectFieldSelector},
    {2, KPROTO_MSG, 0, "resourceFieldRef", &m_corev1_ResourceFieldSelector},
    {3, KPROTO_MSG, 0, "configMapKeyRef", &m_corev1_ConfigMapKeySelector},
    {4, KPROTO_MSG, 0, "secretKeyRef", &m_corev1_ConfigMapKeySelector},
};
static const struct kproto_msg m_corev1_EnvVarSource = {"core/v1.EnvVarSource", m_corev1_EnvVarSource_fields, 4};

static const struct kproto_field m_corev1_EnvVar_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "value", NULL},
    {3, KPROTO_MSG, 0, "valueFrom", &m_corev1_EnvVarSource},
};
static const struct kproto_msg m_corev1_EnvVar = {"core/v1.EnvVar", m_corev1_EnvVar_fields, 3};

static const struct kproto_field m_corev1_ResourceClaim_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "request", NULL},
};
static const struct kproto_msg m_corev1_ResourceClaim = {"core/v1.ResourceClaim", m_corev1_ResourceClaim_fields, 2};

static const struct kproto_field m_corev1_ResourceRequirements_fields[] = {
    {1, KPROTO_QUANTITY, KPROTO_MAP, "limits", NULL},
    {2, KPROTO_QUANTITY, KPROTO_MAP, "requests", NULL},
    {3, KPROTO_MSG, KPROTO_REPEATED, "claims", &m_corev1_ResourceClaim},
};
static const struct kproto_msg m_corev1_ResourceRequirements = {"core/v1.ResourceRequirements", m_corev1_ResourceRequirements_fields, 3};

static const struct kproto_field m_corev1_ContainerResizePolicy_fields[] = {
    {1, KPROTO_STRING, 0, "resourceName", NULL},
    {2, KPROTO_STRING, 0, "restartPolicy", NULL},
};
static const struct kproto_msg m_corev1_ContainerResizePolicy = {"core/v1.ContainerResizePolicy", m_corev1_ContainerResizePolicy_fields, 2};

static const struct kproto_field m_corev1_VolumeMount_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {3, KPROTO_STRING, 0, "mountPath", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "subPath", NULL},
    {5, KPROTO_STRING, 0, "mountPropagation", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "subPathExpr", NULL},
    {7, KPROTO_STRING, 0, "recursiveReadOnly", NULL},
};
static const struct kproto_msg m_corev1_VolumeMount = {"core/v1.VolumeMount", m_corev1_VolumeMount_fields, 7};

static const struct kproto_field m_corev1_VolumeDevice_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, 0, "devicePath", NULL},
};
static const struct kproto_msg m_corev1_VolumeDevice = {"core/v1.VolumeDevice", m_corev1_VolumeDevice_fields, 2};

static const struct kproto_field m_corev1_ExecAction_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "command", NULL},
};
static const struct kproto_msg m_corev1_ExecAction = {"core/v1.ExecAction", m_corev1_ExecAction_fields, 1};

static const struct kproto_field m_corev1_HTTPHeader_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, 0, "value", NULL},
};
static const struct kproto_msg m_corev1_HTTPHeader = {"core/v1.HTTPHeader", m_corev1_HTTPHeader_fields, 2};

static const struct kproto_field m_corev1_HTTPGetAction_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "path", NULL},
    {2, KPROTO_INTORSTR, 0, "port", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "host", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "scheme", NULL},
    {5, KPROTO_MSG, KPROTO_REPEATED, "httpHeaders", &m_corev1_HTTPHeader},
};
static const struct kproto_msg m_corev1_HTTPGetAction = {"core/v1.HTTPGetAction", m_corev1_HTTPGetAction_fields, 5};

static const struct kproto_field m_corev1_TCPSocketAction_fields[] = {
    {1, KPROTO_INTORSTR, 0, "port", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "host", NULL},
};
static const struct kproto_msg m_corev1_TCPSocketAction = {"core/v1.TCPSocketAction", m_corev1_TCPSocketAction_fields, 2};

static const struct kproto_field m_corev1_GRPCAction_fields[] = {
    {1, KPROTO_INT32, 0, "port", NULL},
    {2, KPROTO_STRING, 0, "service", NULL},
};
static const struct kproto_msg m_corev1_GRPCAction = {"core/v1.GRPCAction", m_corev1_GRPCAction_fields, 2};

static const struct kproto_field m_corev1_ProbeHandler_fields[] = {
    {1, KPROTO_MSG, 0, "exec", &m_corev1_ExecAction},
    {2, KPROTO_MSG, 0, "httpGet", &m_corev1_HTTPGetAction},
    {3, KPROTO_MSG, 0, "tcpSocket", &m_corev1_TCPSocketAction},
    {4, KPROTO_MSG, 0, "grpc", &m_corev1_GRPCAction},
};
static const struct kproto_msg m_corev1_ProbeHandler = {"core/v1.ProbeHandler", m_corev1_ProbeHandler_fields, 4};

static const struct kproto_field m_corev1_Probe_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_ProbeHandler},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "initialDelaySeconds", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "timeoutSeconds", NULL},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "periodSeconds", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "successThreshold", NULL},
    {6, KPROTO_INT32, KPROTO_OMITEMPTY, "failureThreshold", NULL},
    {7, KPROTO_INT64, 0, "terminationGracePeriodSeconds", NULL},
};
static const struct kproto_msg m_corev1_Probe = {"core/v1.Probe", m_corev1_Probe_fields, 7};

static const struct kproto_field m_corev1_SleepAction_fields[] = {
    {1, KPROTO_INT64, 0, "seconds", NULL},
};
static const struct kproto_msg m_corev1_SleepAction = {"core/v1.SleepAction", m_corev1_SleepAction_fields, 1};

static const struct kproto_field m_corev1_LifecycleHandler_fields[] = {
    {1, KPROTO_MSG, 0, "exec", &m_corev1_ExecAction},
    {2, KPROTO_MSG, 0, "httpGet", &m_corev1_HTTPGetAction},
    {3, KPROTO_MSG, 0, "tcpSocket", &m_corev1_TCPSocketAction},
    {4, KPROTO_MSG, 0, "sleep", &m_corev1_SleepAction},
};
static const struct kproto_msg m_corev1_LifecycleHandler = {"core/v1.LifecycleHandler", m_corev1_LifecycleHandler_fields, 4};

static const struct kproto_field m_corev1_Lifecycle_fields[] = {
    {1, KPROTO_MSG, 0, "postStart", &m_corev1_LifecycleHandler},
    {2, KPROTO_MSG, 0, "preStop", &m_corev1_LifecycleHandler},
};
static const struct kproto_msg m_corev1_Lifecycle = {"core/v1.Lifecycle", m_corev1_Lifecycle_fields, 2};

static const struct kproto_field m_corev1_Capabilities_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "add", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "drop", NULL},
};
static const struct kproto_msg m_corev1_Capabilities = {"core/v1.Capabilities", m_corev1_Capabilities_fields, 2};

static const struct kproto_field m_corev1_SELinuxOptions_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "user", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "role", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "type", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "level", NULL},
};
static const struct kproto_msg m_corev1_SELinuxOptions = {"core/v1.SELinuxOptions", m_corev1_SELinuxOptions_fields, 4};

static const struct kproto_field m_corev1_WindowsSecurityContextOptions_fields[] = {
    {1, KPROTO_STRING, 0, "gmsaCredentialSpecName", NULL},
    {2, KPROTO_STRING, 0, "gmsaCredentialSpec", NULL},
    {3, KPROTO_STRING, 0, "runAsUserName", NULL},
    {4, KPROTO_BOOL, 0, "hostProcess", NULL},
};
static const struct kproto_msg m_corev1_WindowsSecurityContextOptions = {"core/v1.WindowsSecurityContextOptions", m_corev1_WindowsSecurityContextOptions_fields, 4};

static const struct kproto_field m_corev1_SeccompProfile_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "localhostProfile", NULL},
};
static const struct kproto_msg m_corev1_SeccompProfile = {"core/v1.SeccompProfile", m_corev1_SeccompProfile_fields, 2};

static const struct kproto_field m_corev1_SecurityContext_fields[] = {
    {1, KPROTO_MSG, 0, "capabilities", &m_corev1_Capabilities},
    {2, KPROTO_BOOL, 0, "privileged", NULL},
    {3, KPROTO_MSG, 0, "seLinuxOptions", &m_corev1_SELinuxOptions},
    {4, KPROTO_INT64, 0, "runAsUser", NULL},
    {5, KPROTO_BOOL, 0, "runAsNonRoot", NULL},
    {6, KPROTO_BOOL, 0, "readOnlyRootFilesystem", NULL},
    {7, KPROTO_BOOL, 0, "allowPrivilegeEscalation", NULL},
    {8, KPROTO_INT64, 0, "runAsGroup", NULL},
    {9, KPROTO_STRING, 0, "procMount", NULL},
    {10, KPROTO_MSG, 0, "windowsOptions", &m_corev1_WindowsSecurityContextOptions},
    {11, KPROTO_MSG, 0, "seccompProfile", &m_corev1_SeccompProfile},
    {12, KPROTO_MSG, 0, "appArmorProfile", &m_corev1_SeccompProfile},
};
static const struct kproto_msg m_corev1_SecurityContext = {"core/v1.SecurityContext", m_corev1_SecurityContext_fields, 12};

static const struct kproto_field m_corev1_Container_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "image", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "command", NULL},
    {4, KPROTO_STRING, KPROTO_REPEATED, "args", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "workingDir", NULL},
    {6, KPROTO_MSG, KPROTO_REPEATED, "ports", &m_corev1_ContainerPort},
    {7, KPROTO_MSG, KPROTO_REPEATED, "env", &m_corev1_EnvVar},
    {8, KPROTO_MSG, 0, "resources", &m_corev1_ResourceRequirements},
    {9, KPROTO_MSG, KPROTO_REPEATED, "volumeMounts", &m_corev1_VolumeMount},
    {10, KPROTO_MSG, 0, "livenessProbe", &m_corev1_Probe},
    {11, KPROTO_MSG, 0, "readinessProbe", &m_corev1_Probe},
    {12, KPROTO_MSG, 0, "lifecycle", &m_corev1_Lifecycle},
    {13, KPROTO_STRING, KPROTO_OMITEMPTY, "terminationMessagePath", NULL},
    {14, KPROTO_STRING, KPROTO_OMITEMPTY, "imagePullPolicy", NULL},
    {15, KPROTO_MSG, 0, "securityContext", &m_corev1_SecurityContext},
    {16, KPROTO_BOOL, KPROTO_OMITEMPTY, "stdin", NULL},
    {17, KPROTO_BOOL, KPROTO_OMITEMPTY, "stdinOnce", NULL},
    {18, KPROTO_BOOL, KPROTO_OMITEMPTY, "tty", NULL},
    {19, KPROTO_MSG, KPROTO_REPEATED, "envFrom", &m_corev1_EnvFromSource},
    {20, KPROTO_STRING, KPROTO_OMITEMPTY, "terminationMessagePolicy", NULL},
    {21, KPROTO_MSG, KPROTO_REPEATED, "volumeDevices", &m_corev1_VolumeDevice},
    {22, KPROTO_MSG, 0, "startupProbe", &m_corev1_Probe},
    {23, KPROTO_MSG, KPROTO_REPEATED, "resizePolicy", &m_corev1_ContainerResizePolicy},
    {24, KPROTO_STRING, 0, "restartPolicy", NULL},
};
static const struct kproto_msg m_corev1_Container = {"core/v1.Container", m_corev1_Container_fields, 24};

static const struct kproto_field m_corev1_EphemeralContainer_fields[] = {
    {1, KPROTO_MSG, KPROTO_INLINE, NULL, &m_corev1_Container},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "targetContainerName", NULL},
};
static const struct kproto_msg m_corev1_EphemeralContainer = {"core/v1.EphemeralContainer", m_corev1_EphemeralContainer_fields, 2};

static const struct kproto_field m_corev1_PodSecurityContext_fields[] = {
    {1, KPROTO_MSG, 0, "seLinuxOptions", &m_corev1_SELinuxOptions},
    {2, KPROTO_INT64, 0, "runAsUser", NULL},
    {3, KPROTO_BOOL, 0, "runAsNonRoot", NULL},
    {4, KPROTO_INT64, KPROTO_REPEATED, "supplementalGroups", NULL},
    {5, KPROTO_INT64, 0, "fsGroup", NULL},
    {6, KPROTO_INT64, 0, "runAsGroup", NULL},
    {7, KPROTO_MSG, KPROTO_REPEATED, "sysctls", &m_corev1_HTTPHeader},
    {8, KPROTO_MSG, 0, "windowsOptions", &m_corev1_WindowsSecurityContextOptions},
    {9, KPROTO_STRING, 0, "fsGroupChangePolicy", NULL},
    {10, KPROTO_MSG, 0, "seccompProfile", &m_corev1_SeccompProfile},
    {11, KPROTO_MSG, 0, "appArmorProfile", &m_corev1_SeccompProfile},
    {12, KPROTO_STRING, 0, "supplementalGroupsPolicy", NULL},
    {13, KPROTO_STRING, 0, "seLinuxChangePolicy", NULL},
};
static const struct kproto_msg m_corev1_PodSecurityContext = {"core/v1.PodSecurityContext", m_corev1_PodSecurityContext_fields, 13};

static const struct kproto_field m_corev1_NodeSelectorTerm_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "matchExpressions", &m_metav1_LabelSelectorRequirement},
    {2, KPROTO_MSG, KPROTO_REPEATED, "matchFields", &m_metav1_LabelSelectorRequirement},
};
static const struct kproto_msg m_corev1_NodeSelectorTerm = {"core/v1.NodeSelectorTerm", m_corev1_NodeSelectorTerm_fields, 2};

static const struct kproto_field m_corev1_NodeSelector_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "nodeSelectorTerms", &m_corev1_NodeSelectorTerm},
};
static const struct kproto_msg m_corev1_NodeSelector = {"core/v1.NodeSelector", m_corev1_NodeSelector_fields, 1};

static const struct kproto_field m_corev1_PreferredSchedulingTerm_fields[] = {
    {1, KPROTO_INT32, 0, "weight", NULL},
    {2, KPROTO_MSG, 0, "preference", &m_corev1_NodeSelectorTerm},
};
static const struct kproto_msg m_corev1_PreferredSchedulingTerm = {"core/v1.PreferredSchedulingTerm", m_corev1_PreferredSchedulingTerm_fields, 2};

static const struct kproto_field m_corev1_NodeAffinity_fields[] = {
    {1, KPROTO_MSG, 0, "requiredDuringSchedulingIgnoredDuringExecution", &m_corev1_NodeSelector},
    {2, KPROTO_MSG, KPROTO_REPEATED, "preferredDuringSchedulingIgnoredDuringExecution", &m_corev1_PreferredSchedulingTerm},
};
static const struct kproto_msg m_corev1_NodeAffinity = {"core/v1.NodeAffinity", m_corev1_NodeAffinity_fields, 2};

static const struct kproto_field m_corev1_PodAffinityTerm_fields[] = {
    {1, KPROTO_MSG, 0, "labelSelector", &m_metav1_LabelSelector},
    {2, KPROTO_STRING, KPROTO_REPEATED, "namespaces", NULL},
    {3, KPROTO_STRING, 0, "topologyKey", NULL},
    {4, KPROTO_MSG, 0, "namespaceSelector", &m_metav1_LabelSelector},
    {5, KPROTO_STRING, KPROTO_REPEATED, "matchLabelKeys", NULL},
    {6, KPROTO_STRING, KPROTO_REPEATED, "mismatchLabelKeys", NULL},
};
static const struct kproto_msg m_corev1_PodAffinityTerm = {"core/v1.PodAffinityTerm", m_corev1_PodAffinityTerm_fields, 6};

static const struct kproto_field m_corev1_WeightedPodAffinityTerm_fields[] = {
    {1, KPROTO_INT32, 0, "weight", NULL},
    {2, KPROTO_MSG, 0, "podAffinityTerm", &m_corev1_PodAffinityTerm},
};
static const struct kproto_msg m_corev1_WeightedPodAffinityTerm = {"core/v1.WeightedPodAffinityTerm", m_corev1_WeightedPodAffinityTerm_fields, 2};

static const struct kproto_field m_corev1_PodAffinity_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "requiredDuringSchedulingIgnoredDuringExecution", &m_corev1_PodAffinityTerm},
    {2, KPROTO_MSG, KPROTO_REPEATED, "preferredDuringSchedulingIgnoredDuringExecution", &m_corev1_WeightedPodAffinityTerm},
};
static const struct kproto_msg m_corev1_PodAffinity = {"core/v1.PodAffinity", m_corev1_PodAffinity_fields, 2};

static const struct kproto_field m_corev1_Affinity_fields[] = {
    {1, KPROTO_MSG, 0, "nodeAffinity", &m_corev1_NodeAffinity},
    {2, KPROTO_MSG, 0, "podAffinity", &m_corev1_PodAffinity},
    {3, KPROTO_MSG, 0, "podAntiAffinity", &m_corev1_PodAffinity},
};
static const struct kproto_msg m_corev1_Affinity = {"core/v1.Affinity", m_corev1_Affinity_fields, 3};

static const struct kproto_field m_corev1_Toleration_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "key", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "operator", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "value", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "effect", NULL},
    {5, KPROTO_INT64, 0, "tolerationSeconds", NULL},
};
static const struct kproto_msg m_corev1_Toleration = {"core/v1.Toleration", m_corev1_Toleration_fields, 5};

static const struct kproto_field m_corev1_HostAlias_fields[] = {
    {1, KPROTO_STRING, 0, "ip", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "hostnames", NULL},
};
static const struct kproto_msg m_corev1_HostAlias = {"core/v1.HostAlias", m_corev1_HostAlias_fields, 2};

static const struct kproto_field m_corev1_PodDNSConfigOption_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {2, KPROTO_STRING, 0, "value", NULL},
};
static const struct kproto_msg m_corev1_PodDNSConfigOption = {"core/v1.PodDNSConfigOption", m_corev1_PodDNSConfigOption_fields, 2};

static const struct kproto_field m_corev1_PodDNSConfig_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "nameservers", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "searches", NULL},
    {3, KPROTO_MSG, KPROTO_REPEATED, "options", &m_corev1_PodDNSConfigOption},
};
static const struct kproto_msg m_corev1_PodDNSConfig = {"core/v1.PodDNSConfig", m_corev1_PodDNSConfig_fields, 3};

static const struct kproto_field m_corev1_PodReadinessGate_fields[] = {
    {1, KPROTO_STRING, 0, "conditionType", NULL},
};
static const struct kproto_msg m_corev1_PodReadinessGate = {"core/v1.PodReadinessGate", m_corev1_PodReadinessGate_fields, 1};

static const struct kproto_field m_corev1_TopologySpreadConstraint_fields[] = {
    {1, KPROTO_INT32, 0, "maxSkew", NULL},
    {2, KPROTO_STRING, 0, "topologyKey", NULL},
    {3, KPROTO_STRING, 0, "whenUnsatisfiable", NULL},
    {4, KPROTO_MSG, 0, "labelSelector", &m_metav1_LabelSelector},
    {5, KPROTO_INT32, 0, "minDomains", NULL},
    {6, KPROTO_STRING, 0, "nodeAffinityPolicy", NULL},
    {7, KPROTO_STRING, 0, "nodeTaintsPolicy", NULL},
    {8, KPROTO_STRING, KPROTO_REPEATED, "matchLabelKeys", NULL},
};
static const struct kproto_msg m_corev1_TopologySpreadConstraint = {"core/v1.TopologySpreadConstraint", m_corev1_TopologySpreadConstraint_fields, 8};

static const struct kproto_field m_corev1_PodOS_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
};
static const struct kproto_msg m_corev1_PodOS = {"core/v1.PodOS", m_corev1_PodOS_fields, 1};

static const struct kproto_field m_corev1_PodResourceClaim_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {3, KPROTO_STRING, 0, "resourceClaimName", NULL},
    {4, KPROTO_STRING, 0, "resourceClaimTemplateName", NULL},
};
static const struct kproto_msg m_corev1_PodResourceClaim = {"core/v1.PodResourceClaim", m_corev1_PodResourceClaim_fields, 3};

static const struct kproto_field m_corev1_PodSpec_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "volumes", &m_corev1_Volume},
    {2, KPROTO_MSG, KPROTO_REPEATED, "containers", &m_corev1_Container},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "restartPolicy", NULL},
    {4, KPROTO_INT64, 0, "terminationGracePeriodSeconds", NULL},
    {5, KPROTO_INT64, 0, "activeDeadlineSeconds", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "dnsPolicy", NULL},
    {7, KPROTO_STRING, KPROTO_MAP, "nodeSelector", NULL},
    {8, KPROTO_STRING, KPROTO_OMITEMPTY, "serviceAccountName", NULL},
    {9, KPROTO_STRING, KPROTO_OMITEMPTY, "serviceAccount", NULL},
    {10, KPROTO_STRING, KPROTO_OMITEMPTY, "nodeName", NULL},
    {11, KPROTO_BOOL, KPROTO_OMITEMPTY, "hostNetwork", NULL},
    {12, KPROTO_BOOL, KPROTO_OMITEMPTY, "hostPID", NULL},
    {13, KPROTO_BOOL, KPROTO_OMITEMPTY, "hostIPC", NULL},
    {14, KPROTO_MSG, 0, "securityContext", &m_corev1_PodSecurityContext},
    {15, KPROTO_MSG, KPROTO_REPEATED, "imagePullSecrets", &m_corev1_LocalObjectReference},
    {16, KPROTO_STRING, KPROTO_OMITEMPTY, "hostname", NULL},
    {17, KPROTO_STRING, KPROTO_OMITEMPTY, "subdomain", NULL},
    {18, KPROTO_MSG, 0, "affinity", &m_corev1_Affinity},
    {19, KPROTO_STRING, KPROTO_OMITEMPTY, "schedulerName", NULL},
    {20, KPROTO_MSG, KPROTO_REPEATED, "initContainers", &m_corev1_Container},
    {21, KPROTO_BOOL, 0, "automountServiceAccountToken", NULL},
    {22, KPROTO_MSG, KPROTO_REPEATED, "tolerations", &m_corev1_Toleration},
    {23, KPROTO_MSG, KPROTO_REPEATED, "hostAliases", &m_corev1_HostAlias},
    {24, KPROTO_STRING, KPROTO_OMITEMPTY, "priorityClassName", NULL},
    {25, KPROTO_INT32, 0, "priority", NULL},
    {26, KPROTO_MSG, 0, "dnsConfig", &m_corev1_PodDNSConfig},
    {27, KPROTO_BOOL, 0, "shareProcessNamespace", NULL},
    {28, KPROTO_MSG, KPROTO_REPEATED, "readinessGates", &m_corev1_PodReadinessGate},
    {29, KPROTO_STRING, 0, "runtimeClassName", NULL},
    {30, KPROTO_BOOL, 0, "enableServiceLinks", NULL},
    {31, KPROTO_STRING, 0, "preemptionPolicy", NULL},
    {32, KPROTO_QUANTITY, KPROTO_MAP, "overhead", NULL},
    {33, KPROTO_MSG, KPROTO_REPEATED, "topologySpreadConstraints", &m_corev1_TopologySpreadConstraint},
    {34, KPROTO_MSG, KPROTO_REPEATED, "ephemeralContainers", &m_corev1_EphemeralContainer},
    {35, KPROTO_BOOL, 0, "setHostnameAsFQDN", NULL},
    {36, KPROTO_MSG, 0, "os", &m_corev1_PodOS},
    {37, KPROTO_BOOL, 0, "hostUsers", NULL},
    {38, KPROTO_MSG, KPROTO_REPEATED, "schedulingGates", &m_corev1_PodOS},
    {39, KPROTO_MSG, KPROTO_REPEATED, "resourceClaims", &m_corev1_PodResourceClaim},
    {40, KPROTO_MSG, 0, "resources", &m_corev1_ResourceRequirements},
};
static const struct kproto_msg m_corev1_PodSpec = {"core/v1.PodSpec", m_corev1_PodSpec_fields, 40};

static const struct kproto_field m_corev1_PodCondition_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
    {3, KPROTO_TIME, 0, "lastProbeTime", NULL},
    {4, KPROTO_TIME, 0, "lastTransitionTime", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
};
static const struct kproto_msg m_corev1_PodCondition = {"core/v1.PodCondition", m_corev1_PodCondition_fields, 6};

static const struct kproto_field m_corev1_HostIP_fields[] = {
    {1, KPROTO_STRING, 0, "ip", NULL},
};
static const struct kproto_msg m_corev1_HostIP = {"core/v1.HostIP", m_corev1_HostIP_fields, 1};

static const struct kproto_field m_corev1_ContainerStateWaiting_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
};
static const struct kproto_msg m_corev1_ContainerStateWaiting = {"core/v1.ContainerStateWaiting", m_corev1_ContainerStateWaiting_fields, 2};

static const struct kproto_field m_corev1_ContainerStateRunning_fields[] = {
    {1, KPROTO_TIME, 0, "startedAt", NULL},
};
static const struct kproto_msg m_corev1_ContainerStateRunning = {"core/v1.ContainerStateRunning", m_corev1_ContainerStateRunning_fields, 1};

static const struct kproto_field m_corev1_ContainerStateTerminated_fields[] = {
    {1, KPROTO_INT32, 0, "exitCode", NULL},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "signal", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
    {5, KPROTO_TIME, 0, "startedAt", NULL},
    {6, KPROTO_TIME, 0, "finishedAt", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "containerID", NULL},
};
static const struct kproto_msg m_corev1_ContainerStateTerminated = {"core/v1.ContainerStateTerminated", m_corev1_ContainerStateTerminated_fields, 7};

static const struct kproto_field m_corev1_ContainerState_fields[] = {
    {1, KPROTO_MSG, 0, "waiting", &m_corev1_ContainerStateWaiting},
    {2, KPROTO_MSG, 0, "running", &m_corev1_ContainerStateRunning},
    {3, KPROTO_MSG, 0, "terminated", &m_corev1_ContainerStateTerminated},
};
static const struct kproto_msg m_corev1_ContainerState = {"core/v1.ContainerState", m_corev1_ContainerState_fields, 3};

static const struct kproto_field m_corev1_VolumeMountStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, 0, "mountPath", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "readOnly", NULL},
    {4, KPROTO_STRING, 0, "recursiveReadOnly", NULL},
};
static const struct kproto_msg m_corev1_VolumeMountStatus = {"core/v1.VolumeMountStatus", m_corev1_VolumeMountStatus_fields, 4};

static const struct kproto_field m_corev1_LinuxContainerUser_fields[] = {
    {1, KPROTO_INT64, 0, "uid", NULL},
    {2, KPROTO_INT64, 0, "gid", NULL},
    {3, KPROTO_INT64, KPROTO_REPEATED, "supplementalGroups", NULL},
};
static const struct kproto_msg m_corev1_LinuxContainerUser = {"core/v1.LinuxContainerUser", m_corev1_LinuxContainerUser_fields, 3};

static const struct kproto_field m_corev1_ContainerUser_fields[] = {
    {1, KPROTO_MSG, 0, "linux", &m_corev1_LinuxContainerUser},
};
static const struct kproto_msg m_corev1_ContainerUser = {"core/v1.ContainerUser", m_corev1_ContainerUser_fields, 1};

static const struct kproto_field m_corev1_ResourceHealth_fields[] = {
    {1, KPROTO_STRING, 0, "resourceID", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "health", NULL},
};
static const struct kproto_msg m_corev1_ResourceHealth = {"core/v1.ResourceHealth", m_corev1_ResourceHealth_fields, 2};

static const struct kproto_field m_corev1_ResourceStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "resources", &m_corev1_ResourceHealth},
};
static const struct kproto_msg m_corev1_ResourceStatus = {"core/v1.ResourceStatus", m_corev1_ResourceStatus_fields, 2};

static const struct kproto_field m_corev1_ContainerStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "state", &m_corev1_ContainerState},
    {3, KPROTO_MSG, 0, "lastState", &m_corev1_ContainerState},
    {4, KPROTO_BOOL, 0, "ready", NULL},
    {5, KPROTO_INT32, 0, "restartCount", NULL},
    {6, KPROTO_STRING, 0, "image", NULL},
    {7, KPROTO_STRING, 0, "imageID", NULL},
    {8, KPROTO_STRING, KPROTO_OMITEMPTY, "containerID", NULL},
    {9, KPROTO_BOOL, 0, "started", NULL},
    {10, KPROTO_QUANTITY, KPROTO_MAP, "allocatedResources", NULL},
    {11, KPROTO_MSG, 0, "resources", &m_corev1_ResourceRequirements},
    {12, KPROTO_MSG, KPROTO_REPEATED, "volumeMounts", &m_corev1_VolumeMountStatus},
    {13, KPROTO_MSG, 0, "user", &m_corev1_ContainerUser},
    {14, KPROTO_MSG, KPROTO_REPEATED, "allocatedResourcesStatus", &m_corev1_ResourceStatus},
};
static const struct kproto_msg m_corev1_ContainerStatus = {"core/v1.ContainerStatus", m_corev1_ContainerStatus_fields, 14};

static const struct kproto_field m_corev1_PodResourceClaimStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_STRING, 0, "resourceClaimName", NULL},
};
static const struct kproto_msg m_corev1_PodResourceClaimStatus = {"core/v1.PodResourceClaimStatus", m_corev1_PodResourceClaimStatus_fields, 2};

static const struct kproto_field m_corev1_PodStatus_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "phase", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_corev1_PodCondition},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "hostIP", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "podIP", NULL},
    {7, KPROTO_TIME, 0, "startTime", NULL},
    {8, KPROTO_MSG, KPROTO_REPEATED, "containerStatuses", &m_corev1_ContainerStatus},
    {9, KPROTO_STRING, KPROTO_OMITEMPTY, "qosClass", NULL},
    {10, KPROTO_MSG, KPROTO_REPEATED, "initContainerStatuses", &m_corev1_ContainerStatus},
    {11, KPROTO_STRING, KPROTO_OMITEMPTY, "nominatedNodeName", NULL},
    {12, KPROTO_MSG, KPROTO_REPEATED, "podIPs", &m_corev1_HostIP},
    {13, KPROTO_MSG, KPROTO_REPEATED, "ephemeralContainerStatuses", &m_corev1_ContainerStatus},
    {14, KPROTO_STRING, KPROTO_OMITEMPTY, "resize", NULL},
    {15, KPROTO_MSG, KPROTO_REPEATED, "resourceClaimStatuses", &m_corev1_PodResourceClaimStatus},
    {16, KPROTO_MSG, KPROTO_REPEATED, "hostIPs", &m_corev1_HostIP},
};
static const struct kproto_msg m_corev1_PodStatus = {"core/v1.PodStatus", m_corev1_PodStatus_fields, 16};

static const struct kproto_field m_corev1_Pod_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_PodSpec},
    {3, KPROTO_MSG, 0, "status", &m_corev1_PodStatus},
};
static const struct kproto_msg m_corev1_Pod = {"core/v1.Pod", m_corev1_Pod_fields, 3};

static const struct kproto_field m_corev1_Binding_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "target", &m_corev1_ObjectReference},
};
static const struct kproto_msg m_corev1_Binding = {"core/v1.Binding", m_corev1_Binding_fields, 2};

static const struct kproto_field m_corev1_PodTemplateSpec_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_PodSpec},
};
static const struct kproto_msg m_corev1_PodTemplateSpec = {"core/v1.PodTemplateSpec", m_corev1_PodTemplateSpec_fields, 2};

static const struct kproto_field m_appsv1_RollingUpdateDeployment_fields[] = {
    {1, KPROTO_INTORSTR, 0, "maxUnavailable", NULL},
    {2, KPROTO_INTORSTR, 0, "maxSurge", NULL},
};
static const struct kproto_msg m_appsv1_RollingUpdateDeployment = {"apps/v1.RollingUpdateDeployment", m_appsv1_RollingUpdateDeployment_fields, 2};

static const struct kproto_field m_appsv1_DeploymentStrategy_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "type", NULL},
    {2, KPROTO_MSG, 0, "rollingUpdate", &m_appsv1_RollingUpdateDeployment},
};
static const struct kproto_msg m_appsv1_DeploymentStrategy = {"apps/v1.DeploymentStrategy", m_appsv1_DeploymentStrategy_fields, 2};

static const struct kproto_field m_appsv1_DeploymentSpec_fields[] = {
    {1, KPROTO_INT32, 0, "replicas", NULL},
    {2, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {3, KPROTO_MSG, 0, "template", &m_corev1_PodTemplateSpec},
    {4, KPROTO_MSG, 0, "strategy", &m_appsv1_DeploymentStrategy},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "minReadySeconds", NULL},
    {6, KPROTO_INT32, 0, "revisionHistoryLimit", NULL},
    {7, KPROTO_BOOL, KPROTO_OMITEMPTY, "paused", NULL},
    {9, KPROTO_INT32, 0, "progressDeadlineSeconds", NULL},
};
static const struct kproto_msg m_appsv1_DeploymentSpec = {"apps/v1.DeploymentSpec", m_appsv1_DeploymentSpec_fields, 8};

static const struct kproto_field m_appsv1_DeploymentCondition_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
    {6, KPROTO_TIME, 0, "lastUpdateTime", NULL},
    {7, KPROTO_TIME, 0, "lastTransitionTime", NULL},
};
static const struct kproto_msg m_appsv1_DeploymentCondition = {"apps/v1.DeploymentCondition", m_appsv1_DeploymentCondition_fields, 6};

static const struct kproto_field m_appsv1_DeploymentStatus_fields[] = {
    {1, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "replicas", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "updatedReplicas", NULL},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "availableReplicas", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "unavailableReplicas", NULL},
    {6, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_appsv1_DeploymentCondition},
    {7, KPROTO_INT32, KPROTO_OMITEMPTY, "readyReplicas", NULL},
    {8, KPROTO_INT32, 0, "collisionCount", NULL},
};
static const struct kproto_msg m_appsv1_DeploymentStatus = {"apps/v1.DeploymentStatus", m_appsv1_DeploymentStatus_fields, 8};

static const struct kproto_field m_appsv1_Deployment_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_appsv1_DeploymentSpec},
    {3, KPROTO_MSG, 0, "status", &m_appsv1_DeploymentStatus},
};
static const struct kproto_msg m_appsv1_Deployment = {"apps/v1.Deployment", m_appsv1_Deployment_fields, 3};

static const struct kproto_field m_appsv1_ReplicaSetSpec_fields[] = {
    {1, KPROTO_INT32, 0, "replicas", NULL},
    {2, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {3, KPROTO_MSG, 0, "template", &m_corev1_PodTemplateSpec},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "minReadySeconds", NULL},
};
static const struct kproto_msg m_appsv1_ReplicaSetSpec = {"apps/v1.ReplicaSetSpec", m_appsv1_ReplicaSetSpec_fields, 4};

static const struct kproto_field m_appsv1_ReplicaSetCondition_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
    {3, KPROTO_TIME, 0, "lastTransitionTime", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "message", NULL},
};
static const struct kproto_msg m_appsv1_ReplicaSetCondition = {"apps/v1.ReplicaSetCondition", m_appsv1_ReplicaSetCondition_fields, 5};

static const struct kproto_field m_appsv1_ReplicaSetStatus_fields[] = {
    {1, KPROTO_INT32, 0, "replicas", NULL},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "fullyLabeledReplicas", NULL},
    {3, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "readyReplicas", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "availableReplicas", NULL},
    {6, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_appsv1_ReplicaSetCondition},
};
static const struct kproto_msg m_appsv1_ReplicaSetStatus = {"apps/v1.ReplicaSetStatus", m_appsv1_ReplicaSetStatus_fields, 6};

static const struct kproto_field m_appsv1_ReplicaSet_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_appsv1_ReplicaSetSpec},
    {3, KPROTO_MSG, 0, "status", &m_appsv1_ReplicaSetStatus},
};
static const struct kproto_msg m_appsv1_ReplicaSet = {"apps/v1.ReplicaSet", m_appsv1_ReplicaSet_fields, 3};

static const struct kproto_field m_corev1_ModifyVolumeStatus_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "targetVolumeAttributesClassName", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
};
static const struct kproto_msg m_corev1_ModifyVolumeStatus = {"core/v1.ModifyVolumeStatus", m_corev1_ModifyVolumeStatus_fields, 2};

static const struct kproto_field m_corev1_PersistentVolumeClaimStatus_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "phase", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "accessModes", NULL},
    {3, KPROTO_QUANTITY, KPROTO_MAP, "capacity", NULL},
    {4, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_corev1_PodCondition},
    {5, KPROTO_QUANTITY, KPROTO_MAP, "allocatedResources", NULL},
    {7, KPROTO_STRING, KPROTO_MAP, "allocatedResourceStatuses", NULL},
    {8, KPROTO_STRING, 0, "currentVolumeAttributesClassName", NULL},
    {9, KPROTO_MSG, 0, "modifyVolumeStatus", &m_corev1_ModifyVolumeStatus},
};
static const struct kproto_msg m_corev1_PersistentVolumeClaimStatus = {"core/v1.PersistentVolumeClaimStatus", m_corev1_PersistentVolumeClaimStatus_fields, 8};

static const struct kproto_field m_corev1_PersistentVolumeClaim_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_corev1_PersistentVolumeClaimSpec},
    {3, KPROTO_MSG, 0, "status", &m_corev1_PersistentVolumeClaimStatus},
};
static const struct kproto_msg m_corev1_PersistentVolumeClaim = {"core/v1.PersistentVolumeClaim", m_corev1_PersistentVolumeClaim_fields, 3};

static const struct kproto_field m_appsv1_RollingUpdateStatefulSetStrategy_fields[] = {
    {1, KPROTO_INT32, 0, "partition", NULL},
    {2, KPROTO_INTORSTR, 0, "maxUnavailable", NULL},
};
static const struct kproto_msg m_appsv1_RollingUpdateStatefulSetStrategy = {"apps/v1.RollingUpdateStatefulSetStrategy", m_appsv1_RollingUpdateStatefulSetStrategy_fields, 2};

static const struct kproto_field m_appsv1_StatefulSetUpdateStrategy_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "type", NULL},
    {2, KPROTO_MSG, 0, "rollingUpdate", &m_appsv1_RollingUpdateStatefulSetStrategy},
};
static const struct kproto_msg m_appsv1_StatefulSetUpdateStrategy = {"apps/v1.StatefulSetUpdateStrategy", m_appsv1_StatefulSetUpdateStrategy_fields, 2};

static const struct kproto_field m_appsv1_StatefulSetPersistentVolumeClaimRetentionPolicy_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "whenDeleted", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "whenScaled", NULL},
};
static const struct kproto_msg m_appsv1_StatefulSetPersistentVolumeClaimRetentionPolicy = {"apps/v1.StatefulSetPersistentVolumeClaimRetentionPolicy", m_appsv1_StatefulSetPersistentVolumeClaimRetentionPolicy_fields, 2};

static const struct kproto_field m_appsv1_StatefulSetOrdinals_fields[] = {
    {1, KPROTO_INT32, 0, "start", NULL},
};
static const struct kproto_msg m_appsv1_StatefulSetOrdinals = {"apps/v1.StatefulSetOrdinals", m_appsv1_StatefulSetOrdinals_fields, 1};

static const struct kproto_field m_appsv1_StatefulSetSpec_fields[] = {
    {1, KPROTO_INT32, 0, "replicas", NULL},
    {2, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {3, KPROTO_MSG, 0, "template", &m_corev1_PodTemplateSpec},
    {4, KPROTO_MSG, KPROTO_REPEATED, "volumeClaimTemplates", &m_corev1_PersistentVolumeClaim},
    {5, KPROTO_STRING, 0, "serviceName", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "podManagementPolicy", NULL},
    {7, KPROTO_MSG, 0, "updateStrategy", &m_appsv1_StatefulSetUpdateStrategy},
    {8, KPROTO_INT32, 0, "revisionHistoryLimit", NULL},
    {9, KPROTO_INT32, KPROTO_OMITEMPTY, "minReadySeconds", NULL},
    {10, KPROTO_MSG, 0, "persistentVolumeClaimRetentionPolicy", &m_appsv1_StatefulSetPersistentVolumeClaimRetentionPolicy},
    {11, KPROTO_MSG, 0, "ordinals", &m_appsv1_StatefulSetOrdinals},
};
static const struct kproto_msg m_appsv1_StatefulSetSpec = {"apps/v1.StatefulSetSpec", m_appsv1_StatefulSetSpec_fields, 11};

static const struct kproto_field m_appsv1_StatefulSetStatus_fields[] = {
    {1, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {2, KPROTO_INT32, 0, "replicas", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "readyReplicas", NULL},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "currentReplicas", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "updatedReplicas", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "currentRevision", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "updateRevision", NULL},
    {9, KPROTO_INT32, 0, "collisionCount", NULL},
    {10, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_appsv1_ReplicaSetCondition},
    {11, KPROTO_INT32, 0, "availableReplicas", NULL},
};
static const struct kproto_msg m_appsv1_StatefulSetStatus = {"apps/v1.StatefulSetStatus", m_appsv1_StatefulSetStatus_fields, 10};

static const struct kproto_field m_appsv1_StatefulSet_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_appsv1_StatefulSetSpec},
    {3, KPROTO_MSG, 0, "status", &m_appsv1_StatefulSetStatus},
};
static const struct kproto_msg m_appsv1_StatefulSet = {"apps/v1.StatefulSet", m_appsv1_StatefulSet_fields, 3};

static const struct kproto_field m_appsv1_DaemonSetSpec_fields[] = {
    {1, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {2, KPROTO_MSG, 0, "template", &m_corev1_PodTemplateSpec},
    {3, KPROTO_MSG, 0, "updateStrategy", &m_appsv1_DeploymentStrategy},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "minReadySeconds", NULL},
    {6, KPROTO_INT32, 0, "revisionHistoryLimit", NULL},
};
static const struct kproto_msg m_appsv1_DaemonSetSpec = {"apps/v1.DaemonSetSpec", m_appsv1_DaemonSetSpec_fields, 5};

static const struct kproto_field m_appsv1_DaemonSetStatus_fields[] = {
    {1, KPROTO_INT32, 0, "currentNumberScheduled", NULL},
    {2, KPROTO_INT32, 0, "numberMisscheduled", NULL},
    {3, KPROTO_INT32, 0, "desiredNumberScheduled", NULL},
    {4, KPROTO_INT32, 0, "numberReady", NULL},
    {5, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {6, KPROTO_INT32, KPROTO_OMITEMPTY, "updatedNumberScheduled", NULL},
    {7, KPROTO_INT32, KPROTO_OMITEMPTY, "numberAvailable", NULL},
    {8, KPROTO_INT32, KPROTO_OMITEMPTY, "numberUnavailable", NULL},
    {9, KPROTO_INT32, 0, "collisionCount", NULL},
    {10, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_appsv1_ReplicaSetCondition},
};
static const struct kproto_msg m_appsv1_DaemonSetStatus = {"apps/v1.DaemonSetStatus", m_appsv1_DaemonSetStatus_fields, 10};

static const struct kproto_field m_appsv1_DaemonSet_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_appsv1_DaemonSetSpec},
    {3, KPROTO_MSG, 0, "status", &m_appsv1_DaemonSetStatus},
};
static const struct kproto_msg m_appsv1_DaemonSet = {"apps/v1.DaemonSet", m_appsv1_DaemonSet_fields, 3};

static const struct kproto_field m_batchv1_PodFailurePolicyOnExitCodesRequirement_fields[] = {
    {1, KPROTO_STRING, 0, "containerName", NULL},
    {2, KPROTO_STRING, 0, "operator", NULL},
    {3, KPROTO_INT32, KPROTO_REPEATED, "values", NULL},
};
static const struct kproto_msg m_batchv1_PodFailurePolicyOnExitCodesRequirement = {"batch/v1.PodFailurePolicyOnExitCodesRequirement", m_batchv1_PodFailurePolicyOnExitCodesRequirement_fields, 3};

static const struct kproto_field m_batchv1_PodFailurePolicyOnPodConditionsPattern_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_STRING, 0, "status", NULL},
};
static const struct kproto_msg m_batchv1_PodFailurePolicyOnPodConditionsPattern = {"batch/v1.PodFailurePolicyOnPodConditionsPattern", m_batchv1_PodFailurePolicyOnPodConditionsPattern_fields, 2};

static const struct kproto_field m_batchv1_PodFailurePolicyRule_fields[] = {
    {1, KPROTO_STRING, 0, "action", NULL},
    {2, KPROTO_MSG, 0, "onExitCodes", &m_batchv1_PodFailurePolicyOnExitCodesRequirement},
    {3, KPROTO_MSG, KPROTO_REPEATED, "onPodConditions", &m_batchv1_PodFailurePolicyOnPodConditionsPattern},
};
static const struct kproto_msg m_batchv1_PodFailurePolicyRule = {"batch/v1.PodFailurePolicyRule", m_batchv1_PodFailurePolicyRule_fields, 3};

static const struct kproto_field m_batchv1_PodFailurePolicy_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "rules", &m_batchv1_PodFailurePolicyRule},
};
static const struct kproto_msg m_batchv1_PodFailurePolicy = {"batch/v1.PodFailurePolicy", m_batchv1_PodFailurePolicy_fields, 1};

static const struct kproto_field m_batchv1_SuccessPolicyRule_fields[] = {
    {1, KPROTO_STRING, 0, "succeededIndexes", NULL},
    {2, KPROTO_INT32, 0, "succeededCount", NULL},
};
static const struct kproto_msg m_batchv1_SuccessPolicyRule = {"batch/v1.SuccessPolicyRule", m_batchv1_SuccessPolicyRule_fields, 2};

static const struct kproto_field m_batchv1_SuccessPolicy_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "rules", &m_batchv1_SuccessPolicyRule},
};
static const struct kproto_msg m_batchv1_SuccessPolicy = {"batch/v1.SuccessPolicy", m_batchv1_SuccessPolicy_fields, 1};

static const struct kproto_field m_batchv1_JobSpec_fields[] = {
    {1, KPROTO_INT32, 0, "parallelism", NULL},
    {2, KPROTO_INT32, 0, "completions", NULL},
    {3, KPROTO_INT64, 0, "activeDeadlineSeconds", NULL},
    {4, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {5, KPROTO_BOOL, 0, "manualSelector", NULL},
    {6, KPROTO_MSG, 0, "template", &m_corev1_PodTemplateSpec},
    {7, KPROTO_INT32, 0, "backoffLimit", NULL},
    {8, KPROTO_INT32, 0, "ttlSecondsAfterFinished", NULL},
    {9, KPROTO_STRING, 0, "completionMode", NULL},
    {10, KPROTO_BOOL, 0, "suspend", NULL},
    {11, KPROTO_MSG, 0, "podFailurePolicy", &m_batchv1_PodFailurePolicy},
    {12, KPROTO_INT32, 0, "backoffLimitPerIndex", NULL},
    {13, KPROTO_INT32, 0, "maxFailedIndexes", NULL},
    {14, KPROTO_STRING, 0, "podReplacementPolicy", NULL},
    {15, KPROTO_STRING, 0, "managedBy", NULL},
    {16, KPROTO_MSG, 0, "successPolicy", &m_batchv1_SuccessPolicy},
};
static const struct kproto_msg m_batchv1_JobSpec = {"batch/v1.JobSpec", m_batchv1_JobSpec_fields, 16};

static const struct kproto_field m_batchv1_UncountedTerminatedPods_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "succeeded", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "failed", NULL},
};
static const struct kproto_msg m_batchv1_UncountedTerminatedPods = {"batch/v1.UncountedTerminatedPods", m_batchv1_UncountedTerminatedPods_fields, 2};

static const struct kproto_field m_batchv1_JobStatus_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_corev1_PodCondition},
    {2, KPROTO_TIME, 0, "startTime", NULL},
    {3, KPROTO_TIME, 0, "completionTime", NULL},
    {4, KPROTO_INT32, KPROTO_OMITEMPTY, "active", NULL},
    {5, KPROTO_INT32, KPROTO_OMITEMPTY, "succeeded", NULL},
    {6, KPROTO_INT32, KPROTO_OMITEMPTY, "failed", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "completedIndexes", NULL},
    {8, KPROTO_MSG, 0, "uncountedTerminatedPods", &m_batchv1_UncountedTerminatedPods},
    {9, KPROTO_INT32, 0, "ready", NULL},
    {10, KPROTO_STRING, 0, "failedIndexes", NULL},
    {11, KPROTO_INT32, 0, "terminating", NULL},
};
static const struct kproto_msg m_batchv1_JobStatus = {"batch/v1.JobStatus", m_batchv1_JobStatus_fields, 11};

static const struct kproto_field m_batchv1_Job_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_batchv1_JobSpec},
    {3, KPROTO_MSG, 0, "status", &m_batchv1_JobStatus},
};
static const struct kproto_msg m_batchv1_Job = {"batch/v1.Job", m_batchv1_Job_fields, 3};

static const struct kproto_field m_batchv1_JobTemplateSpec_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_batchv1_JobSpec},
};
static const struct kproto_msg m_batchv1_JobTemplateSpec = {"batch/v1.JobTemplateSpec", m_batchv1_JobTemplateSpec_fields, 2};

static const struct kproto_field m_batchv1_CronJobSpec_fields[] = {
    {1, KPROTO_STRING, 0, "schedule", NULL},
    {2, KPROTO_INT64, 0, "startingDeadlineSeconds", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "concurrencyPolicy", NULL},
    {4, KPROTO_BOOL, 0, "suspend", NULL},
    {5, KPROTO_MSG, 0, "jobTemplate", &m_batchv1_JobTemplateSpec},
    {6, KPROTO_INT32, 0, "successfulJobsHistoryLimit", NULL},
    {7, KPROTO_INT32, 0, "failedJobsHistoryLimit", NULL},
    {8, KPROTO_STRING, 0, "timeZone", NULL},
};
static const struct kproto_msg m_batchv1_CronJobSpec = {"batch/v1.CronJobSpec", m_batchv1_CronJobSpec_fields, 8};

static const struct kproto_field m_batchv1_CronJobStatus_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "active", &m_corev1_ObjectReference},
    {4, KPROTO_TIME, 0, "lastScheduleTime", NULL},
    {5, KPROTO_TIME, 0, "lastSuccessfulTime", NULL},
};
static const struct kproto_msg m_batchv1_CronJobStatus = {"batch/v1.CronJobStatus", m_batchv1_CronJobStatus_fields, 3};

static const struct kproto_field m_batchv1_CronJob_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_batchv1_CronJobSpec},
    {3, KPROTO_MSG, 0, "status", &m_batchv1_CronJobStatus},
};
static const struct kproto_msg m_batchv1_CronJob = {"batch/v1.CronJob", m_batchv1_CronJob_fields, 3};

static const struct kproto_field m_rbacv1_PolicyRule_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "verbs", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "apiGroups", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "resources", NULL},
    {4, KPROTO_STRING, KPROTO_REPEATED, "resourceNames", NULL},
    {5, KPROTO_STRING, KPROTO_REPEATED, "nonResourceURLs", NULL},
};
static const struct kproto_msg m_rbacv1_PolicyRule = {"rbac/v1.PolicyRule", m_rbacv1_PolicyRule_fields, 5};

static const struct kproto_field m_rbacv1_Role_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, KPROTO_REPEATED, "rules", &m_rbacv1_PolicyRule},
};
static const struct kproto_msg m_rbacv1_Role = {"rbac/v1.Role", m_rbacv1_Role_fields, 2};

static const struct kproto_field m_rbacv1_AggregationRule_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "clusterRoleSelectors", &m_metav1_LabelSelector},
};
static const struct kproto_msg m_rbacv1_AggregationRule = {"rbac/v1.AggregationRule", m_rbacv1_AggregationRule_fields, 1};

static const struct kproto_field m_rbacv1_ClusterRole_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, KPROTO_REPEATED, "rules", &m_rbacv1_PolicyRule},
    {3, KPROTO_MSG, 0, "aggregationRule", &m_rbacv1_AggregationRule},
};
static const struct kproto_msg m_rbacv1_ClusterRole = {"rbac/v1.ClusterRole", m_rbacv1_ClusterRole_fields, 3};

static const struct kproto_field m_rbacv1_Subject_fields[] = {
    {1, KPROTO_STRING, 0, "kind", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "apiGroup", NULL},
    {3, KPROTO_STRING, 0, "name", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "namespace", NULL},
};
static const struct kproto_msg m_rbacv1_Subject = {"rbac/v1.Subject", m_rbacv1_Subject_fields, 4};

static const struct kproto_field m_rbacv1_RoleBinding_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, KPROTO_REPEATED, "subjects", &m_rbacv1_Subject},
    {3, KPROTO_MSG, 0, "roleRef", &m_corev1_TypedLocalObjectReference},
};
static const struct kproto_msg m_rbacv1_RoleBinding = {"rbac/v1.RoleBinding", m_rbacv1_RoleBinding_fields, 3};

static const struct kproto_field m_policyv1_PodDisruptionBudgetSpec_fields[] = {
    {1, KPROTO_INTORSTR, 0, "minAvailable", NULL},
    {2, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
    {3, KPROTO_INTORSTR, 0, "maxUnavailable", NULL},
    {4, KPROTO_STRING, 0, "unhealthyPodEvictionPolicy", NULL},
};
static const struct kproto_msg m_policyv1_PodDisruptionBudgetSpec = {"policy/v1.PodDisruptionBudgetSpec", m_policyv1_PodDisruptionBudgetSpec_fields, 4};

static const struct kproto_field m_policyv1_PodDisruptionBudgetStatus_fields[] = {
    {1, KPROTO_INT64, KPROTO_OMITEMPTY, "observedGeneration", NULL},
    {2, KPROTO_TIME, KPROTO_MAP, "disruptedPods", NULL},
    {3, KPROTO_INT32, 0, "disruptionsAllowed", NULL},
    {4, KPROTO_INT32, 0, "currentHealthy", NULL},
    {5, KPROTO_INT32, 0, "desiredHealthy", NULL},
    {6, KPROTO_INT32, 0, "expectedPods", NULL},
    {7, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_metav1_Condition},
};
static const struct kproto_msg m_policyv1_PodDisruptionBudgetStatus = {"policy/v1.PodDisruptionBudgetStatus", m_policyv1_PodDisruptionBudgetStatus_fields, 7};

static const struct kproto_field m_policyv1_PodDisruptionBudget_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_policyv1_PodDisruptionBudgetSpec},
    {3, KPROTO_MSG, 0, "status", &m_policyv1_PodDisruptionBudgetStatus},
};
static const struct kproto_msg m_policyv1_PodDisruptionBudget = {"policy/v1.PodDisruptionBudget", m_policyv1_PodDisruptionBudget_fields, 3};

static const struct kproto_field m_metav1_Preconditions_fields[] = {
    {1, KPROTO_STRING, 0, "uid", NULL},
    {2, KPROTO_STRING, 0, "resourceVersion", NULL},
};
static const struct kproto_msg m_metav1_Preconditions = {"meta/v1.Preconditions", m_metav1_Preconditions_fields, 2};

static const struct kproto_field m_metav1_DeleteOptions_fields[] = {
    {1, KPROTO_INT64, 0, "gracePeriodSeconds", NULL},
    {2, KPROTO_MSG, 0, "preconditions", &m_metav1_Preconditions},
    {3, KPROTO_BOOL, 0, "orphanDependents", NULL},
    {4, KPROTO_STRING, 0, "propagationPolicy", NULL},
    {5, KPROTO_STRING, KPROTO_REPEATED, "dryRun", NULL},
    {6, KPROTO_BOOL, 0, "ignoreStoreReadErrorWithClusterBreakingPotential", NULL},
};
static const struct kproto_msg m_metav1_DeleteOptions = {"meta/v1.DeleteOptions", m_metav1_DeleteOptions_fields, 6};

static const struct kproto_field m_policyv1_Eviction_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "deleteOptions", &m_metav1_DeleteOptions},
};
static const struct kproto_msg m_policyv1_Eviction = {"policy/v1.Eviction", m_policyv1_Eviction_fields, 2};

static const struct kproto_field m_networkingv1_ServiceBackendPort_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {2, KPROTO_INT32, KPROTO_OMITEMPTY, "number", NULL},
};
static const struct kproto_msg m_networkingv1_ServiceBackendPort = {"networking/v1.ServiceBackendPort", m_networkingv1_ServiceBackendPort_fields, 2};

static const struct kproto_field m_networkingv1_IngressServiceBackend_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "port", &m_networkingv1_ServiceBackendPort},
};
static const struct kproto_msg m_networkingv1_IngressServiceBackend = {"networking/v1.IngressServiceBackend", m_networkingv1_IngressServiceBackend_fields, 2};

static const struct kproto_field m_networkingv1_IngressBackend_fields[] = {
    {3, KPROTO_MSG, 0, "resource", &m_corev1_TypedLocalObjectReference},
    {4, KPROTO_MSG, 0, "service", &m_networkingv1_IngressServiceBackend},
};
static const struct kproto_msg m_networkingv1_IngressBackend = {"networking/v1.IngressBackend", m_networkingv1_IngressBackend_fields, 2};

static const struct kproto_field m_networkingv1_IngressTLS_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "hosts", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "secretName", NULL},
};
static const struct kproto_msg m_networkingv1_IngressTLS = {"networking/v1.IngressTLS", m_networkingv1_IngressTLS_fields, 2};

static const struct kproto_field m_networkingv1_HTTPIngressPath_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "path", NULL},
    {2, KPROTO_MSG, 0, "backend", &m_networkingv1_IngressBackend},
    {3, KPROTO_STRING, 0, "pathType", NULL},
};
static const struct kproto_msg m_networkingv1_HTTPIngressPath = {"networking/v1.HTTPIngressPath", m_networkingv1_HTTPIngressPath_fields, 3};

static const struct kproto_field m_networkingv1_HTTPIngressRuleValue_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "paths", &m_networkingv1_HTTPIngressPath},
};
static const struct kproto_msg m_networkingv1_HTTPIngressRuleValue = {"networking/v1.HTTPIngressRuleValue", m_networkingv1_HTTPIngressRuleValue_fields, 1};

static const struct kproto_field m_networkingv1_IngressRuleValue_fields[] = {
    {1, KPROTO_MSG, 0, "http", &m_networkingv1_HTTPIngressRuleValue},
};
static const struct kproto_msg m_networkingv1_IngressRuleValue = {"networking/v1.IngressRuleValue", m_networkingv1_IngressRuleValue_fields, 1};

static const struct kproto_field m_networkingv1_IngressRule_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "host", NULL},
    {2, KPROTO_MSG, KPROTO_INLINE, NULL, &m_networkingv1_IngressRuleValue},
};
static const struct kproto_msg m_networkingv1_IngressRule = {"networking/v1.IngressRule", m_networkingv1_IngressRule_fields, 2};

static const struct kproto_field m_networkingv1_IngressSpec_fields[] = {
    {1, KPROTO_MSG, 0, "defaultBackend", &m_networkingv1_IngressBackend},
    {2, KPROTO_MSG, KPROTO_REPEATED, "tls", &m_networkingv1_IngressTLS},
    {3, KPROTO_MSG, KPROTO_REPEATED, "rules", &m_networkingv1_IngressRule},
    {4, KPROTO_STRING, 0, "ingressClassName", NULL},
};
static const struct kproto_msg m_networkingv1_IngressSpec = {"networking/v1.IngressSpec", m_networkingv1_IngressSpec_fields, 4};

static const struct kproto_field m_networkingv1_IngressLoadBalancerIngress_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "ip", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "hostname", NULL},
    {4, KPROTO_MSG, KPROTO_REPEATED, "ports", &m_corev1_PortStatus},
};
static const struct kproto_msg m_networkingv1_IngressLoadBalancerIngress = {"networking/v1.IngressLoadBalancerIngress", m_networkingv1_IngressLoadBalancerIngress_fields, 3};

static const struct kproto_field m_networkingv1_IngressLoadBalancerStatus_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "ingress", &m_networkingv1_IngressLoadBalancerIngress},
};
static const struct kproto_msg m_networkingv1_IngressLoadBalancerStatus = {"networking/v1.IngressLoadBalancerStatus", m_networkingv1_IngressLoadBalancerStatus_fields, 1};

static const struct kproto_field m_networkingv1_IngressStatus_fields[] = {
    {1, KPROTO_MSG, 0, "loadBalancer", &m_networkingv1_IngressLoadBalancerStatus},
};
static const struct kproto_msg m_networkingv1_IngressStatus = {"networking/v1.IngressStatus", m_networkingv1_IngressStatus_fields, 1};

static const struct kproto_field m_networkingv1_Ingress_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_networkingv1_IngressSpec},
    {3, KPROTO_MSG, 0, "status", &m_networkingv1_IngressStatus},
};
static const struct kproto_msg m_networkingv1_Ingress = {"networking/v1.Ingress", m_networkingv1_Ingress_fields, 3};

static const struct kproto_field m_autoscalingv2_CrossVersionObjectReference_fields[] = {
    {1, KPROTO_STRING, 0, "kind", NULL},
    {2, KPROTO_STRING, 0, "name", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
};
static const struct kproto_msg m_autoscalingv2_CrossVersionObjectReference = {"autoscaling/v2.CrossVersionObjectReference", m_autoscalingv2_CrossVersionObjectReference_fields, 3};

static const struct kproto_field m_autoscalingv2_MetricTarget_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_QUANTITY, 0, "value", NULL},
    {3, KPROTO_QUANTITY, 0, "averageValue", NULL},
    {4, KPROTO_INT32, 0, "averageUtilization", NULL},
};
static const struct kproto_msg m_autoscalingv2_MetricTarget = {"autoscaling/v2.MetricTarget", m_autoscalingv2_MetricTarget_fields, 4};

static const struct kproto_field m_autoscalingv2_MetricIdentifier_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "selector", &m_metav1_LabelSelector},
};
static const struct kproto_msg m_autoscalingv2_MetricIdentifier = {"autoscaling/v2.MetricIdentifier", m_autoscalingv2_MetricIdentifier_fields, 2};

static const struct kproto_field m_autoscalingv2_ObjectMetricSource_fields[] = {
    {1, KPROTO_MSG, 0, "describedObject", &m_autoscalingv2_CrossVersionObjectReference},
    {2, KPROTO_MSG, 0, "target", &m_autoscalingv2_MetricTarget},
    {3, KPROTO_MSG, 0, "metric", &m_autoscalingv2_MetricIdentifier},
};
static const struct kproto_msg m_autoscalingv2_ObjectMetricSource = {"autoscaling/v2.ObjectMetricSource", m_autoscalingv2_ObjectMetricSource_fields, 3};

static const struct kproto_field m_autoscalingv2_PodsMetricSource_fields[] = {
    {1, KPROTO_MSG, 0, "metric", &m_autoscalingv2_MetricIdentifier},
    {2, KPROTO_MSG, 0, "target", &m_autoscalingv2_MetricTarget},
};
static const struct kproto_msg m_autoscalingv2_PodsMetricSource = {"autoscaling/v2.PodsMetricSource", m_autoscalingv2_PodsMetricSource_fields, 2};

static const struct kproto_field m_autoscalingv2_ResourceMetricSource_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "target", &m_autoscalingv2_MetricTarget},
};
static const struct kproto_msg m_autoscalingv2_ResourceMetricSource = {"autoscaling/v2.ResourceMetricSource", m_autoscalingv2_ResourceMetricSource_fields, 2};

static const struct kproto_field m_autoscalingv2_ContainerResourceMetricSource_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "target", &m_autoscalingv2_MetricTarget},
    {3, KPROTO_STRING, 0, "container", NULL},
};
static const struct kproto_msg m_autoscalingv2_ContainerResourceMetricSource = {"autoscaling/v2.ContainerResourceMetricSource", m_autoscalingv2_ContainerResourceMetricSource_fields, 3};

static const struct kproto_field m_autoscalingv2_MetricSpec_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_MSG, 0, "object", &m_autoscalingv2_ObjectMetricSource},
    {3, KPROTO_MSG, 0, "pods", &m_autoscalingv2_PodsMetricSource},
    {4, KPROTO_MSG, 0, "resource", &m_autoscalingv2_ResourceMetricSource},
    {5, KPROTO_MSG, 0, "external", &m_autoscalingv2_PodsMetricSource},
    {7, KPROTO_MSG, 0, "containerResource", &m_autoscalingv2_ContainerResourceMetricSource},
};
static const struct kproto_msg m_autoscalingv2_MetricSpec = {"autoscaling/v2.MetricSpec", m_autoscalingv2_MetricSpec_fields, 6};

static const struct kproto_field m_autoscalingv2_HPAScalingPolicy_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_INT32, 0, "value", NULL},
    {3, KPROTO_INT32, 0, "periodSeconds", NULL},
};
static const struct kproto_msg m_autoscalingv2_HPAScalingPolicy = {"autoscaling/v2.HPAScalingPolicy", m_autoscalingv2_HPAScalingPolicy_fields, 3};

static const struct kproto_field m_autoscalingv2_HPAScalingRules_fields[] = {
    {1, KPROTO_STRING, 0, "selectPolicy", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "policies", &m_autoscalingv2_HPAScalingPolicy},
    {3, KPROTO_INT32, 0, "stabilizationWindowSeconds", NULL},
};
static const struct kproto_msg m_autoscalingv2_HPAScalingRules = {"autoscaling/v2.HPAScalingRules", m_autoscalingv2_HPAScalingRules_fields, 3};

static const struct kproto_field m_autoscalingv2_HorizontalPodAutoscalerBehavior_fields[] = {
    {1, KPROTO_MSG, 0, "scaleUp", &m_autoscalingv2_HPAScalingRules},
    {2, KPROTO_MSG, 0, "scaleDown", &m_autoscalingv2_HPAScalingRules},
};
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerBehavior = {"autoscaling/v2.HorizontalPodAutoscalerBehavior", m_autoscalingv2_HorizontalPodAutoscalerBehavior_fields, 2};

static const struct kproto_field m_autoscalingv2_HorizontalPodAutoscalerSpec_fields[] = {
    {1, KPROTO_MSG, 0, "scaleTargetRef", &m_autoscalingv2_CrossVersionObjectReference},
    {2, KPROTO_INT32, 0, "minReplicas", NULL},
    {3, KPROTO_INT32, 0, "maxReplicas", NULL},
    {4, KPROTO_MSG, KPROTO_REPEATED, "metrics", &m_autoscalingv2_MetricSpec},
    {5, KPROTO_MSG, 0, "behavior", &m_autoscalingv2_HorizontalPodAutoscalerBehavior},
};
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerSpec = {"autoscaling/v2.HorizontalPodAutoscalerSpec", m_autoscalingv2_HorizontalPodAutoscalerSpec_fields, 5};

static const struct kproto_field m_autoscalingv2_MetricValueStatus_fields[] = {
    {1, KPROTO_QUANTITY, 0, "value", NULL},
    {2, KPROTO_QUANTITY, 0, "averageValue", NULL},
    {3, KPROTO_INT32, 0, "averageUtilization", NULL},
};
static const struct kproto_msg m_autoscalingv2_MetricValueStatus = {"autoscaling/v2.MetricValueStatus", m_autoscalingv2_MetricValueStatus_fields, 3};

static const struct kproto_field m_autoscalingv2_ObjectMetricStatus_fields[] = {
    {1, KPROTO_MSG, 0, "metric", &m_autoscalingv2_MetricIdentifier},
    {2, KPROTO_MSG, 0, "current", &m_autoscalingv2_MetricValueStatus},
    {3, KPROTO_MSG, 0, "describedObject", &m_autoscalingv2_CrossVersionObjectReference},
};
static const struct kproto_msg m_autoscalingv2_ObjectMetricStatus = {"autoscaling/v2.ObjectMetricStatus", m_autoscalingv2_ObjectMetricStatus_fields, 3};

static const struct kproto_field m_autoscalingv2_PodsMetricStatus_fields[] = {
    {1, KPROTO_MSG, 0, "metric", &m_autoscalingv2_MetricIdentifier},
    {2, KPROTO_MSG, 0, "current", &m_autoscalingv2_MetricValueStatus},
};
static const struct kproto_msg m_autoscalingv2_PodsMetricStatus = {"autoscaling/v2.PodsMetricStatus", m_autoscalingv2_PodsMetricStatus_fields, 2};

static const struct kproto_field m_autoscalingv2_ResourceMetricStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "current", &m_autoscalingv2_MetricValueStatus},
};
static const struct kproto_msg m_autoscalingv2_ResourceMetricStatus = {"autoscaling/v2.ResourceMetricStatus", m_autoscalingv2_ResourceMetricStatus_fields, 2};

static const struct kproto_field m_autoscalingv2_ContainerResourceMetricStatus_fields[] = {
    {1, KPROTO_STRING, 0, "name", NULL},
    {2, KPROTO_MSG, 0, "current", &m_autoscalingv2_MetricValueStatus},
    {3, KPROTO_STRING, 0, "container", NULL},
};
static const struct kproto_msg m_autoscalingv2_ContainerResourceMetricStatus = {"autoscaling/v2.ContainerResourceMetricStatus", m_autoscalingv2_ContainerResourceMetricStatus_fields, 3};

static const struct kproto_field m_autoscalingv2_MetricStatus_fields[] = {
    {1, KPROTO_STRING, 0, "type", NULL},
    {2, KPROTO_MSG, 0, "object", &m_autoscalingv2_ObjectMetricStatus},
    {3, KPROTO_MSG, 0, "pods", &m_autoscalingv2_PodsMetricStatus},
    {4, KPROTO_MSG, 0, "resource", &m_autoscalingv2_ResourceMetricStatus},
    {5, KPROTO_MSG, 0, "external", &m_autoscalingv2_PodsMetricStatus},
    {7, KPROTO_MSG, 0, "containerResource", &m_autoscalingv2_ContainerResourceMetricStatus},
};
static const struct kproto_msg m_autoscalingv2_MetricStatus = {"autoscaling/v2.MetricStatus", m_autoscalingv2_MetricStatus_fields, 6};

static const struct kproto_field m_autoscalingv2_HorizontalPodAutoscalerStatus_fields[] = {
    {1, KPROTO_INT64, 0, "observedGeneration", NULL},
    {2, KPROTO_TIME, 0, "lastScaleTime", NULL},
    {3, KPROTO_INT32, KPROTO_OMITEMPTY, "currentReplicas", NULL},
    {4, KPROTO_INT32, 0, "desiredReplicas", NULL},
    {5, KPROTO_MSG, KPROTO_REPEATED, "currentMetrics", &m_autoscalingv2_MetricStatus},
    {6, KPROTO_MSG, KPROTO_REPEATED, "conditions", &m_appsv1_ReplicaSetCondition},
};
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscalerStatus = {"autoscaling/v2.HorizontalPodAutoscalerStatus", m_autoscalingv2_HorizontalPodAutoscalerStatus_fields, 6};

static const struct kproto_field m_autoscalingv2_HorizontalPodAutoscaler_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_autoscalingv2_HorizontalPodAutoscalerSpec},
    {3, KPROTO_MSG, 0, "status", &m_autoscalingv2_HorizontalPodAutoscalerStatus},
};
static const struct kproto_msg m_autoscalingv2_HorizontalPodAutoscaler = {"autoscaling/v2.HorizontalPodAutoscaler", m_autoscalingv2_HorizontalPodAutoscaler_fields, 3};

static const struct kproto_field m_autoscalingv1_HorizontalPodAutoscalerSpec_fields[] = {
    {1, KPROTO_MSG, 0, "scaleTargetRef", &m_autoscalingv2_CrossVersionObjectReference},
    {2, KPROTO_INT32, 0, "minReplicas", NULL},
    {3, KPROTO_INT32, 0, "maxReplicas", NULL},
    {4, KPROTO_INT32, 0, "targetCPUUtilizationPercentage", NULL},
};
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscalerSpec = {"autoscaling/v1.HorizontalPodAutoscalerSpec", m_autoscalingv1_HorizontalPodAutoscalerSpec_fields, 4};

static const struct kproto_field m_autoscalingv1_HorizontalPodAutoscalerStatus_fields[] = {
    {1, KPROTO_INT64, 0, "observedGeneration", NULL},
    {2, KPROTO_TIME, 0, "lastScaleTime", NULL},
    {3, KPROTO_INT32, 0, "currentReplicas", NULL},
    {4, KPROTO_INT32, 0, "desiredReplicas", NULL},
    {5, KPROTO_INT32, 0, "currentCPUUtilizationPercentage", NULL},
};
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscalerStatus = {"autoscaling/v1.HorizontalPodAutoscalerStatus", m_autoscalingv1_HorizontalPodAutoscalerStatus_fields, 5};

static const struct kproto_field m_autoscalingv1_HorizontalPodAutoscaler_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_autoscalingv1_HorizontalPodAutoscalerSpec},
    {3, KPROTO_MSG, 0, "status", &m_autoscalingv1_HorizontalPodAutoscalerStatus},
};
static const struct kproto_msg m_autoscalingv1_HorizontalPodAutoscaler = {"autoscaling/v1.HorizontalPodAutoscaler", m_autoscalingv1_HorizontalPodAutoscaler_fields, 3};

static const struct kproto_field m_autoscalingv1_ScaleSpec_fields[] = {
    {1, KPROTO_INT32, KPROTO_OMITEMPTY, "replicas", NULL},
};
static const struct kproto_msg m_autoscalingv1_ScaleSpec = {"autoscaling/v1.ScaleSpec", m_autoscalingv1_ScaleSpec_fields, 1};

static const struct kproto_field m_autoscalingv1_ScaleStatus_fields[] = {
    {1, KPROTO_INT32, 0, "replicas", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "selector", NULL},
};
static const struct kproto_msg m_autoscalingv1_ScaleStatus = {"autoscaling/v1.ScaleStatus", m_autoscalingv1_ScaleStatus_fields, 2};

static const struct kproto_field m_autoscalingv1_Scale_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_autoscalingv1_ScaleSpec},
    {3, KPROTO_MSG, 0, "status", &m_autoscalingv1_ScaleStatus},
};
static const struct kproto_msg m_autoscalingv1_Scale = {"autoscaling/v1.Scale", m_autoscalingv1_Scale_fields, 3};

static const struct kproto_field m_schedulingv1_PriorityClass_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_INT32, 0, "value", NULL},
    {3, KPROTO_BOOL, KPROTO_OMITEMPTY, "globalDefault", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "description", NULL},
    {5, KPROTO_STRING, 0, "preemptionPolicy", NULL},
};
static const struct kproto_msg m_schedulingv1_PriorityClass = {"scheduling/v1.PriorityClass", m_schedulingv1_PriorityClass_fields, 5};

static const struct kproto_field m_authorizationv1_FieldSelectorAttributes_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "rawSelector", NULL},
    {2, KPROTO_MSG, KPROTO_REPEATED, "requirements", &m_metav1_LabelSelectorRequirement},
};
static const struct kproto_msg m_authorizationv1_FieldSelectorAttributes = {"authorization/v1.FieldSelectorAttributes", m_authorizationv1_FieldSelectorAttributes_fields, 2};

static const struct kproto_field m_authorizationv1_ResourceAttributes_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "namespace", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "verb", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "group", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "version", NULL},
    {5, KPROTO_STRING, KPROTO_OMITEMPTY, "resource", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "subresource", NULL},
    {7, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {8, KPROTO_MSG, 0, "fieldSelector", &m_authorizationv1_FieldSelectorAttributes},
    {9, KPROTO_MSG, 0, "labelSelector", &m_authorizationv1_FieldSelectorAttributes},
};
static const struct kproto_msg m_authorizationv1_ResourceAttributes = {"authorization/v1.ResourceAttributes", m_authorizationv1_ResourceAttributes_fields, 9};

static const struct kproto_field m_authorizationv1_NonResourceAttributes_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "path", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "verb", NULL},
};
static const struct kproto_msg m_authorizationv1_NonResourceAttributes = {"authorization/v1.NonResourceAttributes", m_authorizationv1_NonResourceAttributes_fields, 2};

static const struct kproto_field m_authorizationv1_SelfSubjectAccessReviewSpec_fields[] = {
    {1, KPROTO_MSG, 0, "resourceAttributes", &m_authorizationv1_ResourceAttributes},
    {2, KPROTO_MSG, 0, "nonResourceAttributes", &m_authorizationv1_NonResourceAttributes},
};
static const struct kproto_msg m_authorizationv1_SelfSubjectAccessReviewSpec = {"authorization/v1.SelfSubjectAccessReviewSpec", m_authorizationv1_SelfSubjectAccessReviewSpec_fields, 2};

static const struct kproto_field m_authorizationv1_SubjectAccessReviewStatus_fields[] = {
    {1, KPROTO_BOOL, 0, "allowed", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "reason", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "evaluationError", NULL},
    {4, KPROTO_BOOL, KPROTO_OMITEMPTY, "denied", NULL},
};
static const struct kproto_msg m_authorizationv1_SubjectAccessReviewStatus = {"authorization/v1.SubjectAccessReviewStatus", m_authorizationv1_SubjectAccessReviewStatus_fields, 4};

static const struct kproto_field m_authorizationv1_SelfSubjectAccessReview_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_authorizationv1_SelfSubjectAccessReviewSpec},
    {3, KPROTO_MSG, 0, "status", &m_authorizationv1_SubjectAccessReviewStatus},
};
static const struct kproto_msg m_authorizationv1_SelfSubjectAccessReview = {"authorization/v1.SelfSubjectAccessReview", m_authorizationv1_SelfSubjectAccessReview_fields, 3};

static const struct kproto_field m_authorizationv1_SelfSubjectRulesReviewSpec_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "namespace", NULL},
};
static const struct kproto_msg m_authorizationv1_SelfSubjectRulesReviewSpec = {"authorization/v1.SelfSubjectRulesReviewSpec", m_authorizationv1_SelfSubjectRulesReviewSpec_fields, 1};

static const struct kproto_field m_authorizationv1_ResourceRule_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "verbs", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "apiGroups", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "resources", NULL},
    {4, KPROTO_STRING, KPROTO_REPEATED, "resourceNames", NULL},
};
static const struct kproto_msg m_authorizationv1_ResourceRule = {"authorization/v1.ResourceRule", m_authorizationv1_ResourceRule_fields, 4};

static const struct kproto_field m_authorizationv1_NonResourceRule_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "verbs", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "nonResourceURLs", NULL},
};
static const struct kproto_msg m_authorizationv1_NonResourceRule = {"authorization/v1.NonResourceRule", m_authorizationv1_NonResourceRule_fields, 2};

static const struct kproto_field m_authorizationv1_SubjectRulesReviewStatus_fields[] = {
    {1, KPROTO_MSG, KPROTO_REPEATED, "resourceRules", &m_authorizationv1_ResourceRule},
    {2, KPROTO_MSG, KPROTO_REPEATED, "nonResourceRules", &m_authorizationv1_NonResourceRule},
    {3, KPROTO_BOOL, 0, "incomplete", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "evaluationError", NULL},
};
static const struct kproto_msg m_authorizationv1_SubjectRulesReviewStatus = {"authorization/v1.SubjectRulesReviewStatus", m_authorizationv1_SubjectRulesReviewStatus_fields, 4};

static const struct kproto_field m_authorizationv1_SelfSubjectRulesReview_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_authorizationv1_SelfSubjectRulesReviewSpec},
    {3, KPROTO_MSG, 0, "status", &m_authorizationv1_SubjectRulesReviewStatus},
};
static const struct kproto_msg m_authorizationv1_SelfSubjectRulesReview = {"authorization/v1.SelfSubjectRulesReview", m_authorizationv1_SelfSubjectRulesReview_fields, 3};

static const struct kproto_field m_authorizationv1_SubjectAccessReviewSpec_fields[] = {
    {1, KPROTO_MSG, 0, "resourceAttributes", &m_authorizationv1_ResourceAttributes},
    {2, KPROTO_MSG, 0, "nonResourceAttributes", &m_authorizationv1_NonResourceAttributes},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "user", NULL},
    {4, KPROTO_STRING, KPROTO_REPEATED, "groups", NULL},
    {5, KPROTO_STRLIST, KPROTO_MAP, "extra", NULL},
    {6, KPROTO_STRING, KPROTO_OMITEMPTY, "uid", NULL},
};
static const struct kproto_msg m_authorizationv1_SubjectAccessReviewSpec = {"authorization/v1.SubjectAccessReviewSpec", m_authorizationv1_SubjectAccessReviewSpec_fields, 6};

static const struct kproto_field m_authorizationv1_SubjectAccessReview_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_authorizationv1_SubjectAccessReviewSpec},
    {3, KPROTO_MSG, 0, "status", &m_authorizationv1_SubjectAccessReviewStatus},
};
static const struct kproto_msg m_authorizationv1_SubjectAccessReview = {"authorization/v1.SubjectAccessReview", m_authorizationv1_SubjectAccessReview_fields, 3};

static const struct kproto_field m_authenticationv1_UserInfo_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "username", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "uid", NULL},
    {3, KPROTO_STRING, KPROTO_REPEATED, "groups", NULL},
    {4, KPROTO_STRLIST, KPROTO_MAP, "extra", NULL},
};
static const struct kproto_msg m_authenticationv1_UserInfo = {"authentication/v1.UserInfo", m_authenticationv1_UserInfo_fields, 4};

static const struct kproto_field m_authenticationv1_SelfSubjectReviewStatus_fields[] = {
    {1, KPROTO_MSG, 0, "userInfo", &m_authenticationv1_UserInfo},
};
static const struct kproto_msg m_authenticationv1_SelfSubjectReviewStatus = {"authentication/v1.SelfSubjectReviewStatus", m_authenticationv1_SelfSubjectReviewStatus_fields, 1};

static const struct kproto_field m_authenticationv1_SelfSubjectReview_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "status", &m_authenticationv1_SelfSubjectReviewStatus},
};
static const struct kproto_msg m_authenticationv1_SelfSubjectReview = {"authentication/v1.SelfSubjectReview", m_authenticationv1_SelfSubjectReview_fields, 2};

static const struct kproto_field m_authenticationv1_BoundObjectReference_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "kind", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "name", NULL},
    {4, KPROTO_STRING, KPROTO_OMITEMPTY, "uid", NULL},
};
static const struct kproto_msg m_authenticationv1_BoundObjectReference = {"authentication/v1.BoundObjectReference", m_authenticationv1_BoundObjectReference_fields, 4};

static const struct kproto_field m_authenticationv1_TokenRequestSpec_fields[] = {
    {1, KPROTO_STRING, KPROTO_REPEATED, "audiences", NULL},
    {3, KPROTO_MSG, 0, "boundObjectRef", &m_authenticationv1_BoundObjectReference},
    {4, KPROTO_INT64, 0, "expirationSeconds", NULL},
};
static const struct kproto_msg m_authenticationv1_TokenRequestSpec = {"authentication/v1.TokenRequestSpec", m_authenticationv1_TokenRequestSpec_fields, 3};

static const struct kproto_field m_authenticationv1_TokenRequestStatus_fields[] = {
    {1, KPROTO_STRING, 0, "token", NULL},
    {2, KPROTO_TIME, 0, "expirationTimestamp", NULL},
};
static const struct kproto_msg m_authenticationv1_TokenRequestStatus = {"authentication/v1.TokenRequestStatus", m_authenticationv1_TokenRequestStatus_fields, 2};

static const struct kproto_field m_authenticationv1_TokenRequest_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_authenticationv1_TokenRequestSpec},
    {3, KPROTO_MSG, 0, "status", &m_authenticationv1_TokenRequestStatus},
};
static const struct kproto_msg m_authenticationv1_TokenRequest = {"authentication/v1.TokenRequest", m_authenticationv1_TokenRequest_fields, 3};

static const struct kproto_field m_authenticationv1_TokenReviewSpec_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "token", NULL},
    {2, KPROTO_STRING, KPROTO_REPEATED, "audiences", NULL},
};
static const struct kproto_msg m_authenticationv1_TokenReviewSpec = {"authentication/v1.TokenReviewSpec", m_authenticationv1_TokenReviewSpec_fields, 2};

static const struct kproto_field m_authenticationv1_TokenReviewStatus_fields[] = {
    {1, KPROTO_BOOL, KPROTO_OMITEMPTY, "authenticated", NULL},
    {2, KPROTO_MSG, 0, "user", &m_authenticationv1_UserInfo},
    {3, KPROTO_STRING, KPROTO_OMITEMPTY, "error", NULL},
    {4, KPROTO_STRING, KPROTO_REPEATED, "audiences", NULL},
};
static const struct kproto_msg m_authenticationv1_TokenReviewStatus = {"authentication/v1.TokenReviewStatus", m_authenticationv1_TokenReviewStatus_fields, 4};

static const struct kproto_field m_authenticationv1_TokenReview_fields[] = {
    {1, KPROTO_MSG, 0, "metadata", &m_metav1_ObjectMeta},
    {2, KPROTO_MSG, 0, "spec", &m_authenticationv1_TokenReviewSpec},
    {3, KPROTO_MSG, 0, "status", &m_authenticationv1_TokenReviewStatus},
};
static const struct kproto_msg m_authenticationv1_TokenReview = {"authentication/v1.TokenReview", m_authenticationv1_TokenReview_fields, 3};

const struct kproto_kind kproto_kinds[] = {
    {"v1", "Namespace", &m_corev1_Namespace},
    {"v1", "ConfigMap", &m_corev1_ConfigMap},
    {"v1", "Secret", &m_corev1_Secret},
    {"v1", "Service", &m_corev1_Service},
    {"v1", "ServiceAccount", &m_corev1_ServiceAccount},
    {"v1", "ResourceQuota", &m_corev1_ResourceQuota},
    {"v1", "Pod", &m_corev1_Pod},
    {"v1", "Binding", &m_corev1_Binding},
    {"apps/v1", "Deployment", &m_appsv1_Deployment},
    {"apps/v1", "ReplicaSet", &m_appsv1_ReplicaSet},
    {"apps/v1", "StatefulSet", &m_appsv1_StatefulSet},
    {"apps/v1", "DaemonSet", &m_appsv1_DaemonSet},
    {"batch/v1", "Job", &m_batchv1_Job},
    {"batch/v1", "CronJob", &m_batchv1_CronJob},
    {"rbac.authorization.k8s.io/v1", "Role", &m_rbacv1_Role},
    {"rbac.authorization.k8s.io/v1", "ClusterRole", &m_rbacv1_ClusterRole},
    {"rbac.authorization.k8s.io/v1", "RoleBinding", &m_rbacv1_RoleBinding},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &m_rbacv1_RoleBinding},
    {"policy/v1", "PodDisruptionBudget", &m_policyv1_PodDisruptionBudget},
    {"policy/v1", "Eviction", &m_policyv1_Eviction},
    {"networking.k8s.io/v1", "Ingress", &m_networkingv1_Ingress},
    {"autoscaling/v2", "HorizontalPodAutoscaler", &m_autoscalingv2_HorizontalPodAutoscaler},
    {"autoscaling/v1", "HorizontalPodAutoscaler", &m_autoscalingv1_HorizontalPodAutoscaler},
    {"autoscaling/v1", "Scale", &m_autoscalingv1_Scale},
    {"scheduling.k8s.io/v1", "PriorityClass", &m_schedulingv1_PriorityClass},
    {"authorization.k8s.io/v1", "SelfSubjectAccessReview", &m_authorizationv1_SelfSubjectAccessReview},
    {"authorization.k8s.io/v1", "SelfSubjectRulesReview", &m_authorizationv1_SelfSubjectRulesReview},
    {"authorization.k8s.io/v1", "SubjectAccessReview", &m_authorizationv1_SubjectAccessReview},
    {"authentication.k8s.io/v1", "SelfSubjectReview", &m_authenticationv1_SelfSubjectReview},
    {"authentication.k8s.io/v1", "TokenRequest", &m_authenticationv1_TokenRequest},
    {"authentication.k8s.io/v1", "TokenReview", &m_authenticationv1_TokenReview},
    {NULL, "DeleteOptions", &m_metav1_DeleteOptions},
};
const size_t kproto_kind_count = sizeof(kproto_kinds) / sizeof(kproto_kinds[0]);
/* clang-format on */
