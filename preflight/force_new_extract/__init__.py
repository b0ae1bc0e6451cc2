"""Extract the providers' replace-on-change schema into preflight/data/force_new.json (run by hand).

    .venv/bin/python -m preflight.force_new_extract \\
        --aws-index PATH/terraform-provider-aws-index.git [--aws-index-rev REV] \\
        --kubernetes PATH/pulumi-kubernetes.git [--kubernetes-rev REV] \\
        --tls PATH/terraform-provider-tls.git [--tls-rev REV] \\
        --random PATH/terraform-provider-random.git [--random-rev REV] \\
        --time PATH/terraform-provider-time.git [--time-rev REV] \\
        --plan PLAN.json [--plan PLAN.json …]

What it reads, all from git repositories given by path (nothing is fetched):

* pulumi-aws is bridged from terraform-provider-aws. A resource is replaced when an attribute marked
  `ForceNew: true` (plugin SDK) or given a `RequiresReplace…` plan modifier (plugin framework)
  changes; `customdiff.ForceNewIfChange` and `RequiresReplaceIf` replace only under a condition and
  are recorded as such. The upstream source is read per release from lonegunmanb/terraform-provider-
  aws-index (one file per Go function, a commit per terraform-provider-aws release): the generated
  `servicePackage.SDKResources`/`FrameworkResources` name each resource's factory, whose schema is
  walked, following helper functions of the same package.
* pulumi-kubernetes keeps its own table per group/version/kind (provider/pkg/provider/diff.go):
  `metadata.name` and `metadata.namespace` for every kind, plus the kind's fields.
* tls, random and time are bridged plugin-framework providers: `RequiresReplace` on their
  attributes. pulumiverse-time is bridged from hashicorp/terraform-provider-time: give `--time-rev`
  the tag its `provider/go.mod` names for the pinned release (pulumiverse/pulumi-time v0.1.1:
  terraform-provider-time v0.12.1).

The plan documents name the types to extract: give the committed stacks' (`make plan JSON=…`) and
one of a stack file with the optional features on (`make plan ARGS="--stack-file …"`: webhook source
ranges, a vault lock, an outside deployment listener, cost-allocation tags), so that a type only some
config declares is covered too.

A resource's schema may be written out in its factory, returned by its `SchemaFunc`, or named: a
package-level variable (`Schema: maps.Clone(topicSchema)`) or function, which is followed; a framework
resource whose struct has no `Schema` method uses the one of the struct it embeds (the security group
ingress and egress rules share `securityGroupRuleResource`'s). The types left with no replace-on-change
field are printed, for a reviewer to check against their source.

Attribute names become Pulumi property paths by the bridge's rule (snake_case to camelCase, nested
blocks as nested objects); `names.AttrFooBar` constants are read as `foo_bar`. Every path's first
segment is checked against the installed SDK's input names, and any that does not match is kept under
`unmapped` (listed, never dropped). Only the types the program declares (the plan documents given)
are written; a type that cannot be found is listed under `notExtracted` with the reason.

tests/test_force_new_data.py fails when a pin in requirements.txt moves away from the versions this
file records, so an upgrade re-runs the extractor.

The modules: `cli` (the arguments and the document written; `python -m preflight.force_new_extract`
runs it), `git_source` (reading a file of a commit), `aws_index` (terraform-provider-aws's schemas
from the index repository), `aws_types` (Pulumi's names for its types and attributes),
`framework_providers` (tls, random and time), `kubernetes` (pulumi-kubernetes' own table).
"""

from __future__ import annotations

from preflight.force_new_extract.aws_index import AwsSource, Found
from preflight.force_new_extract.aws_types import pulumi_path, sdk_inputs
from preflight.force_new_extract.cli import PINNED, main
from preflight.force_new_extract.framework_providers import framework_provider

__all__ = ["PINNED", "AwsSource", "Found", "framework_provider", "main", "pulumi_path", "sdk_inputs"]
