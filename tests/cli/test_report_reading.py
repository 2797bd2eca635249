"""Reading the results: what needs rework, pending grouped by receiver, the 1on1 sheet
(`report --person`), Markdown, CSV for Excel, `-o`, and the usage rules of `--table`/`--bom`.
Real repositories with chosen authors and dates, the real CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from helpers import ALICE, BOB, feedback_document, lead_document, make_repo, outcome_entry, receipt_entry, run_cli

CAROL = ("Carol Sender", "carol@example.com")
DAN = ("Dan Receiver", "dan@example.com")
AS_OF = ["--as-of", "2026-11-20"]
# Alice hands three leads to Bob and one to Dan; Carol hands one to Bob.
H1, H2, H3, H4, H5 = ("20261102-aaaaaa", "20261103-bbbbbb", "20261104-cccccc", "20261105-dddddd",
                      "20261106-eeeeee")


def _path(handoff_id: str, feedback: bool = False) -> str:
    return f"handoffs/{handoff_id[:4]}/{handoff_id[4:6]}/{handoff_id[6:8]}/{handoff_id}" + (
        ".feedback.yaml" if feedback else ".yaml")


def _rejected(at: str, by=BOB) -> str:
    return (f"  - phase: receipt\n    at: {at}\n    by:\n      name: {by[0]}\n      email: {by[1]}\n"
            "    decision: rejected\n    rejection_reason: clerical\n"
            "    rejection_note: 決裁者が空欄のままです\n    missing_fields: [decision_maker, budget]\n")


def _conditional(at: str, by=BOB) -> str:
    return (f"  - phase: receipt\n    at: {at}\n    by:\n      name: {by[0]}\n      email: {by[1]}\n"
            "    decision: conditional\n    synthesis: Second offer wanted; CFO decides\n"
            "    condition: Need the CFO's assistant's number before Tuesday\n")


def _outcome_with_words(at: str) -> str:
    return outcome_entry(at, rating=3, missing_fields="[budget]") + (
        "    wrong_fields: [urgency]\n    request: 予算の有無だけは確認してから渡してほしい\n")


@pytest.fixture
def team(repo):
    """Five handoffs over three weeks: one done with the receiver's words, one rejected, one
    conditional, two awaiting their receipt (one overdue); committed by their authors."""
    def hand_over(handoff_id, sender, receiver, day):
        repo.write(_path(handoff_id), lead_document(handoff_id, created=f"2026-11-{day}T09:00:00+09:00",
                                                    sender=sender, receiver=receiver))
        repo.commit(f"hand over {handoff_id}", author=sender, date=f"2026-11-{day}T10:00:00+09:00")

    def feedback(handoff_id, entries, by, day):
        repo.write(_path(handoff_id, True), feedback_document(handoff_id, entries))
        repo.commit(f"feedback {handoff_id}", author=by, date=f"2026-11-{day}T12:00:00+09:00")

    hand_over(H1, ALICE, BOB, "02")
    feedback(H1, [receipt_entry("2026-11-02T15:00:00+09:00"), _outcome_with_words("2026-11-04T10:00:00+09:00")],
             BOB, "04")
    hand_over(H2, ALICE, BOB, "03")
    feedback(H2, [_rejected("2026-11-03T15:00:00+09:00")], BOB, "03")
    hand_over(H3, CAROL, BOB, "04")
    feedback(H3, [_conditional("2026-11-05T09:00:00+09:00")], BOB, "05")
    hand_over(H4, ALICE, DAN, "05")
    hand_over(H5, ALICE, BOB, "18")
    return repo


def _json(args):
    result = run_cli(["report", "--format", "json", *AS_OF, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- rework and pending

def test_what_was_sent_back_or_taken_on_a_condition_needs_rework(team):
    rework = _json([])["report"]["rework"]
    assert [(r["id"], r["decision"], r["sender"]) for r in rework] == [
        (H2, "rejected", "Alice Sender"), (H3, "conditional", "Carol Sender")]  # rejected first
    rejected, conditional = rework
    assert rejected["reason"] == "clerical" and rejected["note"] == "決裁者が空欄のままです"
    assert rejected["fields"] == ["decision_maker", "budget"] and rejected["age_days"] == 17
    assert conditional["note"] == "Need the CFO's assistant's number before Tuesday" and conditional["reason"] is None


def test_an_outcome_ends_the_rework(team):
    team.write(_path(H3, True), feedback_document(H3, [_conditional("2026-11-05T09:00:00+09:00"),
                                                      outcome_entry("2026-11-12T10:00:00+09:00")]))
    team.commit("outcome", author=BOB, date="2026-11-12T10:00:00+09:00")
    assert [r["id"] for r in _json([])["report"]["rework"]] == [H2]


def test_pending_is_grouped_by_receiver_earliest_due_first(team):
    pending = _json([])["report"]["pending"]
    # Dan's receipt of H4 was due 2026-11-06 (overdue), Bob's H3 outcome by 11-07 and H5's receipt by 11-19
    assert [(r["receiver"], r["id"], r["awaiting"], r["overdue"]) for r in pending] == [
        ("Dan Receiver", H4, "receipt", True),
        ("Bob Receiver", H3, "outcome", True),
        ("Bob Receiver", H5, "receipt", True),
    ]
    assert [r["due"] for r in pending] == ["2026-11-06", "2026-11-07", "2026-11-19"]


def test_the_rework_table_in_csv_for_excel(team):
    result = run_cli(["report", "--format", "csv", "--table", "rework", "--bom", *AS_OF])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfid,title,kind,sender,receiver,decision,reason,note,fields")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0]["id"] == H2 and rows[0]["note"] == "決裁者が空欄のままです"
    assert rows[0]["fields"] == "decision_maker; budget"


# ---------------------------------------------------------------- the 1on1 sheet

def test_a_senders_sheet(team):
    sheet = _json(["--person", "alice"])["person"]
    assert (sheet["name"], sheet["email"]) == ("Alice Sender", "alice@example.com")
    sender = sheet["sender"]
    assert [h["id"] for h in sender["handoffs"]] == [H5, H4, H2, H1]  # newest first
    done = next(h for h in sender["handoffs"] if h["id"] == H1)
    assert (done["state"], done["rating"], done["missing_fields"], done["wrong_fields"]) == (
        "done", 3, ["budget"], ["urgency"])
    # budget: missing in H1's outcome and in H2's rejection; decision_maker: H2; urgency: wrong in H1
    assert [(f["field"], f["missing"], f["wrong"]) for f in sender["fields"]] == [
        ("budget", 2, 0), ("decision_maker", 1, 0), ("urgency", 0, 1)]
    assert {q["text"] for q in sender["requests"]} == {"予算の有無だけは確認してから渡してほしい",
                                                        "決裁者が空欄のままです"}
    assert [q["field"] for q in sender["questions"]] == ["budget", "decision_maker", "urgency"]
    assert all(q["question"] for q in sender["questions"])
    assert [r["id"] for r in sender["rework"]] == [H2]
    assert [(t["month"], t["count"]) for t in sender["trend"]] == [("2026-11", 4)]
    assert sheet["receiver"] is None


def test_a_receivers_sheet_says_what_they_still_owe(team):
    sheet = _json(["--person", "bob@example.com"])["person"]
    assert sheet["sender"] is None
    receiver = sheet["receiver"]
    assert receiver["received"] == 4
    assert [(r["id"], r["awaiting"]) for r in receiver["owed"]] == [(H3, "outcome"), (H5, "receipt")]
    assert receiver["responsiveness"]["receipts"] == 3


def test_the_peers_best_of_the_same_kind_is_there_to_learn_from(team):
    team.write(_path(H3, True), feedback_document(H3, [_conditional("2026-11-05T09:00:00+09:00"),
                                                      outcome_entry("2026-11-12T10:00:00+09:00", rating=5)]))
    team.commit("outcome", author=BOB, date="2026-11-12T10:00:00+09:00")
    sender = _json(["--person", "Alice Sender"])["person"]["sender"]
    assert sender["best"] is None  # Alice's only outcome was rated 3
    assert sender["peer_best"]["id"] == H3 and sender["peer_best"]["sender"] == "Carol Sender"


def test_a_person_is_found_by_a_unique_part_or_told_who_matches(team):
    ambiguous = run_cli(["report", "--person", "example.com"])
    assert ambiguous.exit_code == 2
    assert "'example.com' matches 4 people" in ambiguous.stderr
    assert "Carol Sender <carol@example.com>" in ambiguous.stderr
    unknown = run_cli(["report", "--person", "zed"])
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines()[0] == "error: no one named or mailed 'zed' handed over or received a handoff"
    assert "Dan Receiver <dan@example.com>" in unknown.stderr
    assert "Traceback" not in ambiguous.output + unknown.output


def test_the_sheet_in_markdown_and_csv(team):
    markdown = run_cli(["report", "--person", "alice", "--format", "markdown", *AS_OF])
    assert markdown.exit_code == 0, markdown.output
    text = markdown.stdout
    assert text.startswith("## 1on1 sheet: Alice Sender \\<alice@\u2060example.com\\>\n")  # no live mailto
    assert "> 予算の有無だけは確認してから渡してほしい — Bob Receiver, 20261102-aaaaaa" in text
    assert "### Ask this next time\n\n1. " in text
    handoffs = run_cli(["report", "--person", "alice", "--format", "csv", *AS_OF])
    assert [row["id"] for row in csv.DictReader(io.StringIO(handoffs.stdout))] == [H5, H4, H2, H1]
    owed = run_cli(["report", "--person", "alice", "--format", "csv", "--table", "owed", *AS_OF])
    assert owed.exit_code == 0 and owed.stdout.startswith("id,title,kind,receiver,")  # a header, no rows


def test_the_sheet_in_japanese(team):
    result = run_cli(["report", "--person", "alice", "--format", "markdown", *AS_OF], env={"HANDOFF_LANG": "ja"})
    assert result.exit_code == 0, result.output
    assert "## 1on1 シート: Alice Sender" in result.stdout and "### 次回確かめること" in result.stdout


# ---------------------------------------------------------------- markdown, csv, files, usage

def test_the_whole_report_in_markdown(team):
    result = run_cli(["report", "--format", "markdown", *AS_OF])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("## handoff report (5 handoffs, as of 2026-11-20)\n")
    for heading in ("### Pending feedback (3, as of 2026-11-20)", "### Needs rework (2)", "### Quality by sender",
                    "### Funnel by kind", "### Trend by month of handover", "### Best handoffs to share"):
        assert heading in text
    assert f"| {H2} | Lead {H2} | Alice Sender | Bob Receiver | rejected | clerical |" in text


def test_markdown_shows_hostile_text_as_written(repo):
    title = "<script>alert(1)</script> **bold** | [x](javascript:alert(1))"
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00").replace(
        f"title: Lead {H1}", "title: '" + title + "'"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    text = run_cli(["report", "--format", "markdown", *AS_OF]).stdout
    assert "<script>" not in text and "[x](javascript" not in text and "**bold**" not in text
    assert "\\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\* \\| \\[x\\](javascript:alert(1))" in text


def test_an_empty_repository_says_how_to_start(repo):
    for fmt in ("table", "markdown"):
        result = run_cli(["report", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "no handoffs yet" in result.stdout and "handoff new lead" in result.stdout
        assert "┃" not in result.stdout  # no empty tables
    for table in ("pending", "rework", "quality", "trend", "best", "funnel", "scores"):
        result = run_cli(["report", "--format", "csv", "--table", table])
        assert result.exit_code == 0 and result.stdout.count("\n") == 1, (table, result.stdout)  # the header


@pytest.mark.parametrize("args, message", [
    (["--table", "best"], "--table goes with --format csv"),
    (["--format", "json", "--table", "best"], "--table goes with --format csv"),
    (["--format", "json", "--bom"], "--bom goes with --format csv"),
    (["--format", "csv", "--table", "owed"], "--table owed: not a table here; choose one of: pending, rework"),
    (["--person", "alice", "--format", "csv", "--table", "funnel"],
     "--table funnel: not a table here; choose one of: handoffs, fields, trend, rework, owed"),
    (["--person", "alice", "--fail-on-overdue"], "--fail-on-overdue goes with the whole report"),
])
def test_options_that_would_be_ignored_are_usage_errors(team, args, message):
    result = run_cli(["report", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: " + message)


def test_output_to_a_file_is_whole_or_nothing(team):
    written = team.path / "out" / "report.md"
    result = run_cli(["report", "--format", "markdown", "-o", str(written), *AS_OF])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "wrote out/report.md" in result.stderr
    assert written.read_text(encoding="utf-8") == run_cli(["report", "--format", "markdown", *AS_OF]).stdout
    written.write_text("the old file\n", encoding="utf-8")
    failed = run_cli(["report", "--person", "nobody", "--format", "markdown", "-o", str(written)])
    assert failed.exit_code == 2 and written.read_text(encoding="utf-8") == "the old file\n"
    assert sorted(p.name for p in written.parent.iterdir()) == ["report.md"]  # no temporary left behind


def test_the_installed_command_writes_a_sheet_for_excel(team):
    done = subprocess.run(["handoff", "report", "--person", "carol", "--format", "csv", "--bom", *AS_OF],
                          cwd=team.path, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\xef\xbb\xbfid,title,kind,receiver,") and H3.encode() in done.stdout


# ---------------------------------------------------------------- found in review

def test_a_receipt_that_names_a_field_wrong_counts_it_wrong(team):
    team.write(_path(H4, True), feedback_document(H4, [
        "  - phase: receipt\n    at: 2026-11-06T09:00:00+09:00\n    by:\n      name: Dan Receiver\n"
        "      email: dan@example.com\n    decision: rejected\n    rejection_reason: clerical\n"
        "    wrong_fields: [urgency]\n"]))
    team.commit("rejected", author=DAN, date="2026-11-06T09:00:00+09:00")
    fields = {f["field"]: (f["missing"], f["wrong"]) for f in _json(["--person", "alice"])["person"]["sender"]["fields"]}
    assert fields["urgency"] == (0, 2)  # wrong in H1's outcome and in H4's receipt; never "missing"


def test_rework_counts_from_the_receipt_that_sent_it_back(team):
    team.write(_path(H2, True), feedback_document(H2, [_rejected("2026-11-03T15:00:00+09:00"),
                                                      _conditional("2026-11-19T09:00:00+09:00")]))
    team.commit("received again", author=BOB, date="2026-11-19T09:30:00+09:00")
    (row,) = [r for r in _json([])["report"]["rework"] if r["id"] == H2]
    assert (row["decision"], row["since"][:10], row["age_days"]) == ("conditional", "2026-11-19", 1)


def test_the_sheet_says_the_same_quality_as_the_report(team):
    groups = {g["group"]: g["quality"] for g in _json([])["report"]["groups"]}
    assert _json(["--person", "alice"])["person"]["sender"]["quality"] == groups["Alice Sender"]


def test_what_is_owed_and_to_rework_shows_whatever_the_period(team):
    sheet = _json(["--person", "bob@", "--since", "2026-11-10"])["person"]
    assert [r["id"] for r in sheet["receiver"]["owed"]] == [H3, H5]  # H3 was handed over before the period
    sender = _json(["--person", "alice", "--since", "2026-11-10"])["person"]["sender"]
    assert [h["id"] for h in sender["handoffs"]] == [H5] and [r["id"] for r in sender["rework"]] == [H2]


def test_a_name_without_an_email_is_the_same_person(team):
    team.write(_path("20261107-ffffff"), lead_document("20261107-ffffff", created="2026-11-07T09:00:00+09:00",
                                                       sender=CAROL).replace("  email: bob@example.com\n", ""))
    team.commit("no email", author=CAROL, date="2026-11-07T10:00:00+09:00")
    sheet = _json(["--person", "Bob Receiver"])["person"]
    assert sheet["email"] == "bob@example.com" and "20261107-ffffff" in [r["id"] for r in sheet["receiver"]["owed"]]


@pytest.mark.parametrize("args, message", [
    (["--person", "alice", "--by", "pair"], "--by regroups the whole report's quality table"),
    (["--since", "2026-11-10", "--until", "2026-11-01"], "--since 2026-11-10 is after --until 2026-11-01"),
])
def test_more_options_that_would_mislead(team, args, message):
    result = run_cli(["report", *args])
    assert result.exit_code == 2 and result.stderr.startswith("error: " + message)


def test_output_to_a_folder_or_through_a_link_is_refused_in_one_line(team, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "target.md").write_text("kept\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "target.md")
    for target, message in ((str(tmp_path), "a folder"), ("", "a folder"), (str(tmp_path / "afile" / "x.md"),
                                                                             "cannot write it"),
                            (str(tmp_path / "link.md"), "a symbolic link")):
        result = run_cli(["report", "--format", "markdown", "-o", target])
        assert result.exit_code == 2, (target, result.output)
        assert result.stderr.startswith("error: -o ") and message in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert (tmp_path / "target.md").read_text(encoding="utf-8") == "kept\n" and (tmp_path / "link.md").is_symlink()


def test_a_private_file_stays_private_when_written_again(team):
    private = team.path / "sato.md"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    assert run_cli(["report", "--person", "alice", "--format", "markdown", "-o", str(private)]).exit_code == 0
    assert private.stat().st_mode & 0o777 == 0o600 and "1on1" in private.read_text(encoding="utf-8")


def test_markdown_makes_no_mention_reference_or_link_live(team):
    team.write(_path(H2, True), feedback_document(H2, [_rejected("2026-11-03T15:00:00+09:00").replace(
        "決裁者が空欄のままです", "'@everyone see #12 and GH-3 at https://evil.example or www.evil.example :tada:'")]))
    team.commit("hostile note", author=BOB, date="2026-11-03T16:00:00+09:00")
    text = run_cli(["report", "--format", "markdown", *AS_OF]).stdout
    assert ("@\u2060everyone see #\u206012 and GH-\u20603 at https:\u2060//evil.example or www.\u2060evil.example "
            ":\u2060tada:") in text
