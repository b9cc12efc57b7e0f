"""A report written with --out gets the permissions of any file the user writes, not the 0600
of the temporary file it is renamed from (an auditor publishes audit.html)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dutygraph.cli.validate import write_atomically


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600),
                                             (0o002, 0o664)])
def test_a_new_report_gets_the_mode_the_umask_gives(tmp_path: Path, umask: int,
                                                    expected: int) -> None:
    old = os.umask(umask)
    try:
        write_atomically(str(tmp_path / "report.html"), "<p>report</p>")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "report.html") == expected
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "<p>report</p>"


@pytest.mark.parametrize("existing", [0o600, 0o640, 0o644, 0o664])
def test_a_replaced_report_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path,
                                                                  existing: int) -> None:
    target = tmp_path / "audit.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(existing)
    write_atomically(str(target), "new")
    assert _mode(target) == existing
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.csv"]
