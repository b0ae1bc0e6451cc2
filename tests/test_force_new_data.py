"""The providers' replace-on-change schema as committed data (preflight/data/force_new.json).

The file is written by `python -m preflight.force_new_extract` from the pinned providers' sources; these
tests hold it to requirements.txt (a moved pin without regenerating fails here), to the program (every
type it declares is covered), to the installed SDK (every path starts with a real input name), and the
extractor's readers to small Go sources made in the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from preflight import force_new, force_new_extract
from preflight.force_new_extract import AwsSource, Found, pulumi_path, sdk_inputs
from preflight.go_literals import attr_name, entries, kubernetes_table, outer_literal_bodies
from preflight.runner import Run

ROOT = Path(__file__).resolve().parent.parent


def _requirement(name: str) -> str:
    match = re.search(rf"(?m)^{name}==(\S+)$", (ROOT / "requirements.txt").read_text())
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("package", force_new_extract.PINNED)
def test_the_data_was_extracted_for_the_pinned_provider_versions(package: str) -> None:
    recorded = force_new.schema()["pins"][package]
    assert recorded == _requirement(package), (
        f"requirements.txt pins {package}=={_requirement(package)} but preflight/data/force_new.json was extracted for "
        f"{recorded}: re-run `python -m preflight.force_new_extract` (its docstring says how) for the new version"
    )


def test_the_data_names_its_sources() -> None:
    sources = force_new.schema()["sources"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", sources["aws"]["version"])
    for name in ("kubernetes", "tls", "random", "time"):
        assert re.fullmatch(r"[0-9a-f]{40}", sources[name]["commit"]), name


def test_every_type_the_program_declares_is_covered(each_stack: Run) -> None:
    declared = {r.type for r in each_stack.resources if r.custom and not r.type.startswith("pulumi:providers:")}
    assert sorted(t for t in declared if not force_new.covered(t)) == []


def test_every_aws_path_starts_with_an_input_of_the_installed_sdk() -> None:
    for token, entry in force_new.schema()["types"].items():
        if not token.startswith("aws:"):
            continue
        inputs = sdk_inputs(token)
        assert inputs, token
        for path in [*entry["replaceOn"], *entry["replaceIf"]]:
            assert path.split(".")[0] in inputs, f"{token}: {path}"
        assert entry["unmapped"] == [], token


def test_a_few_facts_read_from_upstream() -> None:
    types = force_new.schema()["types"]
    assert {"namespace", "serviceAccount", "clusterName"} <= set(
        types["aws:eks/podIdentityAssociation:PodIdentityAssociation"]["replaceOn"]
    )
    assert "roleArn" not in types["aws:eks/podIdentityAssociation:PodIdentityAssociation"]["replaceOn"]
    assert "accessConfig.bootstrapClusterCreatorAdminPermissions" in types["aws:eks/cluster:Cluster"]["replaceOn"]
    assert "encryptionConfig" in types["aws:eks/cluster:Cluster"]["replaceIf"]
    assert "spec.selector" in types["kubernetes:apps/v1:Deployment"]["replaceOn"]
    assert types["kubernetes:core/v1:Secret"]["replaceUnless"] == "enableSecretMutable"
    # terraform-provider-time: only `triggers` replaces a sleep (a changed duration is an update).
    assert types["time:index/sleep:Sleep"]["replaceOn"] == ["triggers"]
    assert "roleRef" in types["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"]["replaceOn"]
    assert "name" in types["aws:cloudwatch/eventConnection:EventConnection"]["replaceOn"]
    # terraform-provider-tls wraps RequiresReplaceIf in its own requireReplaceIfStateContainsPEMString
    # (internal/provider/common.go): a new CA or signing request re-issues the certificate.
    assert {"caCertPem", "caPrivateKeyPem", "certRequestPem"} <= set(types["tls:index/locallySignedCert:LocallySignedCert"]["replaceIf"])


def test_fields_declared_in_package_level_schema_variables_and_embedded_structs_are_read() -> None:
    """terraform-provider-aws declares some schemas once per package (`Schema: maps.Clone(topicSchema)`) and
    lets some framework resources embed another's `Schema` method; their force-new fields are recorded."""
    types = force_new.schema()["types"]
    assert {"name", "fifoTopic"} <= set(types["aws:sns/topic:Topic"]["replaceOn"])
    assert {"name", "fifoQueue"} <= set(types["aws:sqs/queue:Queue"]["replaceOn"])
    assert {"protocol", "endpoint", "topic"} <= set(types["aws:sns/topicSubscription:TopicSubscription"]["replaceOn"])
    for rule in ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"):
        assert "securityGroupId" in types[rule]["replaceOn"], rule


# Types with no replace-on-change field, each checked against its upstream schema (terraform-provider-aws
# as the data's source records it): nothing in them is ForceNew or RequiresReplace. A type that joins this
# list must be read at its source first: an empty list is also what a schema the extractor missed looks like.
REVIEWED_WITHOUT_REPLACEMENT = {
    "aws:appconfig/application:Application": "resourceApplication: name and description are updated in place",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "resourceOriginAccessControl: UpdateOriginAccessControl takes every field",
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": "resourceOriginRequestPolicy: no ForceNew",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": "resourceResponseHeadersPolicy: no ForceNew",
    "aws:cloudfront/vpcOrigin:VpcOrigin": "vpcOriginResource.Schema: no RequiresReplace (UpdateVpcOrigin)",
    "aws:costexplorer/costAllocationTag:CostAllocationTag": "resourceCostAllocationTag: tag_key is Required, not ForceNew",
    "aws:ec2/internetGateway:InternetGateway": "resourceInternetGateway: vpc_id is attached and detached in place",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "resourceRegistryScanningConfiguration: no ForceNew",
    "aws:kms/keyPolicy:KeyPolicy": "resourceKeyPolicy: key_id is Required, not ForceNew",
}


def test_every_type_without_a_replace_on_change_field_has_been_reviewed() -> None:
    empty = {token for token, entry in force_new.schema()["types"].items() if not entry["replaceOn"]}
    assert sorted(empty - set(REVIEWED_WITHOUT_REPLACEMENT)) == [], "read these at their source, then list them here with why"
    assert sorted(set(REVIEWED_WITHOUT_REPLACEMENT) - empty) == [], "these have replace-on-change fields now: drop them here"


def test_a_schema_named_by_a_package_variable_or_an_embedded_struct_is_followed() -> None:
    class Index(_FakeAws):
        def __init__(self, files: dict[str, str]) -> None:
            super().__init__({})
            self.files = files

        def variable(self, service: str, name: str) -> str | None:
            return self.files.get(f"var.{name}")

        def type_declaration(self, service: str, name: str) -> str | None:
            return self.files.get(f"type.{name}")

        def method(self, service: str, receiver: str, name: str) -> str | None:
            return self.files.get(f"method.{receiver}.{name}")

    source = Index(
        {
            "var.topicSchema": 'var (\n\ttopicSchema = map[string]*schema.Schema{"name": {ForceNew: true}, "display_name": {Optional: true}}\n)',
            "type.ingressRule": "type ingressRule struct {\n\truleResource\n}",
            "method.ruleResource.Schema": "func (r *ruleResource) Schema() { response.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"
            '"group_id": schema.StringAttribute{PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}}} }',
        }
    )
    source.functions = {
        "resourceTopic": "func resourceTopic() *schema.Resource { return &schema.Resource{ CustomizeDiff: f, Schema: maps.Clone(topicSchema), } }",
        "newIngressRule": "func newIngressRule(context.Context) (resource.ResourceWithConfigure, error) { r := &ingressRule{}; return r, nil }",
    }
    source._registrations = {"aws_sns_topic": ("sns", "resourceTopic", "sdk"), "aws_rule": ("ec2", "newIngressRule", "framework")}
    topic, where = source.schema("aws_sns_topic")
    assert sorted(topic.replace) == ["name"] and "topicSchema" in where
    rule, where = source.schema("aws_rule")
    assert sorted(rule.replace) == ["group_id"] and "ruleResource.Schema" in where


def test_replacing_compares_nested_paths_through_lists() -> None:
    old = {"vpcConfig": {"subnetIds": ["a", "b"]}, "name": "c", "accessConfig": {"bootstrapClusterCreatorAdminPermissions": False}}
    new = {**old, "accessConfig": {"bootstrapClusterCreatorAdminPermissions": True}}
    assert force_new.replacing("aws:eks/cluster:Cluster", old, new) == ("accessConfig.bootstrapClusterCreatorAdminPermissions",)
    assert force_new.replacing("aws:eks/cluster:Cluster", old, {**old, "version": "1.35"}) == ()
    assert force_new.maybe_replacing("aws:eks/cluster:Cluster", old, {**old, "encryptionConfig": {"resources": ["secrets"]}}) == (
        "encryptionConfig",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param({}, {"subnetIds": []}, id="absent-vs-empty-list"),
        pytest.param({"subnetIds": None}, {"subnetIds": []}, id="none-vs-empty-list"),
        pytest.param({}, {"subnetIds": {}}, id="absent-vs-empty-object"),
        pytest.param({}, {"vpcConfig": []}, id="absent-block-vs-empty-block-list"),
        pytest.param({"vpcConfig": {}}, {"vpcConfig": [{}]}, id="empty-block-vs-list-of-an-empty-block"),
    ],
)
def test_an_absent_value_and_an_empty_one_are_the_same(old: dict[str, object], new: dict[str, object]) -> None:
    """None, [] and {} all say "not set": the provider plans no change between them, so no replacement."""
    for path in ("subnetIds", "vpcConfig.subnetIds"):
        assert not force_new.differs(old, new, path), path
        assert not force_new.differs(new, old, path), path


def test_a_value_set_where_there_was_none_still_differs() -> None:
    assert force_new.differs({}, {"subnetIds": ["a"]}, "subnetIds")
    assert force_new.differs({"subnetIds": []}, {"subnetIds": ["a"]}, "subnetIds")
    assert force_new.differs({"vpcConfig": []}, {"vpcConfig": [{"subnetIds": ["a"]}]}, "vpcConfig.subnetIds")
    assert force_new.differs({"name": ""}, {}, "name")  # an empty string is a value
    assert force_new.replacing("aws:eks/cluster:Cluster", {"name": "c"}, {"name": "c", "outpostConfig": {}}) == ()
    assert force_new.replacing("aws:eks/cluster:Cluster", {"name": "c"}, {"name": "d", "outpostConfig": []}) == ("name",)


# ── the extractor's readers, on Go written in the test ──


def test_go_literal_entries_and_attribute_names() -> None:
    body = '"a": {Type: schema.TypeString, ForceNew: true}, names.AttrKMSKeyARN: {Optional: true}, // a comment\n"c": f(x, y)'
    assert [(k, v[:8]) for k, v in entries(body)] == [('"a"', "{Type: s"), ("names.AttrKMSKeyARN", "{Optiona"), ('"c"', "f(x, y)")]
    assert attr_name("names.AttrVPCOriginEndpointConfig") == "vpc_origin_endpoint_config"
    assert attr_name("names.AttrSubnetIDs") == "subnet_ids"
    assert pulumi_path("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmName", {"name"}) == "name"


class _FakeAws(AwsSource):
    def __init__(self, functions: dict[str, str]) -> None:
        self.functions = functions

    def function(self, service: str, name: str) -> str | None:
        return self.functions.get(name)


def test_sdk_schemas_force_new_nested_blocks_and_helpers() -> None:
    source = _FakeAws(
        {
            "nestedSchema": 'func nestedSchema() *schema.Schema { return &schema.Schema{Type: schema.TypeList, Elem: &schema.Resource{Schema: map[string]*schema.Schema{"inner": {ForceNew: true}}}} }'
        }
    )
    body = '"top": {ForceNew: true}, "kept": {Optional: true, ValidateFunc: x(ForceNew)}, "block": nestedSchema(), "list": {Elem: &schema.Resource{Schema: map[string]*schema.Schema{"leaf": {ForceNew: true}, "soft": {}}}}'
    found = Found()
    source._sdk_attributes("svc", body, "", found)
    assert sorted(found.replace) == ["block.inner", "list.leaf", "top"]


def test_the_resource_schema_is_found_behind_closures_that_define_schemas_of_their_own() -> None:
    """A SchemaFunc may define closures with schema maps first and return the resource's map last."""
    factory = (
        "func resourceConnection() *schema.Resource { return &schema.Resource{ SchemaFunc: func() map[string]*schema.Schema {"
        ' params := func() *schema.Resource { return &schema.Resource{Schema: map[string]*schema.Schema{"key": {ForceNew: true}}} };'
        ' return map[string]*schema.Schema{"name": {Required: true, ForceNew: true}, "auth": {Optional: true, Elem: params()}, '
        '"description": {Optional: true}} } } }'
    )
    source = _FakeAws({"resourceConnection": factory})
    source._registrations = {"aws_cloudwatch_event_connection": ("events", "resourceConnection", "sdk")}
    found, _ = source.schema("aws_cloudwatch_event_connection")
    assert sorted(found.replace) == ["name"]
    assert len(outer_literal_bodies(factory, "map[string]*schema.Schema{")) == 2


def test_framework_schemas_requires_replace_and_conditions() -> None:
    body = (
        "Attributes: map[string]schema.Attribute{"
        '"name": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},'
        '"size": schema.Int64Attribute{PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(f, "", "")}},'
        '"tags": tftags.TagsAttribute(),'
        "}, Blocks: map[string]schema.Block{"
        '"cfg": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{'
        '"arn": schema.StringAttribute{PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured()}}}}},'
        "}"
    )
    found = Found()
    _FakeAws({})._framework_object("svc", body, "", found)
    assert sorted(found.replace) == ["cfg.arn", "name"] and sorted(found.conditional) == ["size"]


class _Files:
    """A provider repository of two files, as `Git.show` reads them."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def show(self, path: str) -> str | None:
        return self.files.get(path)


def test_a_providers_own_plan_modifiers_are_classified_by_what_they_wrap() -> None:
    common = (
        "func requirePem() planmodifier.String {\n\treturn stringplanmodifier.RequiresReplaceIf(f, d, d)\n}\n"
        "func always() planmodifier.String {\n\treturn stringplanmodifier.RequiresReplace()\n}\n"
        "func keep() planmodifier.String {\n\treturn stringplanmodifier.UseStateForUnknown()\n}\n"
        "func cfg() planmodifier.String {\n\treturn stringplanmodifier.RequiresReplaceIfConfigured()\n}\n"
    )
    resource = (
        "func (r *res) Schema() { resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"
        '"ca_pem": schema.StringAttribute{PlanModifiers: []planmodifier.String{requirePem()}},'
        '"name": schema.StringAttribute{PlanModifiers: []planmodifier.String{always()}},'
        '"note": schema.StringAttribute{PlanModifiers: []planmodifier.String{keep()}},'
        '"arn": schema.StringAttribute{PlanModifiers: []planmodifier.String{cfg()}},'
        "}} }"
    )
    files = {"internal/provider/resource_x.go": resource, "internal/provider/common.go": common}
    out = force_new_extract.framework_provider(_Files(files), {"tls:index/x:X": "internal/provider/resource_x.go"})  # type: ignore[arg-type]
    assert (out["tls:index/x:X"]["replaceOn"], out["tls:index/x:X"]["replaceIf"]) == (["arn", "name"], ["caPem"])


def test_kubernetes_table_is_evaluated_from_the_provider_source() -> None:
    text = """
func metadataForceNewProperties(prefix string) properties {
	return properties{
		prefix + ".name",
	}
}
func containerForceNewProperties(prefixes ...string) properties { return properties{ prefix + ".image", } }
func labelSelectorForceNewProperties(prefix string) properties {
	return properties{
		prefix + ".matchLabels",
	}
}
var forceNew = _groups{
	"apps": _versions{
		"v1": _kinds{"Deployment": deployment},
	},
	"core": core,
}
var core = _versions{
	"v1": _kinds{"Service": properties{".spec.clusterIP"}},
}
var deployment = append(
	properties{
		".spec.selector",
	},
	labelSelectorForceNewProperties(".spec.selector")...,
)
"""
    table = kubernetes_table(text)
    assert table["apps/v1:Deployment"] == ["spec.selector", "spec.selector.matchLabels"]
    assert table["v1:Service"] == ["spec.clusterIP"] and table["*"] == ["metadata.name"]
