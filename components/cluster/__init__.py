"""The Kubernetes cluster (see `component` for what the rest of the stack gets from it).

- `component`: the Cluster: EKS, access entries, the system node group, the Kubernetes provider
- `addons`: EKS managed add-ons at the versions EKS publishes for the cluster's Kubernetes version
- `karpenter`: node autoscaling above the node group (controller, queue, node role, NodePool)
- `karpenter_policy`: the Karpenter controller's IAM policy and interruption events
"""

from components.cluster.component import Cluster, ClusterArgs

__all__ = ["Cluster", "ClusterArgs"]
