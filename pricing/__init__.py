"""Cost estimates: a dated price catalogue and one pricer over plan, preview and export records.

Pricing reads documents through `documents.reader` (shared with `preflight check` and `diff`);
its reader is named here too, since reading a document and pricing it go together.
"""

from documents.reader import Document, DocumentError, load_document, parse_document
from pricing.pricer import price_resources
from pricing.report import CostReport

__all__ = ["CostReport", "Document", "DocumentError", "load_document", "parse_document", "price_resources"]
