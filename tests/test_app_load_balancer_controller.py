"""The app's colours bound to their target groups, and the load balancer controller that registers them, built alone
(`build_app` in app_build.py: what was registered, and each resource's dependencies)."""

from __future__ import annotations

import json

import botocore.session
import pytest
from app_build import CHART, DEPLOYMENT, TARGET_GROUPS, build_app, production_build
from component_build import Built

from components.app.lb_controller import CHART_REPOSITORY, CHART_VERSION, READ_ACTIONS, TARGET_ACTIONS
from preflight.recorder import RecordingMonitor


@pytest.fixture
def built(pulumi_mocks: RecordingMonitor) -> Built:
    """The production build, made once per test process (app_build.production_build): the tests only read it."""
    return production_build(pulumi_mocks)


def test_each_colour_is_bound_to_its_target_group_by_ip(built: Built) -> None:
    for colour, arn in TARGET_GROUPS.items():
        binding = built.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", f"app-{colour}-binding")
        service = built.one("kubernetes:core/v1:Service", f"app-{colour}")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        assert binding.inputs["spec"] == {
            "serviceRef": {"name": service.inputs["metadata"]["name"], "port": 3000},
            "targetGroupARN": arn,
            "targetType": "ip",
            "ipAddressType": "ipv4",
        }
        assert service.inputs["spec"]["selector"] == deployment.inputs["spec"]["template"]["metadata"]["labels"]
        assert service.inputs["spec"]["ports"][0]["targetPort"] == "https"
    selectors = [built.one("kubernetes:core/v1:Service", f"app-{c}").inputs["spec"]["selector"] for c in TARGET_GROUPS]
    assert selectors[0] != selectors[1]
    assert "ip" in botocore.session.get_session().get_service_model("elbv2").shape_for("TargetTypeEnum").enum


def test_pods_are_created_only_after_their_binding_and_the_controller(built: Built) -> None:
    """The webhook injects the readiness gate only into pods created while a binding selects them."""
    (release,) = built.of_type(CHART)
    for colour in TARGET_GROUPS:
        binding = built.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", f"app-{colour}-binding")
        deployment = built.one(DEPLOYMENT, f"app-{colour}")
        assert built.depends_on(binding, release)
        assert built.depends_on(deployment, binding)


def test_the_controller_is_a_pinned_chart_told_its_vpc_and_region(built: Built) -> None:
    (release,) = built.of_type(CHART)
    role = built.one("aws:iam/role:Role", "app-lb-controller-role")
    assert release.inputs["chart"] == "aws-load-balancer-controller"
    assert release.inputs["version"] == CHART_VERSION
    assert release.inputs["repositoryOpts"]["repo"] == CHART_REPOSITORY == "https://aws.github.io/eks-charts"
    values = release.inputs["values"]
    assert (values["clusterName"], values["region"], values["vpcId"]) == ("email-platform-production", "us-east-1", "vpc-0abc1234def567890")
    assert values["enableServiceMutatorWebhook"] is False
    association = built.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "app-lb-controller-role")
    assert association.inputs["roleArn"] == role.outputs["arn"]
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("kube-system", values["serviceAccount"]["name"])
    # CRDs are objects of the chart, so a version bump upgrades them.
    assert release.inputs.get("skipCrds") is False


def test_the_controller_may_register_targets_only_in_the_apps_target_groups(built: Built) -> None:
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Resource"] == sorted(TARGET_GROUPS.values())
    assert set(statements["RegisterPods"]["Action"]) == set(TARGET_ACTIONS)
    actions = [a for s in statements.values() for a in s["Action"]]
    assert not any(a.endswith("*") for a in actions)
    assert not any(verb in a for a in actions for verb in ("Create", "Delete", "Modify", "Authorize", "Revoke"))


def test_the_controller_may_register_targets_in_the_scope_it_is_given(pulumi_mocks: RecordingMonitor) -> None:
    scope = [arn.rsplit("/", 2)[0] + "/*" for arn in TARGET_GROUPS.values()]
    built = build_app(pulumi_mocks, target_group_scope=scope)
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Resource"] == sorted(scope)
    assert "Condition" not in statements["RegisterPods"]


def test_the_controllers_grant_holds_only_in_target_groups_that_carry_the_owner_tag(pulumi_mocks: RecordingMonitor) -> None:
    owner = {"email-platform:domain": "post.example.net"}
    built = build_app(pulumi_mocks, target_group_owner_tag=owner)
    (policy,) = built.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RegisterPods"]["Condition"] == {"StringEquals": {"aws:ResourceTag/email-platform:domain": "post.example.net"}}
    assert "Condition" not in statements["Discover"]


def test_every_controller_action_is_a_real_aws_api_operation() -> None:
    session = botocore.session.get_session()
    operations = {
        prefix: set(session.get_service_model(service).operation_names)
        for prefix, service in (("ec2", "ec2"), ("elasticloadbalancing", "elbv2"))
    }
    for action in (*READ_ACTIONS, *TARGET_ACTIONS):
        prefix, operation = action.split(":")
        assert operation in operations[prefix], action
