"""`handoff feedback`: appends entries, never rewrites, validates first."""

from __future__ import annotations

from helpers import BOB, lead_document, make_repo, run_cli

H = "20261102-aaaaaa"
DOC = f"handoffs/2026/11/02/{H}.yaml"
FB = f"handoffs/2026/11/02/{H}.feedback.yaml"


def _as_bob(repo):
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])


def _setup(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    _as_bob(repo)


def test_receipt_then_outcome_appends_without_rewriting(repo):
    _setup(repo)
    result = run_cli(["feedback", "aaaaaa", "--decision", "accepted", "--synthesis", "CFO decides; 二重入力が課題",
                      "--at", "2026-11-02T15:00:00+09:00"])
    assert result.exit_code == 0, result.output
    assert f"recorded receipt for {H} in {FB}" in result.stderr
    first = (repo.path / FB).read_bytes()
    assert first.decode() == (
        f"handoff: {H}\nentries:\n  - phase: receipt\n    at: 2026-11-02T15:00:00+09:00\n"
        f"    by:\n      name: {BOB[0]}\n      email: {BOB[1]}\n    decision: accepted\n"
        "    synthesis: CFO decides; 二重入力が課題\n")
    result = run_cli(["feedback", H, "--outcome", "lost", "--rating", "3", "--missing", "予算の有無",
                      "--missing-field", "budget", "--missing-field", "decision_maker", "--reason", "予算なし",
                      "--at", "2026-11-05T18:00:00+09:00"])
    assert result.exit_code == 0, result.output
    second = (repo.path / FB).read_bytes()
    assert second.startswith(first)
    assert second[len(first):].decode().splitlines() == [
        "  - phase: outcome", "    at: 2026-11-05T18:00:00+09:00", "    by:", f"      name: {BOB[0]}",
        f"      email: {BOB[1]}", "    outcome: lost", "    rating: 3", "    missing: 予算の有無",
        "    missing_fields:", "      - budget", "      - decision_maker", "    reason: 予算なし"]
    assert run_cli(["check"]).exit_code == 0


def test_hand_indented_file_keeps_its_bytes(repo):
    _setup(repo)
    original = (f"handoff: {H}\nentries:\n- phase: receipt\n  at: 2026-11-02T15:00:00+09:00\n"
                f"  by: {{name: {BOB[0]}, email: {BOB[1]}}}\n  decision: accepted\n  synthesis: hand written\n")
    repo.write(FB, original)
    result = run_cli(["feedback", H, "--outcome", "won", "--rating", "5", "--useful", "all of it"])
    assert result.exit_code == 0, result.output
    text = (repo.path / FB).read_text(encoding="utf-8")
    assert text.startswith(original) and "\n- phase: outcome\n" in text


def test_invalid_entry_writes_nothing(repo):
    _setup(repo)
    result = run_cli(["feedback", H, "--outcome", "delivered", "--rating", "4", "--useful", "x"])
    assert result.exit_code == 1
    # the flag that gave the value, never the feedback file that was not written
    assert result.stderr.startswith("--outcome: 'delivered' is not an outcome of kind 'lead'")
    assert "feedback.yaml" not in result.stderr and "entries[0]" not in result.stderr
    assert not (repo.path / FB).exists()
    result = run_cli(["feedback", H, "--outcome", "lost", "--rating", "2", "--useful", "x"])
    assert result.exit_code == 2 and "outcome: missing --reason" in result.stderr
    result = run_cli(["feedback", H, "--decision", "rejected"])
    assert result.exit_code == 2 and "receipt: missing --rejection-reason" in result.stderr
    assert not (repo.path / FB).exists()


def test_someone_else_needs_force_and_is_flagged(repo):
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    result = run_cli(["feedback", H, "--decision", "accepted", "--synthesis", "on behalf"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: you (Alice Sender) are not the receiver of {H} (Bob Receiver <bob@example.com>)")
    result = run_cli(["feedback", H, "--decision", "accepted", "--synthesis", "on behalf", "--force"])
    assert result.exit_code == 0
    report = run_cli(["report", "--format", "json"])
    assert f"{H}: feedback recorded by Alice Sender, not by the receiver Bob Receiver" in report.stdout


def test_prompts_for_a_receipt_then_outcome(repo):
    _setup(repo)
    result = run_cli(["feedback", H, "--prompt"], input="receipt\naccepted\nCFO decides by 2026-12-01\n")
    assert result.exit_code == 0, result.output
    assert "Why they agreed" in result.stderr  # the handoff's context is shown first
    answers = "progressing\n9\n4\nthe date\n\ndecision_maker, nope\ndecision_maker\n\nask for the CFO\n"
    result = run_cli(["feedback", H, "--prompt"], input=answers)
    assert result.exit_code == 0, result.output
    assert "choose one of: 1, 2, 3, 4, 5" in result.stderr
    text = (repo.path / FB).read_text(encoding="utf-8")
    assert "    missing_fields:\n      - decision_maker\n    request: ask for the CFO\n" in text


def test_unknown_id_and_no_receipt_without_terminal(repo):
    _setup(repo)
    assert run_cli(["feedback", "zzz"]).exit_code == 2
    result = run_cli(["feedback", H])
    assert result.exit_code == 2 and "has no receipt yet" in result.stderr


def test_feedback_without_git_identity(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "r")
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.git("config", "--unset", "user.name")
    monkeypatch.chdir(repo.path)
    result = run_cli(["feedback", H, "--decision", "accepted", "--synthesis", "x", "--force"])
    assert result.exit_code == 2 and "git does not know who you are" in result.stderr


def test_prompted_answers_that_do_not_validate_are_kept(repo):
    _setup(repo)
    run_cli(["feedback", H, "--decision", "accepted", "--synthesis", "CFO decides"])
    result = run_cli(["feedback", H, "--prompt", "--outcome", "delivered"],  # not an outcome of a lead
                     input="4\nthe renewal date\n\n\n\nask for the CFO\n")
    assert result.exit_code == 1
    assert "'delivered' is not an outcome of kind 'lead'" in result.stderr
    assert f"continue with: handoff feedback {H} --resume" in result.stderr
    result = run_cli(["feedback", H, "--resume", "--outcome", "progressing"])
    assert result.exit_code == 0, result.output
    text = (repo.path / FB).read_text(encoding="utf-8")
    assert "    outcome: progressing\n    rating: 4\n    useful: the renewal date\n" in text
    assert "request: ask for the CFO" in text
