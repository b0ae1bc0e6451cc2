"""Write the small test documents: one stack's resources as a plan, a preview and an export.

The three files describe the same resources, so that the pricer must give the same figures
for each. Run `.venv/bin/python tests/data/build_documents.py` after changing RESOURCES and
review the JSON it writes; the expected figures in the tests are computed by hand.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
STACK = "production"
P = f"urn:pulumi:{STACK}::email-platform::"
ROOT = f"{P}pulumi:pulumi:Stack::email-platform-{STACK}"
PROVIDER = f"{P}pulumi:providers:aws::aws"
PROVIDER_REF = f"{PROVIDER}::7b6e2f4a-provider-id"
SECRET_ENVELOPE = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}
USAGE = {
    "aws:ec2/natGateway:NatGateway": {"monthly_data_processed_gb": 500},
    "aws:rds/cluster:Cluster": {"storage_gb": 100, "monthly_io_requests": 50_000_000},
}


def component(kind: str, name: str) -> dict[str, Any]:
    return {"urn": f"{P}{kind}::{name}", "type": kind, "name": name, "parent": ROOT, "custom": False, "inputs": {}}


NETWORK = component("email:network:Network", "network")
CLUSTER = component("email:cluster:Cluster", "cluster")
DATABASE = component("email:data:Database", "db")


def child(parent: dict[str, Any], kind: str, name: str, inputs: dict[str, Any], *, protect: bool = False) -> dict[str, Any]:
    return {
        "urn": f"{P}{parent['type']}${kind}::{name}",
        "type": kind,
        "name": name,
        "parent": parent["urn"],
        "custom": True,
        "protect": protect,
        "provider": PROVIDER_REF,
        "inputs": inputs,
    }


RESOURCES: list[dict[str, Any]] = [
    {"urn": ROOT, "type": "pulumi:pulumi:Stack", "name": f"email-platform-{STACK}", "custom": False, "inputs": {}},
    {"urn": PROVIDER, "type": "pulumi:providers:aws", "name": "aws", "parent": ROOT, "custom": True, "inputs": {"region": "us-east-1"}},
    NETWORK,
    CLUSTER,
    DATABASE,
    child(NETWORK, "aws:ec2/vpc:Vpc", "network-vpc", {"cidrBlock": "10.40.0.0/16"}),
    child(NETWORK, "aws:ec2/eip:Eip", "network-nat-a-eip", {"domain": "vpc"}),
    child(NETWORK, "aws:ec2/natGateway:NatGateway", "network-nat-a", {"subnetId": "subnet-0a", "allocationId": "eipalloc-0a"}),
    child(CLUSTER, "aws:eks/cluster:Cluster", "cluster-eks", {"name": "email-platform", "version": "1.34"}),
    child(
        CLUSTER,
        "aws:ec2/launchTemplate:LaunchTemplate",
        "cluster-nodes-lt",
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 100, "volumeType": "gp3", "encrypted": "true"}}]},
    ),
    child(
        CLUSTER,
        "aws:eks/nodeGroup:NodeGroup",
        "cluster-nodes",
        {
            "clusterName": "email-platform",
            "instanceTypes": ["m6i.xlarge"],
            "capacityType": "ON_DEMAND",
            "scalingConfig": {"desiredSize": 3, "minSize": 3, "maxSize": 9},
            "launchTemplate": {"id": "lt-0123", "version": "1"},
        },
    ),
    child(
        DATABASE,
        "aws:rds/cluster:Cluster",
        "db-cluster",
        {
            "clusterIdentifier": "email-platform-db",
            "engine": "aurora-postgresql",
            "storageEncrypted": True,
            "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/one",
            "masterPassword": "[secret]",
        },
        protect=True,
    ),
    *[
        child(
            DATABASE,
            "aws:rds/clusterInstance:ClusterInstance",
            f"db-instance-{i}",
            {"clusterIdentifier": "email-platform-db", "engine": "aurora-postgresql", "instanceClass": "db.r6g.large"},
        )
        for i in (1, 2)
    ],
    child(
        DATABASE,
        "aws:appautoscaling/target:Target",
        "db-replicas",
        {"serviceNamespace": "rds", "resourceId": "cluster:email-platform-db", "maxCapacity": 5, "minCapacity": 1},
    ),
    child(DATABASE, "aws:kinesis/stream:Stream", "db-events", {"name": "db-events"}),
]


def _secret_envelopes(value: Any) -> Any:
    if value == "[secret]":
        return copy.deepcopy(SECRET_ENVELOPE)
    if isinstance(value, dict):
        return {k: _secret_envelopes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_secret_envelopes(v) for v in value]
    return value


def plan(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": 1,
        "project": "email-platform",
        "stack": STACK,
        "config": {"aws:region": "us-east-1", "email-platform:costUsage": USAGE, "email-platform:emailApiKey": "[secret]"},
        "resources": resources,
        "outputs": {},
        "violations": [],
    }


def preview(resources: list[dict[str, Any]]) -> dict[str, Any]:
    steps = []
    for r in resources:
        state = {k: v for k, v in r.items() if k != "name"}
        state["inputs"] = {**_secret_envelopes(r["inputs"]), "__defaults": []}
        state["outputs"] = {}
        steps.append({"op": "same" if r["custom"] else "create", "urn": r["urn"], "provider": r.get("provider", ""), "newState": state})
    gone = child(NETWORK, "aws:ec2/natGateway:NatGateway", "network-nat-old", {"subnetId": "subnet-0z"})
    steps.append({"op": "delete", "urn": gone["urn"], "oldState": {k: v for k, v in gone.items() if k != "name"}})
    return {
        "config": {"aws:region": "us-east-1", "email-platform:costUsage": json.dumps(USAGE)},
        "steps": steps,
        "changeSummary": {"same": len(resources), "delete": 1},
    }


def export(resources: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for r in resources:
        state = {k: v for k, v in r.items() if k not in ("name",)}
        state["inputs"] = _secret_envelopes(r["inputs"])
        state["outputs"] = {"id": f"{r['name']}-id"}
        out.append(state)
    return {"version": 3, "deployment": {"manifest": {"time": "2026-11-27T00:00:00Z"}, "resources": out}}


def head(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pull request: one more node, a second NAT, a new KMS key for the database, no queue."""
    changed = copy.deepcopy([r for r in resources if r["name"] != "db-events"])
    for r in changed:
        if r["name"] == "cluster-nodes":
            r["inputs"]["scalingConfig"]["desiredSize"] = 4
        if r["name"] == "db-cluster":
            r["inputs"]["kmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/two"
    changed.append(child(NETWORK, "aws:ec2/eip:Eip", "network-nat-b-eip", {"domain": "vpc"}))
    changed.append(
        child(NETWORK, "aws:ec2/natGateway:NatGateway", "network-nat-b", {"subnetId": "subnet-0b", "allocationId": "eipalloc-0b"})
    )
    return changed


def write(name: str, data: dict[str, Any]) -> None:
    (HERE / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write("plan_production.json", plan(RESOURCES))
    write("preview_production.json", preview(RESOURCES))
    write("export_production.json", export(RESOURCES))
    write("plan_production_head.json", plan(head(RESOURCES)))
