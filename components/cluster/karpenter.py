"""Karpenter: nodes that follow the pods, above the system node group's floor.

Modelled on terraform-aws-modules/eks `modules/karpenter` and the EKS Blueprints add-on:
- the controller (Helm chart, pinned) runs on the managed system node group, never on a node
  it manages itself, with its AWS role by Pod Identity; the chart waits for the association and
  a settle after it (components/shared/iam.py), and the controller is told its region
  (`AWS_REGION`): without one it asks IMDS (karpenter-provider-aws `pkg/operator/operator.go`,
  v1.14.1: `if cfg.Region == "" { … imds … GetRegion … }`, and "unable to determine region from
  IMDS" is fatal), which the nodes' hop limit of 1 keeps from pods, so it would crash-loop;
- an SQS queue fed by EventBridge with Spot interruptions, rebalance recommendations, instance
  state changes and AWS Health events, so a node is drained before EC2 takes it away;
- the node role, admitted to the cluster by an `EC2_LINUX` access entry;
- an `EC2NodeClass`: AL2023, the guide's 100 GiB encrypted gp3 root volume, IMDSv2 with one
  hop, the stack's private subnets and the cluster security group found by their tags;
- a `NodePool` whose requirements encode the guide's minimums (≥ 4 vCPU, ≥ 8 GiB), with the
  architectures and capacity types from config and a CPU limit, the cluster's cost ceiling.

The chart is a `kubernetes.helm.v4.Chart`: it renders the chart and manages every object in
it as a resource, CRDs included, so raising CHART_VERSION upgrades the CRDs too (a Helm 3
release installs `crds/` once and never again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.cluster.karpenter_policy import INTERRUPTION_EVENTS, QUEUE_RETENTION_SECONDS, controller_policy, queue_policy
from components.shared.iam import NODE_POLICIES, assume_role_policy, pod_identity
from config.node_pool import NodePoolSettings

CHART = "oci://public.ecr.aws/karpenter/karpenter"
CHART_VERSION = "1.14.1"  # controller v1.14.1; its CRDs serve karpenter.sh/v1 and karpenter.k8s.aws/v1
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "karpenter"
NODE_POOL_API = "karpenter.sh/v1"
NODE_CLASS_API = "karpenter.k8s.aws/v1"
NODE_CLASS_NAME = "default"
NODE_POOL_NAME = "default"
# The guide's minimums as Karpenter requirements: Gt is strict, memory is in MiB.
MIN_CPU_REQUIREMENT = ("karpenter.k8s.aws/instance-cpu", "Gt", "3")
MIN_MEMORY_REQUIREMENT = ("karpenter.k8s.aws/instance-memory", "Gt", "8191")
# EKS tags the cluster security group `kubernetes.io/cluster/<name>: owned`
# (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html); the network
# component tags the private subnets for internal load balancers and the cluster.
SECURITY_GROUP_TAG_VALUE = "owned"
PRIVATE_SUBNET_TAGS = {"kubernetes.io/role/internal-elb": "1"}


@dataclass
class KarpenterArgs:
    settings: NodePoolSettings
    cluster: aws.eks.Cluster
    # The cluster's region: the controller's AWS SDK gets it from AWS_REGION, never from IMDS.
    region: str
    disk_size_gib: int
    instance_tags: dict[str, str]
    # The system node group's label, where the controller runs.
    system_node_label: tuple[str, str]
    k8s_provider: k8s.Provider
    # Nodes and add-ons: the chart's pods need somewhere to run, with DNS and Pod Identity.
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class Karpenter(pulumi.ComponentResource):
    node_role: aws.iam.Role
    queue: aws.sqs.Queue
    chart: k8s.helm.v4.Chart
    node_class: k8s.apiextensions.CustomResource
    node_pool: k8s.apiextensions.CustomResource

    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("email:cluster:Karpenter", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster = args.cluster
        self.node_role = aws.iam.Role(f"{name}-nodes", assume_role_policy=assume_role_policy("ec2.amazonaws.com"), opts=child)
        for arn in NODE_POLICIES:
            aws.iam.RolePolicyAttachment(f"{name}-nodes-{arn.rsplit('/', 1)[1]}", role=self.node_role.name, policy_arn=arn, opts=child)
        # Nodes join the cluster as this role: EKS maps it to the node groups (system:nodes).
        node_access = aws.eks.AccessEntry(
            f"{name}-nodes", cluster_name=cluster.name, principal_arn=self.node_role.arn, type="EC2_LINUX", opts=child
        )
        self.queue = self._interruption_queue(name, cluster)
        identity = pod_identity(
            f"{name}-controller",
            cluster.name,
            NAMESPACE,
            SERVICE_ACCOUNT,
            "Karpenter controller: launches and retires the NodePool's nodes",
            self,
            depends_on=list(args.depends_on),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-controller",
            role=identity.role.id,
            policy=pulumi.Output.all(cluster.name, cluster.arn, self.node_role.arn, self.queue.arn).apply(
                lambda p: controller_policy(p[0], p[1], p[1].split(":")[3], p[1].split(":")[4], p[2], p[3])
            ),
            opts=child,
        )
        label_key, label_value = args.system_node_label
        self.chart = k8s.helm.v4.Chart(
            f"{name}-chart",
            chart=CHART,
            version=CHART_VERSION,
            namespace=NAMESPACE,
            skip_crds=False,  # the chart's CRDs are resources here, upgraded with the chart
            values={
                "settings": {"clusterName": cluster.name, "interruptionQueue": self.queue.name},
                "serviceAccount": {"name": SERVICE_ACCOUNT},
                "replicas": 2,
                "nodeSelector": {label_key: label_value},
                "controller": {
                    "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
                    # The chart's own hook for this (values.yaml: `controller.env`, "- name: AWS_REGION").
                    "env": [{"name": "AWS_REGION", "value": args.region}],
                },
                "podDisruptionBudget": {"name": "karpenter", "maxUnavailable": 1},
            },
            opts=pulumi.ResourceOptions(
                parent=self, provider=args.k8s_provider, depends_on=[*args.depends_on, policy, identity.ready, node_access]
            ),
        )
        cr = pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[self.chart])
        self.node_class = k8s.apiextensions.CustomResource(
            f"{name}-node-class",
            api_version=NODE_CLASS_API,
            kind="EC2NodeClass",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=NODE_CLASS_NAME),
            spec=pulumi.Output.all(cluster.name, self.node_role.name).apply(
                lambda p: node_class_spec(p[0], p[1], args.disk_size_gib, args.instance_tags)
            ),
            opts=cr,
        )
        self.node_pool = k8s.apiextensions.CustomResource(
            f"{name}-node-pool",
            api_version=NODE_POOL_API,
            kind="NodePool",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=NODE_POOL_NAME),
            spec=node_pool_spec(args.settings),
            opts=pulumi.ResourceOptions(parent=self, provider=args.k8s_provider, depends_on=[self.chart, self.node_class]),
        )
        self.register_outputs({})

    def _interruption_queue(self, name: str, cluster: aws.eks.Cluster) -> aws.sqs.Queue:
        child = pulumi.ResourceOptions(parent=self)
        queue = aws.sqs.Queue(
            f"{name}-interruptions",
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            opts=child,
        )
        queue_access = aws.sqs.QueuePolicy(f"{name}-interruptions", queue_url=queue.url, policy=queue.arn.apply(queue_policy), opts=child)
        for event, pattern in INTERRUPTION_EVENTS.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{event}",
                description=f"Karpenter interruption: {pattern['detail-type'][0]}",
                event_pattern=pulumi.Output.json_dumps(pattern),
                opts=child,
            )
            # EventBridge delivers to SQS only as the queue policy allows; events sent before it is in effect are dropped.
            aws.cloudwatch.EventTarget(
                f"{name}-{event}",
                rule=rule.name,
                arn=queue.arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[queue_access]),
            )
        return queue


def node_class_spec(cluster_name: str, node_role_name: str, disk_size_gib: int, tags: dict[str, str]) -> dict[str, object]:
    return {
        "role": node_role_name,
        # The newest EKS-optimised AL2023 AMI; a new one replaces nodes gradually (drift, within the disruption budget).
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "subnetSelectorTerms": [{"tags": {f"kubernetes.io/cluster/{cluster_name}": "shared", **PRIVATE_SUBNET_TAGS}}],
        "securityGroupSelectorTerms": [{"tags": {f"kubernetes.io/cluster/{cluster_name}": SECURITY_GROUP_TAG_VALUE}}],
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "rootVolume": True,
                "ebs": {
                    "volumeSize": f"{disk_size_gib}Gi",
                    "volumeType": "gp3",
                    "iops": 3000,
                    "throughput": 125,
                    "encrypted": True,
                    "deleteOnTermination": True,
                },
            }
        ],
        # One hop: pods cannot borrow the node's role; they get their own through Pod Identity.
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 1,
            "httpTokens": "required",
        },
        "tags": dict(tags),
    }


# At most a tenth of the pool's nodes drained at once by consolidation and drift (Karpenter rounds
# up: one node of a small pool may still go, so consolidation proceeds). Karpenter's default, said
# here so that it stays: "If undefined, Karpenter will default to one budget with `nodes: 10%`"
# (website/content/en/docs/concepts/disruption.md, "Disruption Budgets", v1.14.1).
DISRUPTION_BUDGET = {"nodes": "10%"}


def node_pool_spec(settings: NodePoolSettings) -> dict[str, object]:
    def requirement(key: str, operator: str, *values: str) -> dict[str, object]:
        return {"key": key, "operator": operator, "values": list(values)}

    return {
        "template": {
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NODE_CLASS_NAME},
                "requirements": [
                    requirement("kubernetes.io/arch", "In", *settings.kubernetes_architectures),
                    requirement("kubernetes.io/os", "In", "linux"),
                    requirement("karpenter.sh/capacity-type", "In", *settings.capacity_types),
                    requirement(*MIN_CPU_REQUIREMENT[:2], MIN_CPU_REQUIREMENT[2]),
                    requirement(*MIN_MEMORY_REQUIREMENT[:2], MIN_MEMORY_REQUIREMENT[2]),
                    # Current general-purpose, compute and memory families (no burstable t-types).
                    requirement("karpenter.k8s.aws/instance-category", "In", "c", "m", "r"),
                    requirement("karpenter.k8s.aws/instance-generation", "Gt", "5"),
                ],
                # Nodes are replaced at least monthly, so they pick up patched AMIs.
                "expireAfter": "720h",
            }
        },
        "limits": {"cpu": str(settings.cpu_limit)},
        "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m", "budgets": [DISRUPTION_BUDGET]},
    }
