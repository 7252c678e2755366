"""Files the worker writes whole (an export's workbook, a campaign's ZIP, a scorecard): two
writers of the same file at once (two ``flask worker run`` processes, a command-line build
beside a queued one) each write a temporary file of their own, and the file ends whole."""

from __future__ import annotations

import threading

import pytest

from app import uploads
from tests.threads import WAIT, at_once


def test_two_writers_of_one_file_at_once_leave_it_whole_and_both_succeed(tmp_path):
    """Both wrote ``<name>.part``: the second truncated the first's half-written file, the
    first renamed the mixture into place and the second's rename then failed (its part was
    gone), so one build failed and the file held neither whole."""
    target = tmp_path / "export-7-inspections.xlsx"
    both_writing = threading.Barrier(2, timeout=WAIT)
    first_done = threading.Event()

    def write(letter: str, size: int):
        def run():
            with uploads.written_whole(target) as part, open(part, "wb") as handle:
                handle.write(letter.encode() * (size // 2))
                handle.flush()
                both_writing.wait()  # each has written half of its file
                if letter == "B":
                    assert first_done.wait(WAIT)
                handle.write(letter.encode() * (size - size // 2))
            if letter == "A":
                first_done.set()
            return "ok"

        def guarded():
            try:
                return run()
            except Exception as error:  # noqa: BLE001 (asserted below)
                first_done.set()
                return repr(error)
        return guarded

    assert at_once(write("A", 4000), write("B", 6000)) == ["ok", "ok"]
    assert target.read_bytes() in (b"A" * 4000, b"B" * 6000)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no part left behind


def test_a_write_that_fails_leaves_neither_the_file_nor_a_part(tmp_path):
    target = tmp_path / "campaign-1-batch-2.zip"
    with pytest.raises(OSError), uploads.written_whole(target) as part:
        part.write_bytes(b"half")
        raise OSError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_is_readable_like_any_other_upload(tmp_path):
    """A unique temporary file is made private (0600); put in place it reads as before."""
    target = tmp_path / "1.pdf"
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(b"x")
    with uploads.written_whole(target) as part:
        part.write_bytes(b"%PDF-")
    assert target.read_bytes() == b"%PDF-"
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
