"""The version-1 plan document and the `preflight plan` command as users call them."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from config_stacks import edited, refused
from owned_stacks import stack_config, stack_file

from preflight.__main__ import main as preflight_main
from preflight.document import build_document
from preflight.runner import Run
from preflight.stack_files import load_stack_file, placeholder_value
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


def test_encrypted_stack_values_are_treated_as_secrets() -> None:
    """The test staging stack sets its app secrets encrypted (`secure: v1:…`): unreadable offline, so placeholders."""
    encrypted = [key for key, value in stack_config("staging").items() if isinstance(value, dict) and set(value) == {"secure"}]
    assert encrypted
    loaded = stack_file("staging")
    for key in encrypted:
        assert key in loaded.secret_keys
        assert "encrypted" in loaded.placeholders[key]
        assert loaded.config[key] == placeholder_value(key)


def _with(tmp_path: Path, stack: str, edit: Any) -> Path:
    """A copy of a test stack, `edit` applied to the whole document, written as Pulumi.<stack>.yaml under tmp_path."""
    document = {"config": stack_config(stack)}
    edit(document)
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _preflight(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def _preflight_here(*args: str) -> tuple[int, str, str]:
    """`python -m preflight …` in this process: its exit code and what it printed, without the interpreter's start-up."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = preflight_main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_a_stack_file_importing_a_pulumi_esc_environment_plans_offline(tmp_path: Path) -> None:
    """ESC resolves only when the engine runs: what it would provide is a placeholder, listed like an unset secret
    (the program then runs as with any unset secret); an `environment` that names none is one line."""
    _with(tmp_path, "staging", lambda d: d.update(environment=["email-platform/staging"]))
    loaded = load_stack_file("staging", root=tmp_path)
    assert loaded.placeholders["email-platform:emailApiKey"].startswith("from Pulumi ESC (email-platform/staging)")
    assert loaded.config["email-platform:emailApiKey"] == placeholder_value("email-platform:emailApiKey")
    path = _with(tmp_path, "staging", lambda d: d.update(environment={"imports": 3}))
    code, out, err = _preflight_here("plan", "--stack", "staging", "--stack-file", str(path))
    assert code == 2 and err.count("\n") == 1 and out == ""
    assert "'environment' must list Pulumi ESC environment names" in err


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
    path = _with(tmp_path, "production", lambda d: edit(d["config"]))
    code, out, err = _preflight_here("plan", "--stack", "production", "--stack-file", str(path))
    assert code == 2
    assert err.count("\n") == 1, err
    assert key in err
    assert "Traceback" not in err + out


def test_the_process_exits_2_with_the_one_line_only(tmp_path: Path) -> None:
    """The same through the interpreter, as `make plan` runs it: exit 2, one line, no traceback."""
    (edit, key), *_ = BAD_STACK_FILES
    path = _with(tmp_path, "production", lambda d: edit(d["config"]))
    result = _preflight("plan", "--stack", "production", "--stack-file", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_stack_and_unreadable_yaml_exit_2(tmp_path: Path) -> None:
    code, _, err = _preflight_here("plan", "--stack", "prod")
    assert code == 2
    assert err == f"error: no stack file Pulumi.prod.yaml; stacks here: {', '.join(discover()) or 'none'}\n"
    broken = tmp_path / "Pulumi.production.yaml"
    broken.write_text("config:\n  a: [\n")
    code, _, err = _preflight_here("plan", "--stack", "production", "--stack-file", str(broken))
    assert code == 2
    assert "not valid YAML" in err


def test_a_secret_nested_in_an_object_stays_secret(staging: Run) -> None:
    """`pulumi config set --secret --path monitoring.notifications.webhooks[0] …` encrypts one value (the test staging stack does)."""
    document = build_document(staging)
    assert document["config"]["email-platform:monitoring"] == "[secret]"
    assert "email-platform:monitoring.notifications.webhooks[0]" in staging.stack_file.placeholders
    text = json.dumps(document)
    assert not [value for value in staging.secret_values if value in text]
    subscriptions = [s for s in staging.of_type("aws:sns/topicSubscription:TopicSubscription") if s.inputs["protocol"] == "https"]
    assert subscriptions and all(s.inputs["endpoint"] == "[secret]" for s in subscriptions)  # one per region's topic


def test_errors_about_a_secret_key_do_not_echo_its_value(tmp_path: Path) -> None:
    def insecure_webhook(config: dict[str, Any]) -> None:
        config["email-platform:monitoring"]["notifications"]["webhooks"] = [{"secure": "v1:c2VjcmV0"}]
        config["email-platform:monitoring"]["notifications"]["emails"] = ["not-an-email"]

    message = refused(edited("production", insecure_webhook), tmp_path)
    assert "= [secret]:" in message
    assert "not-an-email" not in message
