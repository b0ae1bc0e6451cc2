"""Cluster rows of the mapping table: EKS (the cluster, its node groups, add-ons and access), the ECR
repositories its workloads pull from, and IAM's roles and policies."""

from __future__ import annotations

from policy.aws_api.api_mapping import NAMED, PROVIDER_ONLY, ApiMapping

CLUSTER: dict[str, ApiMapping] = {
    # ── ECR ──
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ApiMapping(
        "ecr", "PutLifecyclePolicy", members={"policy": "lifecyclePolicyText", "repository": "repositoryName"}
    ),
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": ApiMapping("ecr", "PutRegistryScanningConfiguration"),
    "aws:ecr/repository:Repository": ApiMapping(
        "ecr",
        "CreateRepository",
        members={
            "name": "repositoryName",
            "encryptionConfigurations": "encryptionConfiguration",
            "forceDelete": "DeleteRepository:force",
        },
        supplied={"repositoryName": NAMED},
    ),
    # ── EKS ──
    "aws:eks/accessEntry:AccessEntry": ApiMapping("eks", "CreateAccessEntry"),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ApiMapping("eks", "AssociateAccessPolicy"),
    "aws:eks/addon:Addon": ApiMapping(
        "eks",
        "CreateAddon",
        members={"resolveConflictsOnCreate": "resolveConflicts", "resolveConflictsOnUpdate": "UpdateAddon:resolveConflicts"},
        not_api={"preserve": "the provider passes it to DeleteAddon as a query flag"},
    ),
    "aws:eks/cluster:Cluster": ApiMapping(
        "eks",
        "CreateCluster",
        members={"vpcConfig": "resourcesVpcConfig", "enabledClusterLogTypes": "logging.clusterLogging.types"},
        not_api={"defaultAddonsToRemoves": PROVIDER_ONLY, "forceUpdateVersion": PROVIDER_ONLY},
        supplied={"name": NAMED},
    ),
    "aws:eks/nodeGroup:NodeGroup": ApiMapping(
        "eks",
        "CreateNodegroup",
        members={"nodeRoleArn": "nodeRole", "subnetIds": "subnets", "nodeGroupName": "nodegroupName"},
        not_api={"forceUpdateVersion": PROVIDER_ONLY},
        supplied={"nodegroupName": NAMED},
    ),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ApiMapping("eks", "CreatePodIdentityAssociation"),
    # ── IAM ──
    "aws:iam/policy:Policy": ApiMapping(
        "iam", "CreatePolicy", members={"name": "PolicyName", "policy": "PolicyDocument"}, supplied={"PolicyName": NAMED}
    ),
    "aws:iam/role:Role": ApiMapping(
        "iam",
        "CreateRole",
        members={"name": "RoleName", "assumeRolePolicy": "AssumeRolePolicyDocument"},
        not_api={"forceDetachPolicies": PROVIDER_ONLY},
        supplied={"RoleName": NAMED},
    ),
    "aws:iam/rolePolicy:RolePolicy": ApiMapping(
        "iam",
        "PutRolePolicy",
        members={"name": "PolicyName", "policy": "PolicyDocument", "role": "RoleName"},
        supplied={"PolicyName": NAMED},
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ApiMapping("iam", "AttachRolePolicy", members={"role": "RoleName"}),
}
