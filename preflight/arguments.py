"""An argument parser whose errors are one line for the caller to print, not an exit."""

from __future__ import annotations

import argparse
from typing import NoReturn

from documents.reader import DocumentError


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise DocumentError(f"{self.prog}: {message}")
