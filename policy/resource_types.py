"""The resource type tokens the policies look at (pulumi-aws and pulumi-kubernetes)."""

from __future__ import annotations

LB_LISTENER = frozenset({"aws:lb/listener:Listener", "aws:alb/listener:Listener"})
LOAD_BALANCER = frozenset({"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"})
DISTRIBUTION = frozenset({"aws:cloudfront/distribution:Distribution"})
VPC_ORIGIN = frozenset({"aws:cloudfront/vpcOrigin:VpcOrigin"})
RESPONSE_HEADERS = frozenset({"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"})
RDS_CLUSTER = frozenset({"aws:rds/cluster:Cluster"})
RDS_INSTANCE = frozenset({"aws:rds/clusterInstance:ClusterInstance"})
RDS_CLUSTER_PARAMS = frozenset({"aws:rds/clusterParameterGroup:ClusterParameterGroup"})
REPLICATION_GROUP = frozenset({"aws:elasticache/replicationGroup:ReplicationGroup"})
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
EKS_CLUSTER = frozenset({"aws:eks/cluster:Cluster"})
NODE_GROUP = frozenset({"aws:eks/nodeGroup:NodeGroup"})
LAUNCH_TEMPLATE = frozenset({"aws:ec2/launchTemplate:LaunchTemplate"})
KMS_KEY = frozenset({"aws:kms/key:Key"})
LOG_GROUP = frozenset({"aws:cloudwatch/logGroup:LogGroup"})
API_DESTINATION = frozenset({"aws:cloudwatch/eventApiDestination:EventApiDestination"})
EVENT_ARCHIVE = frozenset({"aws:cloudwatch/eventArchive:EventArchive"})
APPCONFIG_ENVIRONMENT = frozenset({"aws:appconfig/environment:Environment"})
DEPLOYMENT_STRATEGY = frozenset({"aws:appconfig/deploymentStrategy:DeploymentStrategy"})
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS_RULES = (SG_INGRESS_RULE, SG_RULE)
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
AWS_PROVIDER = "pulumi:providers:aws"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
# Kubernetes kinds that carry a pod template, and where it sits.
POD_SPEC_PATHS = {
    DEPLOYMENT: "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
    "kubernetes:core/v1:Pod": "spec",
}
WORKLOADS = frozenset(POD_SPEC_PATHS)
# Run-to-completion kinds do not need readiness/liveness probes.
LONG_RUNNING = WORKLOADS - {"kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"}
