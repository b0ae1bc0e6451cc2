"""Uptime and latency the way users see them: a CloudWatch Synthetics canary per configured region.

Each canary requests `https://<domain>` + the app's health endpoint (app.healthCheckEndpoint, the
path the pods' probes and the target groups use) through CloudFront, over TLS 1.3 only: the
script pins `minVersion: 'TLSv1.3'`, so a viewer policy that stopped offering 1.3 would fail it
(config.tls_hops). Synthetics publishes `SuccessPercent` and `Duration` (ms) under
`CloudWatchSynthetics` in the canary's own region; alarms on them must live there too.

A Route 53 HTTPS health check cannot do this job: its checkers speak TLS 1.0-1.2 only (Route 53
API reference, `HealthCheckConfig.Type`), and CloudFront's viewer policy is TLS 1.3 only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.shared.buckets import abort_incomplete_uploads_rule, deny_insecure_transport, private_bucket
from config.canaries import SCRIPT_TIMEOUT_MILLISECONDS

# The Node.js runtime without a browser (CloudWatch "Runtime versions using Node.js": syn-nodejs-3.1,
# Lambda Node.js 20.x); a test checks the name's shape against the SDK's documented examples.
RUNTIME_VERSION = "syn-nodejs-3.1"
HANDLER = "index.handler"
SCRIPT_PATH = "nodejs/node_modules/index.js"  # where Synthetics looks for a Node.js canary's handler
CODE_KEY = "code/health-canary.zip"
RUNS_PREFIX = "runs/"
ARTIFACT_DAYS = 30
NAMESPACE = "CloudWatchSynthetics"
TIMEOUT_SECONDS = 30
MAX_CANARY_NAME = 255
URL_TAG = "CheckedUrl"


def canary_script(url: str) -> str:
    """GET the URL over TLS 1.3 only; any other status, a timeout or a handshake failure fails the run."""
    return f"""const https = require('https');
const URL_TO_CHECK = {json.dumps(url)};
exports.handler = async () => new Promise((resolve, reject) => {{
  // A User-Agent: the web ACL's common rule set blocks requests without one (NoUserAgent_HEADER).
  const options = {{ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', timeout: {SCRIPT_TIMEOUT_MILLISECONDS}, headers: {{ 'User-Agent': 'email-platform-canary/1' }} }};
  const request = https.get(URL_TO_CHECK, options, (response) => {{
    response.resume();
    if (response.statusCode === 200) {{ resolve('ok'); }} else {{ reject(new Error('status ' + response.statusCode)); }}
  }});
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', reject);
}});
"""


def schedule_expression(interval_minutes: int) -> str:
    return f"rate({interval_minutes} minute{'s' if interval_minutes != 1 else ''})"


@dataclass
class RegionCanary:
    region: str
    canary: aws.synthetics.Canary
    bucket: aws.s3.Bucket


def canary_role(name: str, prefix: str, opts: pulumi.ResourceOptions) -> aws.iam.Role:
    """One execution role for every region's canary: write its artifacts, metrics and logs."""
    role = aws.iam.Role(
        f"{name}-canary",
        name=f"{prefix}-canary"[:64],
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }
        ),
        opts=opts,
    )
    aws.iam.RolePolicy(
        f"{name}-canary",
        role=role.id,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
                    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                    {
                        "Effect": "Allow",
                        "Action": "cloudwatch:PutMetricData",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
                    },
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/cwsyn-*",
                    },
                ],
            }
        ),
        opts=opts,
    )
    return role


def region_canary(
    name: str,
    prefix: str,
    region: str,
    url: str,
    interval_minutes: int,
    role: aws.iam.Role,
    parent: pulumi.Resource,
    provider: aws.Provider | None,
) -> RegionCanary:
    """The canary in one region, with its private, encrypted, expiring artifacts bucket there."""
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    bucket = private_bucket(f"{name}-canary-{region}", parent, provider=provider)
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-canary-{region}",
        bucket=bucket.id,
        rules=[
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-canary-runs",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=RUNS_PREFIX),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=ARTIFACT_DAYS),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=1),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=1
                ),
            ),
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-old-code",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix="code/"),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=30),
            ),
            abort_incomplete_uploads_rule(),
        ],
        opts=opts,
    )
    aws.s3.BucketPolicy(
        f"{name}-canary-{region}",
        bucket=bucket.id,
        policy=bucket.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [deny_insecure_transport(arn)]})),
        opts=opts,
    )
    code = aws.s3.BucketObjectv2(
        f"{name}-canary-{region}-code",
        bucket=bucket.id,
        key=CODE_KEY,
        source=pulumi.AssetArchive({SCRIPT_PATH: pulumi.StringAsset(canary_script(url))}),
        opts=opts,
    )
    canary = aws.synthetics.Canary(
        f"{name}-canary-{region}",
        name=f"{prefix}-health-{region}"[:MAX_CANARY_NAME],
        artifact_s3_location=pulumi.Output.concat("s3://", bucket.bucket, "/", RUNS_PREFIX),
        artifact_config=aws.synthetics.CanaryArtifactConfigArgs(
            s3_encryption=aws.synthetics.CanaryArtifactConfigS3EncryptionArgs(encryption_mode="SSE_S3")
        ),
        execution_role_arn=role.arn,
        handler=HANDLER,
        runtime_version=RUNTIME_VERSION,
        s3_bucket=bucket.bucket,
        s3_key=code.key,
        s3_version=code.version_id,
        schedule=aws.synthetics.CanaryScheduleArgs(expression=schedule_expression(interval_minutes)),
        run_config=aws.synthetics.CanaryRunConfigArgs(timeout_in_seconds=TIMEOUT_SECONDS),
        start_canary=True,
        # Deleting the canary deletes its Lambda function and layers too; the default (false) leaves
        # them behind (pulumi-aws synthetics.Canary `delete_lambda`: "The default is `false`";
        # botocore synthetics DeleteCanary.DeleteLambda). The deploy role needs
        # lambda:DeleteFunction and lambda:DeleteLayerVersion for it.
        delete_lambda=True,
        success_retention_period=ARTIFACT_DAYS,
        failure_retention_period=ARTIFACT_DAYS,
        tags={URL_TAG: url},  # what the script calls, readable in the console (and in a plan)
        opts=opts,
    )
    return RegionCanary(region, canary, bucket)
