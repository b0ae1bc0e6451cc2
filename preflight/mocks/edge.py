"""ACM, Route53, the load balancer, S3, CloudFront, WAF and pulumi-tls, as the providers answer.

What the program reads is here: `domainValidationOptions` (the same record for `x` and `*.x`,
and for every certificate of the account, as ACM does), record FQDNs, the ALB's DNS name,
canonical zone and ARN suffixes, bucket domain names, the distribution's `*.cloudfront.net`
name, and real key material: pulumi-tls keys, CSRs and certificates are made with
`cryptography`, so pins and certificate chains computed from them are true ones. ECDSA keys
derive from the resource name, and signatures are deterministic, so plans are reproducible.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from functools import cache
from typing import Any

import pulumi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

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
    algorithm = str(args.inputs.get("algorithm", "RSA"))
    key = _key(args.name, algorithm, int(args.inputs.get("rsaBits") or 2048))
    traditional = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    pkcs8 = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    openssh_public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    fingerprint = hashlib.sha256(key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
    return {
        "privateKeyPem": traditional.decode(),
        "privateKeyPemPkcs8": pkcs8.decode(),
        "privateKeyOpenssh": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        ).decode(),
        "publicKeyPem": _pem_public(key),
        "publicKeyOpenssh": openssh_public + "\n",
        "publicKeyFingerprintSha256": "SHA256:" + fingerprint.hexdigest()[:43],
        "publicKeyFingerprintMd5": ":".join(fingerprint.hexdigest()[i : i + 2] for i in range(0, 32, 2)),
        "ecdsaCurve": args.inputs.get("ecdsaCurve", "P224"),
        "rsaBits": args.inputs.get("rsaBits", 2048),
    }


def _subject(subject: Any) -> x509.Name:
    subject = subject or {}
    attributes = []
    if subject.get("commonName"):
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, str(subject["commonName"])))
    if subject.get("organization"):
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(subject["organization"])))
    return x509.Name(attributes)


def _plain(value: Any) -> str:
    """Secret inputs reach the mocks in their wire form, {<secret signature>: ..., "value": ...}."""
    if isinstance(value, dict) and "value" in value:
        return str(value["value"])
    return str(value)


def _load_key(pem: Any) -> Any:
    return serialization.load_pem_private_key(_plain(pem).encode(), password=None)


def _sign(builder: x509.CertificateBuilder, key: Any) -> x509.Certificate:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return builder.sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    return builder.sign(key, hashes.SHA256())


def _extensions(builder: x509.CertificateBuilder, inputs: dict[str, Any], is_ca: bool) -> x509.CertificateBuilder:
    uses = set(inputs.get("allowedUses") or [])
    builder = builder.add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature="digital_signature" in uses,
            content_commitment=False,
            key_encipherment="key_encipherment" in uses,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign="cert_signing" in uses,
            crl_sign="crl_signing" in uses,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    if "server_auth" in uses:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder


def _validity(inputs: dict[str, Any]) -> tuple[datetime.datetime, datetime.datetime]:
    return ISSUED_AT, ISSUED_AT + datetime.timedelta(hours=int(inputs.get("validityPeriodHours") or 24))


def _cert_outputs(cert: x509.Certificate) -> dict[str, Any]:
    return {
        "certPem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "validityStartTime": cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validityEndTime": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "readyForRenewal": False,
    }


def _self_signed_cert(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    key = _load_key(args.inputs["privateKeyPem"])
    name = _subject(args.inputs.get("subject"))
    start, end = _validity(args.inputs)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(short_hash("serial", args.name, length=30), 16))
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    builder = _extensions(builder, args.inputs, bool(args.inputs.get("isCaCertificate")))
    return {**_cert_outputs(_sign(builder, key)), "keyAlgorithm": "ECDSA" if isinstance(key, ec.EllipticCurvePrivateKey) else "RSA"}


def _cert_request(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    key = _load_key(args.inputs["privateKeyPem"])
    builder = x509.CertificateSigningRequestBuilder().subject_name(_subject(args.inputs.get("subject")))
    names = [x509.DNSName(str(n)) for n in args.inputs.get("dnsNames") or []]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        request = builder.sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    else:
        request = builder.sign(key, hashes.SHA256())
    return {"certRequestPem": request.public_bytes(serialization.Encoding.PEM).decode()}


def _locally_signed_cert(args: Args, resource_id: str, ctx: MockContext) -> dict[str, Any]:
    request = x509.load_pem_x509_csr(str(args.inputs["certRequestPem"]).encode())
    ca_key = _load_key(args.inputs["caPrivateKeyPem"])
    ca_cert = x509.load_pem_x509_certificate(str(args.inputs["caCertPem"]).encode())
    start, end = _validity(args.inputs)
    builder = (
        x509.CertificateBuilder()
        .subject_name(request.subject)
        .issuer_name(ca_cert.subject)
        .public_key(request.public_key())
        .serial_number(int(short_hash("serial", args.name, length=30), 16))
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    try:
        sans = request.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        builder = builder.add_extension(sans.value, critical=False)
    except x509.ExtensionNotFound:
        pass
    builder = _extensions(builder, args.inputs, bool(args.inputs.get("isCaCertificate")))
    return {**_cert_outputs(_sign(builder, ca_key)), "caKeyAlgorithm": "ECDSA" if isinstance(ca_key, ec.EllipticCurvePrivateKey) else "RSA"}


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
