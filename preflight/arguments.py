"""An argument parser whose errors are one line for the caller to print, not an exit."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from documents.reader import DocumentError


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise DocumentError(f"{self.prog}: {message}")

    def parse_or_exit_code(self, argv: list[str]) -> argparse.Namespace | int:
        """The arguments, or the command's exit code: 0 after `--help` (usage printed on stdout),
        2 after bad arguments (one `error:` line printed on stderr)."""
        try:
            return self.parse_args(argv)
        except SystemExit as exit_:
            return 0 if exit_.code in (0, None) else 2
        except DocumentError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
