"""The TLS table (config/tls_hops.py) against the recorded plan: every hop's two ends share a protocol version."""

from __future__ import annotations

import botocore.session
import pytest
from run_lookup import one

from config.reader import ConfigError
from config.tls_hops import (
    CLOUDFRONT_TO_ORIGIN_VERSIONS,
    SSL_PROTOCOL_VERSIONS,
    VIEWER_POLICY_VERSIONS,
    hops,
    origin_policy_problem,
)
from preflight.runner import Run


def _configured_hops(run: Run) -> list:
    listener = one(run, "aws:lb/listener:Listener", "lb-https")
    distribution = one(run, "aws:cloudfront/distribution:Distribution", "cdn-distribution")
    origin = one(run, "aws:cloudfront/vpcOrigin:VpcOrigin", "lb-vpc-origin")
    protocols = tuple(origin.inputs["vpcOriginEndpointConfig"]["originSslProtocols"]["items"])
    return hops(
        listener_policy=listener.inputs["sslPolicy"],
        viewer_policy=distribution.inputs["viewerCertificate"]["minimumProtocolVersion"],
        origin_ssl_protocols=protocols,
    )


def test_every_hop_of_the_plan_shares_a_protocol_version(each_stack: Run) -> None:
    for hop in _configured_hops(each_stack):
        assert hop.shared, f"{hop.client} -> {hop.endpoint} under {hop.policy}: no common TLS version ({hop.source})"


def test_a_tls13_only_listener_behind_cloudfront_would_fail_the_table() -> None:
    (origin_hop,) = [
        h for h in hops(listener_policy="ELBSecurityPolicy-TLS13-1-3-2021-06", viewer_policy="TLSv1.3_2025") if h.endpoint == "internal ALB"
    ]
    assert not origin_hop.shared
    assert origin_policy_problem("ELBSecurityPolicy-TLS13-1-3-2021-06") is not None
    assert origin_policy_problem("ELBSecurityPolicy-TLS13-1-2-2021-06") is not None, "not AEAD-only"
    assert origin_policy_problem("ELBSecurityPolicy-TLS13-1-2-Res-2021-06") is None


def test_a_viewer_policy_without_tls13_would_fail_the_canary_hop() -> None:
    (canary,) = [
        h for h in hops(listener_policy="ELBSecurityPolicy-TLS13-1-2-Res-2021-06", viewer_policy="TLSv1.2_2021") if h.client == "canary"
    ]
    assert canary.shared == {"1.3"}
    broken = canary.__class__(canary.client, canary.endpoint, canary.client_versions, frozenset({"1.2"}), "TLS 1.2 only", canary.source)
    assert not broken.shared


def test_cloudfront_origin_protocols_stop_at_tls12_in_botocore() -> None:
    values = botocore.session.get_session().get_service_model("cloudfront").shape_for("SslProtocol").enum
    assert max(SSL_PROTOCOL_VERSIONS[v] for v in values if v.startswith("TLS")) == max(CLOUDFRONT_TO_ORIGIN_VERSIONS) == "1.2"
    assert set(values) == set(SSL_PROTOCOL_VERSIONS)


def test_viewer_policies_exist_in_cloudfront() -> None:
    values = botocore.session.get_session().get_service_model("cloudfront").shape_for("MinimumProtocolVersion").enum
    assert set(VIEWER_POLICY_VERSIONS) <= set(values)


def test_the_config_refuses_a_listener_policy_cloudfront_cannot_reach() -> None:
    from config.basics import Basics, Tags
    from config.edge import parse_edge
    from config.reader import Section

    basics = Basics("staging", "us-east-1", "mail.example.com", Tags("team", "email-platform", {}))
    raw = {"hostedZone": "example.com", "sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}
    with pytest.raises(
        ConfigError, match=r"edge\.sslPolicy = 'ELBSecurityPolicy-TLS13-1-3-2021-06': CloudFront reaches origins over TLS 1\.2 only"
    ):
        parse_edge(Section("email-platform:edge", raw), basics)


def test_a_viewer_colour_header_never_reaches_the_load_balancer(each_stack: Run) -> None:
    policy = one(each_stack, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "cdn-api-requests")
    headers = policy.inputs["headersConfig"]
    assert headers["headerBehavior"] == "allExcept"
    assert "x-email-platform-colour" in {h.lower() for h in headers["headers"]["items"]}
    distribution = one(each_stack, "aws:cloudfront/distribution:Distribution", "cdn-distribution")
    api_behaviours = [b for b in distribution.inputs["orderedCacheBehaviors"] if b["targetOriginId"] == "api"]
    assert api_behaviours and all(b["originRequestPolicyId"] == policy.id for b in api_behaviours)
    assert distribution.inputs["defaultCacheBehavior"]["targetOriginId"] != "api"


def test_the_workflow_health_checks_speak_what_the_table_says() -> None:
    from pathlib import Path

    workflow = (Path(__file__).resolve().parent.parent / ".github" / "workflows" / "deploy.yml").read_text()
    checks = [line for line in workflow.splitlines() if "curl" in line and "$HEALTH_URL" in line]
    # One deploy job per stack (a matrix over the stack files): one health check, at TLS 1.3.
    assert len(checks) == 1 and all("--tlsv1.3" in line for line in checks)
