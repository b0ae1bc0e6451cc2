"""The messages a new stack file's mistakes get: each one line that shows what was written and the
way out. The stack file is one `preflight new-stack` wrote, edited as text (YAML's own reading of
`1.30` is the point); only the config step runs, never the program.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pulumi.runtime import config as runtime_config

from config import ConfigError, load_stack_config
from preflight.new_stack_command import main as new_stack
from preflight.plan_command import main as plan
from preflight.stack_files import StackFileError, load_stack_file, yaml_error

STACK = "london"


@pytest.fixture
def stack_text(tmp_path: Path) -> str:
    assert new_stack([STACK, "--region", "eu-west-2", "--environment", "production", "--root", str(tmp_path)]) == 0
    return (tmp_path / f"Pulumi.{STACK}.yaml").read_text()


def load(root: Path, text: str) -> None:
    """Write the stack file and run the config step on it, as the program's first line does."""
    (root / f"Pulumi.{STACK}.yaml").write_text(text)
    stack_file = load_stack_file(STACK, root=root)
    runtime_config.set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    load_stack_config()


def refused(root: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load(root, text)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_the_written_file_loads(tmp_path: Path, stack_text: str) -> None:
    load(tmp_path, stack_text)


def test_an_unquoted_version_is_shown_as_written_not_as_yaml_read_it(tmp_path: Path, stack_text: str) -> None:
    text, replaced = re.subn(r'(?m)^(\s+version: )"\d+\.\d+"$', r"\g<1>1.30", stack_text, count=1)
    assert replaced == 1
    assert refused(tmp_path, text) == (
        "invalid stack config: email-platform:cluster.version = 1.30: must be a string; "
        'YAML read the unquoted 1.30 as the number 1.3: quote it: "1.30"'
    )


def test_an_unknown_region_is_named_instead_of_blaming_the_zones(tmp_path: Path, stack_text: str) -> None:
    text = stack_text.replace("aws:region: eu-west-2", "aws:region: eu-west-9")
    message = refused(tmp_path, text)
    assert message.startswith("invalid stack config: aws:region = 'eu-west-9': not an AWS region; did you mean eu-west-")
    assert "botocore" in message and "availabilityZones" not in message


@pytest.mark.parametrize(
    ("written", "typo", "expected"),
    [
        ("instanceClass: db.r7g.large", "instanceClass: db.r7g.larg", "database.instanceClass = 'db.r7g.larg': not a known Aurora"),
        ("nodeType: cache.r7g.large", "nodeType: cache.r7g.lrge", "redis.nodeType = 'cache.r7g.lrge': not a known ElastiCache"),
        ("instanceTypes: [m6i.xlarge]", "instanceTypes: [m6i.xlrge]", "instanceTypes[0] = 'm6i.xlrge': not a known node type"),
    ],
)
def test_an_unknown_instance_class_suggests_the_nearest(tmp_path: Path, stack_text: str, written: str, typo: str, expected: str) -> None:
    assert written in stack_text
    message = refused(tmp_path, stack_text.replace(written, typo))
    right = written.split(": ", 1)[1].strip("[]")
    assert expected in message and message.endswith(f"did you mean {right}?")


def test_a_mistyped_config_key_names_the_stack_file_key(tmp_path: Path, stack_text: str) -> None:
    (tmp_path / f"Pulumi.{STACK}.yaml").write_text(stack_text.replace("config:\n", "conifg:\n", 1))
    with pytest.raises(StackFileError) as raised:
        load_stack_file(STACK, root=tmp_path)
    assert str(raised.value) == f"Pulumi.{STACK}.yaml: unknown top-level key conifg:; did you mean config:?"


def test_a_yaml_error_gives_line_column_and_reason(tmp_path: Path, stack_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = stack_text.splitlines()
    number = next(i for i, line in enumerate(lines) if "availabilityZones:" in line)
    lines[number] = lines[number].replace("]", "")  # an unclosed flow list
    path = tmp_path / f"Pulumi.{STACK}.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert plan(["--stack", STACK, "--stack-file", str(path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"error: Pulumi.{STACK}.yaml is not valid YAML at line ")
    assert ", column " in error and "expected ',' or ']'" in error and "\n" not in error


def test_the_yaml_reason_is_pyyamls_own_whichever_parser_read_the_file(tmp_path: Path, stack_text: str) -> None:
    """Stack files parse with libyaml when PyYAML has it; its reasons are worded otherwise ("did not
    find expected …"), so a file that does not parse is read again by PyYAML for the message."""
    text = stack_text.replace("config:\n", "config:\n  broken: [1, 2\n", 1)
    (tmp_path / f"Pulumi.{STACK}.yaml").write_text(text)
    with pytest.raises(StackFileError) as raised:
        load_stack_file(STACK, root=tmp_path)
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.load(text, Loader=yaml.SafeLoader)
    assert str(raised.value) == yaml_error(f"Pulumi.{STACK}.yaml", pure.value)


def test_the_written_text_is_shown_only_when_it_is_the_refused_value(tmp_path: Path) -> None:
    """The file on disk may not be what the program was handed: never show another value."""
    from config.written import use_stack_file, written

    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config:\n  email-platform:cluster:\n    version: 1.30\n  aws:region: eu-west-2\n")
    use_stack_file(path)
    try:
        assert written("email-platform:cluster.version", 1.3) == "1.30"
        assert written("email-platform:cluster.version", 1.5) is None
        assert written("aws:region", 1.0) is None
    finally:
        use_stack_file(None)
