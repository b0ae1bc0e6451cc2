"""The cost range: floor (autoscaling at minimum) <= expected <= ceiling (at its limits), by hand."""

from __future__ import annotations

from typing import Any

from pricing import price_resources
from pricing.scaling import peak_nodes

PREFIX = "urn:pulumi:production::email-platform::"


def rec(type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"{PREFIX}{type_token}::{name}", "type": type_token, "name": name, "inputs": inputs}


def nodes(minimum: int, desired: int, maximum: int) -> dict[str, Any]:
    scaling = {"minSize": minimum, "desiredSize": desired, "maxSize": maximum}
    return rec("aws:eks/nodeGroup:NodeGroup", "nodes", {"instanceTypes": ["m7g.xlarge"], "scalingConfig": scaling})


def aurora(readers: int, minimum: int, maximum: int) -> list[dict[str, Any]]:
    instances = [
        rec("aws:rds/clusterInstance:ClusterInstance", f"db-{i}", {"instanceClass": "db.r7g.large", "clusterIdentifier": "db"})
        for i in range(1 + readers)
    ]
    target = {"serviceNamespace": "rds", "resourceId": "cluster:db", "minCapacity": minimum, "maxCapacity": maximum}
    return [*instances, rec("aws:appautoscaling/target:Target", "readers", target)]


def node_months(count: int) -> float:
    """m7g.xlarge hours plus its 20 GiB gp2 root volume (the node group's default), rounded per line."""
    return round(count * 0.1632 * 730, 2) + round(count * 20 * 0.10, 2)


READER = 0.276 * 730  # db.r7g.large


def test_node_group_range_is_min_and_max_size() -> None:
    report = price_resources([nodes(2, 3, 6)], "us-east-1")
    assert report["floor"] == node_months(2) and report["monthly"] == node_months(3)
    assert report["ceiling"] == node_months(6)


def test_aurora_readers_range_from_min_to_max_capacity_never_below_the_declared() -> None:
    report = price_resources(aurora(readers=1, minimum=1, maximum=4), "us-east-1")
    assert report["floor"] == report["monthly"] == round(2 * READER, 2)
    assert report["ceiling"] == round(5 * READER, 2)  # the writer and four readers


def test_readers_auto_scaling_adds_up_to_its_minimum_are_expected_too() -> None:
    report = price_resources(aurora(readers=0, minimum=2, maximum=3), "us-east-1")
    assert report["floor"] == report["monthly"] == round(3 * READER, 2) < report["ceiling"]


def test_hpa_max_times_pod_requests_gives_the_peak_nodes() -> None:
    deployment = rec(
        "kubernetes:apps/v1:Deployment",
        "app",
        {
            "metadata": {"name": "app"},
            "spec": {"template": {"spec": {"containers": [{"resources": {"requests": {"cpu": "1500m", "memory": "2Gi"}}}]}}},
        },
    )
    hpa = rec("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "app", {"spec": {"maxReplicas": 10, "scaleTargetRef": {"name": "app"}}})
    # 10 x 1.5 vCPU = 15 vCPU over 4 x 0.9 = 3.6 per node -> 5 nodes (memory: 20 GiB over 14.4 -> 2)
    assert peak_nodes([nodes(2, 2, 9), deployment, hpa]) == (5, "m7g.xlarge")
