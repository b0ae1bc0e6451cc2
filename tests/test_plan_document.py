"""The version-1 plan document and the `preflight plan` command as users call them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from config_stacks import edited, refused

from preflight.document import build_document
from preflight.runner import Run
from preflight.stack_files import placeholder_value
from preflight.stacks import discover

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def production_document(production: Run) -> dict[str, Any]:
    return build_document(production)


def test_document_header(production_document: dict[str, Any]) -> None:
    assert production_document["version"] == 1
    assert production_document["project"] == "email-platform"
    assert production_document["stack"] == "production"


def test_resources_carry_parent_protect_and_provider_from_their_registration(production_document: dict[str, Any]) -> None:
    by_urn = {r["urn"]: r for r in production_document["resources"]}
    vpc = next(r for r in production_document["resources"] if r["type"] == "aws:ec2/vpc:Vpc")
    assert vpc["urn"] == "urn:pulumi:production::email-platform::email:network:Network$aws:ec2/vpc:Vpc::network-vpc"
    assert by_urn[vpc["parent"]]["type"] == "email:network:Network"
    assert vpc["protect"] is False
    assert vpc["provider"].startswith("urn:pulumi:production::email-platform::pulumi:providers:aws::aws::")
    node_group = next(r for r in production_document["resources"] if r["type"] == "aws:eks/nodeGroup:NodeGroup")
    assert by_urn[node_group["parent"]]["type"] == "email:cluster:Cluster"
    for resource in production_document["resources"]:
        assert set(resource) >= {"urn", "type", "name", "parent", "custom", "protect", "provider", "inputs"}


def test_no_plaintext_secret_anywhere_in_the_document(production: Run, production_document: dict[str, Any]) -> None:
    text = json.dumps(production_document)
    for key in production.stack_file.secret_keys:
        assert placeholder_value(key) not in text
        assert production_document["config"][key] == "[secret]"
    assert production_document["outputs"]["kubeconfig"] == "[secret]"
    assert "get-token" not in text  # the kubeconfig body stays secret too
    # What the secrets the program builds look like: the URLs, the internal key, the passwords.
    for shape in ("postgresql://", "rediss://", "PRIVATE KEY"):
        assert shape not in text
    # And every secret value the program handled, by its plaintext: config secrets, generated
    # passwords and tokens, private keys, the URLs built from them.
    assert len(production.secret_values) > 10
    leaked = [value[:12] + "…" for value in production.secret_values if value in text]
    assert leaked == []
    assert production_document["outputs"]["databaseUrl"] == "[secret]"
    assert production_document["outputs"]["redisUrl"] == "[secret]"


def test_secrets_still_to_set_are_listed(production_document: dict[str, Any]) -> None:
    assert "email-platform:emailApiKey" in production_document["secretsToSet"]


def test_encrypted_stack_values_are_treated_as_secrets(tmp_path: Path) -> None:
    from preflight.stack_files import load_stack_file

    config = yaml.safe_load((ROOT / "Pulumi.staging.yaml").read_text())
    config["config"]["email-platform:emailApiKey"] = {"secure": "v1:abc=="}
    (tmp_path / "Pulumi.staging.yaml").write_text(yaml.safe_dump(config))
    stack_file = load_stack_file("staging", root=tmp_path)
    assert "email-platform:emailApiKey" in stack_file.secret_keys
    assert "encrypted" in stack_file.placeholders["email-platform:emailApiKey"]


def test_a_stack_file_importing_a_pulumi_esc_environment_plans_offline(tmp_path: Path) -> None:
    """ESC resolves only when the engine runs: what it would provide is a placeholder, listed like an unset secret."""
    config = yaml.safe_load((ROOT / "Pulumi.staging.yaml").read_text())
    config["environment"] = ["email-platform/staging"]
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text(yaml.safe_dump(config))
    result = _preflight("plan", "--stack", "staging", "--stack-file", str(stack_file))
    assert result.returncode == 0, result.stderr
    assert "email-platform:emailApiKey: from Pulumi ESC (email-platform/staging)" in result.stdout
    config["environment"] = {"imports": 3}
    stack_file.write_text(yaml.safe_dump(config))
    result = _preflight("plan", "--stack", "staging", "--stack-file", str(stack_file))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "'environment' must list Pulumi ESC environment names" in result.stderr


def _preflight(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_make_plan_json_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    result = _preflight("plan", "--stack", "production", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "preflight-placeholder" not in result.stdout + result.stderr
    assert "network (component email:network:Network)" in result.stdout
    assert "Secrets still to set:" in result.stdout
    document = json.loads(out.read_text())
    types = {r["type"] for r in document["resources"]}
    assert {"aws:ec2/vpc:Vpc", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"} <= types


BAD_STACK_FILES = [
    # (edit of the production config, what the one line must name)
    (lambda c: c["email-platform:cluster"]["nodeGroup"].update(instanceTypes=["t3.large"]), "cluster.nodeGroup.instanceTypes[0]"),
    (lambda c: c["email-platform:network"].update(natGateway="single"), "email-platform:network.natGateway"),
    (lambda c: c["email-platform:network"].update(cidr="10.300.0.0/16"), "email-platform:network.cidr"),
    (lambda c: c["email-platform:network"].update(availabilityZones=[]), "email-platform:network.availabilityZones"),
    (lambda c: c["email-platform:integrations"]["featureFlags"]["strategy"].update(growthFactor=150), "strategy.growthFactor"),
    (
        lambda c: c["email-platform:integrations"]["featureFlags"]["strategy"].update(finalBakeTimeMinutes=0),
        "strategy.finalBakeTimeMinutes",
    ),
    (lambda c: c["email-platform:backup"].pop("copyRegion"), "email-platform:backup.copyRegion"),
]


@pytest.mark.parametrize(("edit", "key"), BAD_STACK_FILES)
def test_a_bad_stack_file_exits_2_with_one_line_and_no_traceback(tmp_path: Path, edit: Any, key: str) -> None:
    config = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())
    edit(config["config"])
    stack_file = tmp_path / "Pulumi.production.yaml"
    stack_file.write_text(yaml.safe_dump(config))
    result = _preflight("plan", "--stack", "production", "--stack-file", str(stack_file))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_stack_and_unreadable_yaml_exit_2(tmp_path: Path) -> None:
    result = _preflight("plan", "--stack", "prod")
    assert result.returncode == 2
    assert f"no stack file Pulumi.prod.yaml; stacks here: {', '.join(discover())}\n" in result.stderr
    broken = tmp_path / "Pulumi.production.yaml"
    broken.write_text("config:\n  a: [\n")
    result = _preflight("plan", "--stack", "production", "--stack-file", str(broken))
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr


def test_a_secret_nested_in_an_object_stays_secret(run_stack_with: Any) -> None:
    """`pulumi config set --secret --path monitoring.notifications.webhooks[0] …` encrypts one value."""

    def secret_webhook(config: dict[str, Any]) -> None:
        config["email-platform:monitoring"]["notifications"]["webhooks"] = [{"secure": "v1:c2VjcmV0"}]

    run = run_stack_with("production", secret_webhook)
    document = build_document(run)
    assert document["config"]["email-platform:monitoring"] == "[secret]"
    assert "email-platform:monitoring.notifications.webhooks[0]" in run.stack_file.placeholders
    text = json.dumps(document)
    assert not [value for value in run.secret_values if value in text]
    subscriptions = [s for s in run.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["protocol"] == "https"]
    assert subscriptions and all(s.inputs["endpoint"] == "[secret]" for s in subscriptions)  # one per region's topic


def test_errors_about_a_secret_key_do_not_echo_its_value(tmp_path: Path) -> None:
    def insecure_webhook(config: dict[str, Any]) -> None:
        config["email-platform:monitoring"]["notifications"]["webhooks"] = [{"secure": "v1:c2VjcmV0"}]
        config["email-platform:monitoring"]["notifications"]["emails"] = ["not-an-email"]

    message = refused(edited("production", insecure_webhook), tmp_path)
    assert "= [secret]:" in message
    assert "not-an-email" not in message
