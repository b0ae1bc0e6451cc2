"""The ALB: internal behind a CloudFront VPC origin, TLS 1.2 AEAD-only to CloudFront, HSTS, protected logs,
blue/green target groups and the traffic split."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pulumi
import pytest
from component_build import Built, build
from google.protobuf import json_format  # type: ignore[import-untyped]
from owned_stacks import app_settings, settings
from run_lookup import one, region_of

from components.load_balancer import (
    TARGET_GROUP_OWNER_TAG,
    VPC_ORIGIN_ENDPOINT,
    LoadBalancer,
    LoadBalancerArgs,
    target_group_arn_pattern,
    vpc_origin_name,
)
from components.traffic_split import TrafficSplit, TrafficSplitArgs
from config.app import APP_PORT
from config.basics import Basics, Tags
from config.edge import COLOUR_HEADER, parse_edge
from config.reader import Section
from preflight.recorder import RecordingMonitor
from preflight.runner import Run

BASICS = Basics("production", "eu-west-1", "mail.shop.test", Tags("owner", "centre", {}))
LISTENER = "aws:lb/listener:Listener"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"


def test_alb_is_internal_in_every_private_subnet_with_protection_and_header_hygiene(each_stack: Run) -> None:
    (alb,) = each_stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    private = {s.id for s in each_stack.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    assert set(alb.inputs["subnets"]) == private and len(private) >= 2
    assert alb.inputs["internal"] is True
    assert alb.inputs["enableDeletionProtection"] is True
    assert alb.inputs["dropInvalidHeaderFields"] is True
    assert alb.inputs["desyncMitigationMode"] == "strictest"


def test_the_alb_spans_every_zone_of_the_stack(each_stack: Run) -> None:
    (alb,) = each_stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert len(alb.inputs["subnets"]) == len(settings(each_stack.stack).network.availability_zones)


def test_https_listener_takes_what_cloudfront_speaks_with_hsts_and_the_origin_certificate(each_stack: Run) -> None:
    https = one(each_stack, LISTENER, "lb-https")
    assert (https.inputs["port"], https.inputs["protocol"]) == (443, "HTTPS")
    edge = settings(each_stack.stack).edge
    assert https.inputs["sslPolicy"] == edge.ssl_policy
    validation = one(each_stack, "aws:acm/certificateValidation:CertificateValidation", "certificates-alb")
    assert https.inputs["certificateArn"] == validation.outputs["certificateArn"]
    # CloudFront checks the origin's certificate against the origin domain name it connects under.
    certificate = one(each_stack, "aws:acm/certificate:Certificate", "certificates-alb")
    (distribution,) = each_stack.of_type("aws:cloudfront/distribution:Distribution")
    (api,) = [o for o in distribution.inputs["origins"] if o["originId"] == "api"]
    assert [certificate.inputs["domainName"], *certificate.inputs.get("subjectAlternativeNames", [])] == [api["domainName"]]
    hsts = https.inputs["routingHttpResponseStrictTransportSecurityHeaderValue"]
    assert hsts == f"max-age={edge.hsts_max_age_seconds}; includeSubDomains; preload"
    (action,) = https.inputs["defaultActions"]
    assert action["type"] == "fixed-response" and action["fixedResponse"]["statusCode"] == "404"


def test_there_is_no_plain_http_listener(each_stack: Run) -> None:
    # CloudFront redirects viewers; the internal load balancer listens on 443 only.
    assert [listener.inputs["port"] for listener in each_stack.of_type(LISTENER)] == [443]


def test_blue_and_green_target_groups_speak_https_to_pod_ips_with_health_checks(each_stack: Run) -> None:
    groups = {g.name: g for g in each_stack.of_type(TARGET_GROUP)}
    assert set(groups) == {"lb-blue", "lb-green"}
    stack = settings(each_stack.stack)
    for group in groups.values():
        assert (group.inputs["targetType"], group.inputs["protocol"], group.inputs["port"]) == ("ip", "HTTPS", APP_PORT)
        check = group.inputs["healthCheck"]
        assert (check["protocol"], check["path"], check["matcher"], check["enabled"]) == (
            "HTTPS", stack.app.health_check_endpoint, "200", True,
        )  # fmt: skip
        assert group.inputs["deregistrationDelay"] == stack.edge.target_group.deregistration_delay_seconds
        assert group.inputs["slowStart"] == stack.edge.target_group.slow_start_seconds


def test_the_app_traffic_goes_through_one_weighted_rule(each_stack: Run) -> None:
    (rule,) = [r for r in each_stack.of_type("aws:lb/listenerRule:ListenerRule") if r.name == "traffic-rule"]
    https = one(each_stack, LISTENER, "lb-https")
    assert rule.inputs["listenerArn"] == https.outputs["arn"]
    assert rule.inputs["priority"] == 100
    (condition,) = rule.inputs["conditions"]
    origin = settings(each_stack.stack).edge.origin_host
    assert condition["hostHeader"]["values"] == [origin], "the Host CloudFront sends: the origin domain name"
    (action,) = rule.inputs["actions"]
    arns = {g.name.removeprefix("lb-"): g.outputs["arn"] for g in each_stack.of_type(TARGET_GROUP)}
    weights = {t["arn"]: t["weight"] for t in action["forward"]["targetGroups"]}
    assert weights == {arns[colour]: weight for colour, weight in app_settings(each_stack.stack).weights.items()}
    assert action["forward"]["stickiness"]["enabled"] is False


def test_security_group_admits_only_cloudfronts_vpc_origin_and_sends_only_to_the_pods(each_stack: Run) -> None:
    (group,) = [g for g in each_stack.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "lb-sg"]
    ingress = [
        r
        for r in each_stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs["securityGroupId"] == group.id
    ]
    (rule,) = ingress
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs.get("cidrIpv4")) == (443, 443, None)
    # The group CloudFront creates for its VPC-origin ENIs, looked up by name in this VPC.
    assert rule.inputs["referencedSecurityGroupId"].startswith("sg-")
    assert not [
        r
        for r in each_stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs.get("cidrIpv4") == "0.0.0.0/0"
    ]
    (egress,) = [r for r in each_stack.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") if r.name.startswith("lb-")]
    (cluster,) = each_stack.of_type("aws:eks/cluster:Cluster")
    cluster_sg = cluster.outputs["vpcConfig"]["clusterSecurityGroupId"]
    assert (egress.inputs["fromPort"], egress.inputs["toPort"], egress.inputs["referencedSecurityGroupId"]) == (
        APP_PORT,
        APP_PORT,
        cluster_sg,
    )
    back = one(each_stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "lb-pods-from-alb")
    assert (back.inputs["securityGroupId"], back.inputs["referencedSecurityGroupId"]) == (cluster_sg, group.id)


def _companion(run: Run, type_token: str, name: str) -> dict[str, Any]:
    return dict(one(run, type_token, name).inputs)


def test_access_logs_go_to_a_protected_sse_s3_bucket_only_elb_writes(each_stack: Run) -> None:
    (alb,) = each_stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    bucket = one(each_stack, "aws:s3/bucket:Bucket", "lb-logs")
    assert bucket.protect is True
    assert alb.inputs["accessLogs"] == {"bucket": bucket.outputs["bucket"], "prefix": "alb", "enabled": True}
    sse = _companion(each_stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lb-logs")
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"  # ALB logs refuse SSE-KMS
    pab = _companion(each_stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "lb-logs")
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = _companion(each_stack, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "lb-logs")
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    assert _companion(each_stack, "aws:s3/bucketVersioning:BucketVersioning", "lb-logs")["versioningConfiguration"]["status"] == "Enabled"
    lifecycle = _companion(each_stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lb-logs")
    assert lifecycle["rules"][0]["expiration"]["days"] == settings(each_stack.stack).edge.access_logs.retention_days
    policy = json.loads(_companion(each_stack, "aws:s3/bucketPolicy:BucketPolicy", "lb-logs")["policy"])
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert {s["Action"] for s in allows} == {"s3:PutObject"}  # ELB may only write its logs
    assert all(s["Resource"] == f"{bucket.outputs['arn']}/alb/AWSLogs/*" for s in allows)
    assert any(s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false" for s in policy["Statement"])


def test_the_web_acl_has_cloudfront_scope_and_guards_the_distribution(each_stack: Run) -> None:
    (acl,) = each_stack.of_type("aws:wafv2/webAcl:WebAcl")
    assert acl.inputs["scope"] == "CLOUDFRONT"
    assert region_of(each_stack, acl) == "us-east-1", "a CLOUDFRONT-scope ACL lives in us-east-1"
    groups = {
        r["statement"]["managedRuleGroupStatement"]["name"] for r in acl.inputs["rules"] if "managedRuleGroupStatement" in r["statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"} <= groups
    rate = next(r for r in acl.inputs["rules"] if "rateBasedStatement" in r["statement"])
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP" and "block" in rate["action"]
    (distribution,) = each_stack.of_type("aws:cloudfront/distribution:Distribution")
    assert distribution.inputs["webAclId"] == acl.outputs["arn"]
    assert each_stack.of_type("aws:wafv2/webAclAssociation:WebAclAssociation") == []


def test_the_origin_name_is_an_alias_of_the_internal_alb_and_the_domain_of_cloudfront(each_stack: Run) -> None:
    record = one(each_stack, "aws:route53/record:Record", "lb-origin-alias")
    (alb,) = each_stack.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert record.inputs["name"].startswith("origin.")
    assert record.inputs["aliases"] == [{"name": alb.outputs["dnsName"], "zoneId": alb.outputs["zoneId"], "evaluateTargetHealth": True}]
    (distribution,) = each_stack.of_type("aws:cloudfront/distribution:Distribution")
    apex = [r for r in each_stack.of_type("aws:route53/record:Record") if r.name.startswith("cdn-api-alias-")]
    assert sorted(r.inputs["type"] for r in apex) == ["A", "AAAA"]
    assert all(r.inputs["aliases"][0]["name"] == distribution.outputs["domainName"] for r in apex)


@pytest.mark.parametrize(
    ("weights", "message"),
    [({"blue": 100}, "exactly the keys blue, green"), ({"blue": 1000, "green": 0}, "0-999"), ({"blue": 0, "green": 0}, "above 0")],
)
def test_traffic_split_refuses_bad_weights(weights: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrafficSplitArgs("arn:listener", {"blue": "arn:b", "green": "arn:g"}, weights)


@pulumi.runtime.test
def test_traffic_waits_for_the_colours_to_be_ready(pulumi_mocks: RecordingMonitor) -> Any:
    seen: dict[str, list[str]] = {}
    register = pulumi_mocks.RegisterResource

    def capture(request: Any) -> Any:
        seen[request.name] = list(request.dependencies)
        return register(request)

    pulumi_mocks.RegisterResource = capture  # type: ignore[method-assign]
    rollout = pulumi.CustomResource("test:index:Rollout", "green-rollout", {})
    split = TrafficSplit(
        "split",
        TrafficSplitArgs("arn:listener", {"blue": "arn:b", "green": "arn:g"}, {"blue": 90, "green": 10}, ready=[rollout]),
    )

    def check(values: list[Any]) -> None:
        rollout_urn, _ = values
        assert rollout_urn in seen["split-rule"], "the rule is created only after the rollout completes"
        rule = next(r for r in pulumi_mocks.recorded if r.name == "split-rule")
        assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/*"]}}]

    return pulumi.Output.all(rollout.urn, split.rule.arn).apply(check)


def test_each_target_group_is_on_the_listener_once_its_binding_exists_and_before_its_pods(each_stack: Run) -> None:
    """The ALB health-checks only targets of a target group a listener rule forwards to (a group no rule
    uses reports its targets unused, so readiness gates would never pass): each colour's header rule
    waits for the colour's binding (no traffic to a group before its targets are registered), and the
    colour's Deployment waits for the rule (its pods are health-checked from the start). The binding
    waits for neither, so there is no cycle."""
    groups = {tg.name.rsplit("-", 1)[1]: tg for tg in each_stack.of_type(TARGET_GROUP)}
    rules = [r for r in each_stack.of_type("aws:lb/listenerRule:ListenerRule") if r.name.endswith("-by-header")]
    bindings = {b.inputs["spec"]["targetGroupARN"]: b for b in each_stack.of_type(BINDING)}
    deployments = {d.inputs["metadata"]["name"]: d for d in each_stack.of_type("kubernetes:apps/v1:Deployment")}
    assert len(rules) == len(groups) == 2
    for rule in rules:
        colour = rule.name.split("-")[-3]
        (header,) = [c["httpHeader"] for c in rule.inputs["conditions"] if "httpHeader" in c]
        assert header == {"httpHeaderName": COLOUR_HEADER, "values": [colour]}
        group_arn = rule.inputs["actions"][0]["targetGroupArn"]
        assert group_arn == groups[colour].outputs["arn"]
        binding = bindings[group_arn]
        assert _depends_on(each_stack, rule, binding.urn), "the rule would send to a group with no targets registered"
        assert not _depends_on(each_stack, binding, rule.urn)
        deployment = deployments[binding.inputs["spec"]["serviceRef"]["name"]]
        assert _depends_on(each_stack, deployment, rule.urn), f"{deployment.name}'s pods would start unchecked by the ALB"
        assert not _depends_on(each_stack, rule, deployment.urn)
        assert rule.inputs["priority"] < 100  # ahead of the weighted rule


def test_alb_log_delivery_is_admitted_as_the_account_the_program_looked_up_and_the_service(pulumi_mocks: RecordingMonitor) -> None:
    """Regions launched before August 2022 deliver ALB logs as the region's ELB account, later ones as the
    log-delivery service: the bucket policy admits the account the provider's lookup returns, and the service."""
    answers: list[dict[str, Any]] = []
    invoke = pulumi_mocks.Invoke

    def recording(request: Any) -> Any:
        response = invoke(request)
        if request.tok == "aws:elb/getServiceAccount:getServiceAccount":
            answers.append({"args": dict(request.args), "return": json_format.MessageToDict(response)["return"]})
        return response

    pulumi_mocks.Invoke = recording  # type: ignore[method-assign]
    built = _build_load_balancer(pulumi_mocks)
    (answer,) = answers
    assert "region" not in answer["args"], "the stack's own region: the provider's"
    policy = json.loads(built.one("aws:s3/bucketPolicy:BucketPolicy", "lb-logs").inputs["policy"])
    principals = [s["Principal"] for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert {"AWS": answer["return"]["arn"]} in principals
    assert {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"} in principals


def _build_load_balancer(monitor: RecordingMonitor) -> Built:
    edge = parse_edge(Section("email-platform:edge", {"hostedZone": "shop.test", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}), BASICS)

    def program() -> None:
        LoadBalancer(
            "lb",
            LoadBalancerArgs(
                edge,
                vpc_id="vpc-0abc1234def567890",
                private_subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
                node_security_group_id="sg-0123456789abcdef0",
                certificate_arn="arn:aws:acm:eu-west-1:210987654321:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                hosted_zone_id="Z0123456789ABCDEFGHIJ",
                health_check_path="/ready",
            ),
        )

    return build(monitor, program)


def _depends_on(run: Run, resource: Any, target_urn: str) -> bool:
    """Whether `resource` waits for `target_urn`, through the dependency edges the engine sees (transitively)."""
    by_urn = {r.urn: r for r in run.resources}
    seen, todo = set(), list(resource.dependencies)
    while todo:
        urn = todo.pop()
        if urn == target_urn:
            return True
        if urn not in seen and urn in by_urn:
            seen.add(urn)
            todo += by_urn[urn].dependencies + ([by_urn[urn].parent] if by_urn[urn].parent else [])
    return False


def test_the_cloudfront_ingress_waits_for_the_distribution(each_stack: Run) -> None:
    """The VPC-origin group may exist only once the distribution is deployed (CDK's VPC-origin
    sample orders its lookup after the distribution). The rule's group id is the lookup's output,
    and an invoke's output carries the resources the invoke waited for: so the rule depending on
    the distribution is the lookup having run after it."""
    (group,) = [g for g in each_stack.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "lb-sg"]
    (rule,) = [
        r
        for r in each_stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs["securityGroupId"] == group.id
    ]
    (distribution,) = each_stack.of_type("aws:cloudfront/distribution:Distribution")
    (origin,) = each_stack.of_type("aws:cloudfront/vpcOrigin:VpcOrigin")
    assert _depends_on(each_stack, rule, distribution.urn)
    assert _depends_on(each_stack, distribution, origin.urn), "the distribution itself waits for its VPC origin"


def test_the_vpc_origin_is_replaced_new_one_first_never_updated(each_stack: Run) -> None:
    (origin,) = each_stack.of_type("aws:cloudfront/vpcOrigin:VpcOrigin")
    assert origin.replace_on_changes == [VPC_ORIGIN_ENDPOINT] == ["vpcOriginEndpointConfig"]
    assert origin.delete_before_replace is False, "create the new origin, move the distribution, then delete the old one"
    config = dict(origin.inputs["vpcOriginEndpointConfig"])
    name = config.pop("name")
    endpoint = {
        "arn": config["arn"],
        "http_port": config["httpPort"],
        "https_port": config["httpsPort"],
        "origin_protocol_policy": config["originProtocolPolicy"],
        "origin_ssl_protocols": config["originSslProtocols"]["items"],
    }
    assert name == vpc_origin_name(settings(each_stack.stack).edge.origin_host, endpoint), (
        "the name is a digest of the settings it was made with"
    )


def test_vpc_origin_names_change_with_every_endpoint_setting_and_fit_cloudfront() -> None:
    base = {"arn": "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/app/x/1", "http_port": 80, "https_port": 443}
    host = "origin." + "very-long-label." * 6 + "example.org"
    name = vpc_origin_name(host, base)
    assert len(name) <= 64 and name == vpc_origin_name(host, dict(reversed(base.items())))
    for key, other in (("arn", base["arn"].replace("/1", "/2")), ("http_port", 8080), ("https_port", 8443)):
        assert vpc_origin_name(host, {**base, key: other}) != name, f"a new {key} must give a name that can coexist with the old"


def test_the_lb_controller_may_deregister_from_a_replaced_target_group(each_stack: Run) -> None:
    """A replaced target group's old binding is deleted at the end of the update, after the controller's
    policy has moved to the new group: the policy names each colour's groups by a pattern on the name
    Pulumi gives them, which a replacement keeps (only the random suffix and the id change)."""
    (policy,) = [p for p in each_stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "app-lb-controller-targets"]
    (register,) = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Sid"] == "RegisterPods"]
    patterns = register["Resource"]
    groups = each_stack.of_type(TARGET_GROUP)
    assert len(patterns) == len(groups)
    for group in groups:
        arn = group.outputs["arn"]
        prefix, _, rest = arn.partition(":targetgroup/")
        name, _, _ = rest.partition("/")
        replaced = f"{prefix}:targetgroup/{group.name}-ffffff0/0123456789abcdef"
        assert [p for p in patterns if fnmatchcase(arn, p)] == [p for p in patterns if fnmatchcase(replaced, p)]
        assert len([p for p in patterns if fnmatchcase(arn, p)]) == 1, f"{name} is named by one pattern"
    for binding in each_stack.of_type(BINDING):
        assert any(fnmatchcase(binding.inputs["spec"]["targetGroupARN"], p) for p in patterns)


def test_a_target_group_pattern_keeps_the_partition_region_and_account_and_the_logical_name() -> None:
    arn = "arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/edge-blue-1a2b3c4/50dc6c495c0c9188"
    pattern = target_group_arn_pattern(arn, "edge-blue")
    assert pattern == "arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/edge-blue-*/*"
    assert fnmatchcase(arn, pattern)
    assert fnmatchcase(arn.replace("1a2b3c4/50dc6c495c0c9188", "9f8e7d6/0000000000000001"), pattern)
    assert not fnmatchcase(arn.replace("edge-blue", "edge-green"), pattern)
    assert not fnmatchcase(arn.replace("210987654321", "123456789012"), pattern)


def test_the_lb_controller_may_register_targets_only_in_groups_that_carry_this_stacks_domain(each_stack: Run) -> None:
    """Every stack names its groups `lb-<colour>-*`, so the patterns above also match another stack's groups
    in the same account and region: the grant holds only where the group carries this stack's own tag."""
    domain = each_stack.stack_file.config["email-platform:domain"]
    (policy,) = [p for p in each_stack.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "app-lb-controller-targets"]
    (register,) = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Sid"] == "RegisterPods"]
    condition = register["Condition"]["StringEquals"]
    assert condition == {f"aws:ResourceTag/{TARGET_GROUP_OWNER_TAG}": domain}
    for group in each_stack.of_type(TARGET_GROUP):
        assert group.inputs["tags"][TARGET_GROUP_OWNER_TAG] == domain, group.name

    def granted(tags: dict[str, str]) -> bool:
        return all(tags.get(key.removeprefix("aws:ResourceTag/")) == value for key, value in condition.items())

    assert granted({TARGET_GROUP_OWNER_TAG: domain})
    assert not granted({TARGET_GROUP_OWNER_TAG: f"staging.{domain}"}) and not granted({})
