"""Docs that said what the program no longer does: each claim checked against the code it describes.

docs/cost.md quotes no plan figure (they drift with every price and default; `make plan` prints
them) and says what an unpriced resource does by the config's own default; guardrails.md names
the pod-credential mechanism the components use; first-deploy.md does not say the nodes never
scale while Karpenter is part of the cluster.
"""

from __future__ import annotations

import re
from pathlib import Path

from config.cost_guardrails import CostGuardrailSettings
from config.declare import declaration

UNPRICED_DEFAULT = declaration(CostGuardrailSettings, "unpriced").default  # type: ignore[union-attr]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Config values a message example quotes (the example guardrail), not figures of a plan.
ALLOWED_FIGURES = {"$300.00"}


def test_cost_doc_quotes_no_plan_figure() -> None:
    text = (DOCS / "cost.md").read_text()
    figures = set(re.findall(r"\$\d{1,3}(?:,\d{3})+\.\d{2}|\$\d{2,}\.\d{2}", text))
    assert figures <= ALLOWED_FIGURES, figures - ALLOWED_FIGURES


def test_cost_doc_states_the_unpriced_default_the_config_declares() -> None:
    text = " ".join((DOCS / "cost.md").read_text().split())
    assert "a warning, not a refusal" not in text
    assert f"`unpriced: {UNPRICED_DEFAULT}` (the default)" in text
    assert "`preflight prices import`" in text or "python -m preflight prices import" in text


def test_guardrails_doc_names_pod_identity_as_the_components_use_it() -> None:
    sources = "\n".join(path.read_text() for path in (ROOT / "components").rglob("*.py"))
    # Pods get their AWS roles through EKS Pod Identity associations, not IRSA's service-account annotation.
    assert "PodIdentityAssociation" in sources and "eks.amazonaws.com/role-arn" not in sources
    text = (DOCS / "guardrails.md").read_text()
    assert "IRSA" not in text and "Pod Identity" in text


def test_first_deploy_doc_does_not_say_the_nodes_stay_put_beside_karpenter() -> None:
    assert (ROOT / "components" / "cluster" / "karpenter.py").is_file()
    text = " ".join((DOCS / "first-deploy.md").read_text().split())
    assert "without one it stays at `desiredSize`" not in text and "Karpenter adds nodes" in text
    assert "A stack deployed before this change" not in text  # history, not a first deploy
