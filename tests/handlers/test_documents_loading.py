"""Document libraries load at the first document, in a worker thread, never at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.handlers import documents

HEAVY = ("fpdf", "openpyxl", "numpy", "matplotlib", "fontTools")
REPO = Path(__file__).resolve().parents[2]


def test_starting_the_bot_imports_no_document_library() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.app, bot.__main__; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert loaded.stdout.strip() == ""


async def test_the_first_document_imports_them_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "maker_for_test.py").write_text(
        "import threading\nTHREAD = threading.current_thread()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(documents, "DOCUMENT_MODULES", ("maker_for_test",))
    monkeypatch.delitem(sys.modules, "maker_for_test", raising=False)
    await documents.documents_ready()
    maker = sys.modules["maker_for_test"]
    assert maker.THREAD is not threading.main_thread()
    await documents.documents_ready()  # the second time: nothing to import
    assert sys.modules["maker_for_test"] is maker
