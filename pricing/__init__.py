"""Cost estimates: a dated price catalogue and one pricer over plan, preview and export records."""

from pricing.documents import Document, DocumentError, load_document, parse_document
from pricing.pricer import price_resources
from pricing.report import CostReport

__all__ = ["CostReport", "Document", "DocumentError", "load_document", "parse_document", "price_resources"]
