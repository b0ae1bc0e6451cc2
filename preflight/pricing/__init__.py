"""Cost estimates: a dated price catalogue and one pricer over plan, preview and export records."""

from preflight.pricing.documents import Document, DocumentError, load_document, parse_document
from preflight.pricing.pricer import CostReport, price_resources

__all__ = ["CostReport", "Document", "DocumentError", "load_document", "parse_document", "price_resources"]
