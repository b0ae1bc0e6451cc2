"""The resource type tokens the actors and ordering tables look at (pulumi-aws, pulumi-kubernetes).

Tokens the other policies look at too (the access entry, the kinds with a pod template …) live in
`policy/resource_types.py`, once.
"""

from __future__ import annotations

ROLE = ("aws:iam/role:Role",)
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ADDON = "aws:eks/addon:Addon"
EKS = "aws:eks/cluster:Cluster"
TOPIC = ("aws:sns/topic:Topic",)
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
KEY = ("aws:kms/key:Key",)
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
QUEUE = ("aws:sqs/queue:Queue",)
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
BUCKET = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOG_GROUP = ("aws:cloudwatch/logGroup:LogGroup",)
LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
CHARTS = ("kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart")

# EKS access policies, by name.
CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
# Access policies that let a principal read every object the stack declares, Secrets included.
READS_EVERYTHING = frozenset({"AmazonEKSAdminViewPolicy", "AmazonEKSClusterAdminPolicy"})
READS_ALL_BUT_SECRETS = frozenset({"AmazonEKSViewPolicy"})
