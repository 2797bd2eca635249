"""A few named files (`check FILE…`, `check --changed-since`) look their handoffs up one by
one instead of scanning the folder: the answer must be the one the scan gives, in every odd
layout (links, folders named like documents, misplaced files, pipes)."""

from __future__ import annotations

import os

from handoff_cli.documents import layout


def test_proper_document_agrees_with_the_scan(tmp_path):
    handoffs = tmp_path / "handoffs"
    day = handoffs / "2026" / "11" / "20"
    day.mkdir(parents=True)
    (day / "20261120-aaaaaa.yaml").write_text("id: x\n")  # proper
    (day / "20261120-bbbbbb.feedback.yaml").write_text("x\n")  # feedback only
    (day / "20261120-cccccc.yaml").mkdir()  # a folder named like a document
    os.symlink(day / "20261120-aaaaaa.yaml", day / "20261120-dddddd.yaml")  # a link
    (handoffs / "2026" / "11" / "20261121-eeeeee.yaml").write_text("x\n")  # misplaced
    os.mkfifo(day / "20261120-ffffff.yaml")  # a pipe
    real = tmp_path / "elsewhere" / "22"
    real.mkdir(parents=True)
    (real / "20261122-gggggg.yaml").write_text("x\n")
    os.symlink(real, handoffs / "2026" / "11" / "22")  # a linked date folder
    (handoffs / "2026" / "12").write_text("not a folder\n")
    scanned = {layout.id_from_name(p.name)[0]: p for p in layout.scan(handoffs).documents}
    lookup = layout.ProperDocuments(handoffs)
    for handoff_id in ("20261120-aaaaaa", "20261120-bbbbbb", "20261120-cccccc", "20261120-dddddd",
                       "20261121-eeeeee", "20261120-ffffff", "20261122-gggggg", "20261201-hhhhhh",
                       "20261301-iiiiii", "not-an-id", "../../x"):
        assert lookup.get(handoff_id) == scanned.get(handoff_id), handoff_id
    assert scanned == {"20261120-aaaaaa": day / "20261120-aaaaaa.yaml"}
    assert layout.proper_document(tmp_path / "missing", "20261120-aaaaaa") is None
