"""email-platform: read the typed stack config, compose the components, export the outputs.

Nothing else happens here: settings live in config/, resources in components/.
"""

import pulumi

from components.cluster import Cluster, ClusterArgs
from components.network import Network, NetworkArgs
from components.providers import tagged_aws_provider
from config import load_stack_config

stack = load_stack_config()  # raises ConfigError (one line, no traceback) before anything registers
basics = stack.basics

aws_provider = tagged_aws_provider("aws", basics.region, basics.default_tags)
aws_only = pulumi.ResourceOptions(providers={"aws": aws_provider})
# CloudFront's certificate and metrics live in us-east-1 whatever the stack's region.
aws_us_east_1 = tagged_aws_provider("aws-us-east-1", "us-east-1", basics.default_tags)

network = Network("network", NetworkArgs(stack.network, cluster_name=stack.cluster.name), opts=aws_only)
cluster = Cluster(
    "cluster",
    ClusterArgs(
        stack.cluster,
        region=basics.region,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        instance_tags=basics.default_tags,
        kubeconfig=stack.secrets.kubeconfig,
    ),
    opts=aws_only,
)

# ── data tier (issue 3) ──

# ── edge: certificates, load balancer, CDN (issue 4) ──

# ── app on Kubernetes (issue 5) ──

# ── operations: alarms, dashboard, budget (issue 8) ──

# ── outputs ──
pulumi.export("environment", basics.environment)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("clusterName", cluster.name)
pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
pulumi.export("kubeconfig", cluster.kubeconfig)
