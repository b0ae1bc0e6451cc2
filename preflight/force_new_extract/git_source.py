"""Files of one commit of a git repository given by path (bare or `.git`): the extractor fetches nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path


class Git:
    def __init__(self, path: Path, rev: str) -> None:
        self.path, self.rev = path, rev
        self.commit = self._run("rev-parse", rev).strip()

    def _run(self, *args: str) -> str:
        return subprocess.run(["git", "--git-dir", str(self.path), *args], capture_output=True, text=True, check=True).stdout

    def show(self, path: str) -> str | None:
        done = subprocess.run(["git", "--git-dir", str(self.path), "show", f"{self.commit}:{path}"], capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else None

    def subject(self) -> str:
        return self._run("log", "-1", "--format=%s %ad", "--date=short", self.commit).strip()
