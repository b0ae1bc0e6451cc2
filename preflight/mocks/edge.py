"""ACM, Route53, the load balancer, S3, CloudFront, WAF and pulumi-tls, as the providers answer.

What the program reads is here: `domainValidationOptions` (the same record for `x` and `*.x`,
and for every certificate of the account, as ACM does), record FQDNs, the ALB's DNS name,
canonical zone and ARN suffixes, bucket domain names, the distribution's `*.cloudfront.net`
name, and real pulumi-tls keys (made with `cryptography`: the program's pins are computed from
them; ECDSA keys derive from the resource name, so plans are reproducible). Certificates and
requests are opaque PEM-shaped values: the program only passes them along.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from functools import cache
from typing import Any

import pulumi
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from preflight.mocks.common import MockContext, arn, short_hash

Args = pulumi.runtime.MockResourceArgs
CallArgs = pulumi.runtime.MockCallArgs

# ALB canonical hosted zones by region (the alias target's zone id).
ALB_ZONE_IDS = {"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-2": "Z1H1FL5HABSF5", "eu-west-1": "Z32O12XQLNTSW2"}
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
# pulumi-tls stamps the start at create time; a fixed instant keeps plans reproducible.
ISSUED_AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def _region(args: Args, ctx: MockContext) -> str:
    """The region of the provider a resource goes through (providers for other regions are named `aws-<region>`)."""
    match = re.search(r"::aws-([a-z]{2}(?:-gov)?-[a-z]+-\d)::", args.provider or "")
    return match.group(1) if match else ctx.region


def _uuid(*parts: str) -> str:
    h = short_hash(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# ── ACM and Route53 ────────────────────────────────────────────────────────────────────────


def _certificate(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    names = [str(args.inputs["domainName"]), *[str(n) for n in args.inputs.get("subjectAlternativeNames") or []]]
    options = []
    for name in names:
        base = name.removeprefix("*.")
        # ACM's record depends on the base name and the account only.
        token = short_hash("acm-validation", ctx.account_id, base, length=32)
        options.append(
            {
                "domainName": name,
                "resourceRecordName": f"_{token}.{base}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{short_hash('acm-target', token, length=32)}.xlfgrmvvlj.acm-validations.aws.",
            }
        )
    region = _region(args, ctx)
    return {
        "arn": f"arn:aws:acm:{region}:{ctx.account_id}:certificate/{_uuid('acm', args.name)}",
        "domainValidationOptions": options,
        "status": "PENDING_VALIDATION",
        "type": "AMAZON_ISSUED",
        "renewalEligibility": "ELIGIBLE",
        "subjectAlternativeNames": names,
    }


def _certificate_validation(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"certificateArn": args.inputs["certificateArn"]}


def _record(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name", "")).rstrip(".")
    return {"fqdn": name, "arn": arn(ctx, "route53", f"hostedzone/{args.inputs.get('zoneId')}", region=False, account=False)}


def _get_zone(args: CallArgs, ctx: MockContext) -> dict[str, Any]:
    name = str(args.args.get("name") or "example.com").rstrip(".")
    zone_id = "Z" + short_hash("zone", name, length=20).upper()
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "privateZone": False,
        "nameServers": [f"ns-{n}.awsdns-{n % 64:02d}.{tld}" for n, tld in ((512, "net"), (1536, "co.uk"), (1024, "org"), (100, "com"))],
        "primaryNameServer": "ns-512.awsdns-00.net",
        "resourceRecordSetCount": 12,
        "callerReference": _uuid("zone-ref", name),
        "comment": "",
        "tags": {},
    }


# ── Load balancer, WAF ─────────────────────────────────────────────────────────────────────


def _lb_name(args: Args) -> str:
    return str(args.inputs.get("name") or f"{args.name}-{short_hash('lb-name', args.name, length=7)}")[:32]


def _load_balancer(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _lb_name(args)
    suffix = f"app/{name}/{short_hash('alb', name, length=16)}"
    return {
        "name": name,
        "arn": arn(ctx, "elasticloadbalancing", f"loadbalancer/{suffix}"),
        "arnSuffix": suffix,
        "dnsName": f"{name}-{int(short_hash('alb-dns', name, length=8), 16) % 10**10}.{ctx.region}.elb.amazonaws.com",
        "zoneId": ALB_ZONE_IDS.get(ctx.region, "Z35SXDOTRQ7X7K"),
        "vpcId": "vpc-" + short_hash("alb-vpc", name),
    }


def _target_group(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = _lb_name(args)
    suffix = f"targetgroup/{name}/{short_hash('tg', name, length=16)}"
    return {"name": name, "arn": arn(ctx, "elasticloadbalancing", suffix), "arnSuffix": suffix}


def _listener(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    lb_arn = str(args.inputs.get("loadBalancerArn", ""))
    lb_path = lb_arn.split(":loadbalancer/", 1)[-1]
    return {"arn": arn(ctx, "elasticloadbalancing", f"listener/{lb_path}/{short_hash('listener', args.name, length=16)}")}


def _listener_rule(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    listener = str(args.inputs.get("listenerArn", "")).split(":listener/", 1)[-1]
    return {"arn": arn(ctx, "elasticloadbalancing", f"listener-rule/{listener}/{short_hash('rule', args.name, length=16)}")}


def _web_acl(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name") or f"{args.name}-{short_hash('waf', args.name, length=7)}")
    acl_id = _uuid("waf", name)
    scope = "global" if args.inputs.get("scope") == "CLOUDFRONT" else "regional"
    return {"name": name, "arn": arn(ctx, "wafv2", f"{scope}/webacl/{name}/{acl_id}"), "capacity": 1100, "lockToken": _uuid("lock", name)}


# ── S3, CloudFront, log delivery ───────────────────────────────────────────────────────────


def _bucket(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("bucket") or f"{args.name}-{short_hash('bucket', args.name, length=7)}").lower()
    region = _region(args, ctx)
    return {
        "bucket": name,
        "arn": f"arn:aws:s3:::{name}",
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "hostedZoneId": "Z3AQBSTGFYJSTF",
        "region": region,
    }


def _distribution(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    dist_id = "E" + short_hash("cloudfront", args.name, length=13).upper()
    return {
        "arn": f"arn:aws:cloudfront::{ctx.account_id}:distribution/{dist_id}",
        "domainName": f"d{short_hash('cf-domain', args.name, length=13)}.cloudfront.net",
        "hostedZoneId": CLOUDFRONT_ZONE_ID,
        "status": "Deployed",
        "etag": "E" + short_hash("etag", args.name, length=13).upper(),
        "callerReference": _uuid("caller", args.name),
        "inProgressValidationBatches": 0,
    }


def _cloudfront_policy(kind: str) -> Any:
    def outputs(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
        policy_id = _uuid(kind, args.name) if kind != "oac" else "E" + short_hash("oac", args.name, length=13).upper()
        return {"id": policy_id, "etag": "E" + short_hash("etag", kind, args.name, length=13).upper(), "arn": ""}

    return outputs


def _delivery_source(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name") or args.name)
    return {"name": name, "arn": arn(ctx, "logs", f"delivery-source:{name}"), "service": "cloudfront"}


def _delivery_destination(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    name = str(args.inputs.get("name") or args.name)
    return {"name": name, "arn": arn(ctx, "logs", f"delivery-destination:{name}"), "deliveryDestinationType": "CWL"}


def _delivery(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    delivery_id = short_hash("delivery", args.name, length=16)
    return {"arn": arn(ctx, "logs", f"delivery:{delivery_id}")}


# ── pulumi-tls: real keys, requests and certificates ───────────────────────────────────────


@cache
def _key(name: str, algorithm: str, bits: int) -> Any:
    if algorithm == "RSA":
        # RSA generation cannot be seeded; cached so one run sees one key per resource.
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    secret = int.from_bytes(hashlib.sha256(f"tls-key/{name}".encode()).digest(), "big")
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 group order
    return ec.derive_private_key(secret % (order - 1) + 1, ec.SECP256R1())


def _pem_public(key: Any) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _private_key(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    """Real key material: the program computes its API pins from the public key."""
    algorithm = str(args.inputs.get("algorithm", "RSA"))
    key = _key(args.name, algorithm, int(args.inputs.get("rsaBits") or 2048))
    traditional = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return {"privateKeyPem": traditional.decode(), "publicKeyPem": _pem_public(key)}


def _opaque_pem(label: str, *parts: Any) -> str:
    """A PEM-shaped value named after what it stands for: the program passes certificates and
    requests along (into Secrets, as the next certificate's input) and never reads inside them, so
    the tests assert that wiring rather than a chain the mock would have signed."""
    body = base64.b64encode(hashlib.sha512("|".join(map(str, (label, *parts))).encode()).digest()).decode()
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def _validity(inputs: dict[str, Any]) -> dict[str, Any]:
    end = ISSUED_AT + datetime.timedelta(hours=int(inputs.get("validityPeriodHours") or 24))
    return {
        "validityStartTime": f"{ISSUED_AT:%Y-%m-%dT%H:%M:%SZ}",
        "validityEndTime": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        "readyForRenewal": False,
    }


def _self_signed_cert(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"certPem": _opaque_pem("CERTIFICATE", args.name), **_validity(args.inputs)}


def _cert_request(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"certRequestPem": _opaque_pem("CERTIFICATE REQUEST", args.name)}


def _locally_signed_cert(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    return {"certPem": _opaque_pem("CERTIFICATE", args.name, args.inputs.get("caCertPem")), **_validity(args.inputs)}


COMPUTED = {
    "aws:acm/certificate:Certificate": _certificate,
    "aws:acm/certificateValidation:CertificateValidation": _certificate_validation,
    "aws:route53/record:Record": _record,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": _listener,
    "aws:lb/listenerRule:ListenerRule": _listener_rule,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:cloudfront/distribution:Distribution": _distribution,
    "aws:cloudfront/originAccessControl:OriginAccessControl": _cloudfront_policy("oac"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": _cloudfront_policy("rhp"),
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": _delivery_source,
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": _delivery_destination,
    "aws:cloudwatch/logDelivery:LogDelivery": _delivery,
    "tls:index/privateKey:PrivateKey": _private_key,
    "tls:index/selfSignedCert:SelfSignedCert": _self_signed_cert,
    "tls:index/certRequest:CertRequest": _cert_request,
    "tls:index/locallySignedCert:LocallySignedCert": _locally_signed_cert,
}

# The account ELB delivers access logs as, in regions launched before August 2022 (AWS docs:
# "Enable access logs for your Application Load Balancer").
_ELB_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-central-1": "054676820928",
}


def _elb_service_account(args: pulumi.runtime.MockCallArgs, ctx: MockContext) -> dict[str, Any]:
    region = args.args.get("region") or ctx.region
    account = _ELB_ACCOUNTS.get(region, "000000000000")
    return {"id": account, "arn": f"arn:aws:iam::{account}:root", "region": region}


CALLS = {"aws:route53/getZone:getZone": _get_zone, "aws:elb/getServiceAccount:getServiceAccount": _elb_service_account}
