"""The report over the repository, kept with the join it was built from.

A report depends on the join (`Survey.token` names it: the files, their history, the
configuration and the code), the day it is made for (ages and overdue count whole days),
and its options. The last few reports built over the stored join are kept beside it, so
a report asked for again over the same join, day and options (every morning's report
before the day's first push, the second format of the same report) is read back instead
of built. Any other join drops them: the cache never holds a report for a join it no
longer has."""

from __future__ import annotations

from array import array
from datetime import date, datetime

from handoff_cli.documents.config import Config
from handoff_cli.reporting.report import Report, build_report
from handoff_cli.rules.kinds import Kinds
from handoff_cli.scoring.weights import Weights
from handoff_cli.store.cache import Cache
from handoff_cli.store.survey import survey

PART = "reports"
KEPT = 8  # reports kept per join (each set of options is one)


def gathered_report(config: Config, kinds: Kinds, *, as_of: datetime, by: str, since: date | None,
                    until: date | None, kind: str | None) -> tuple[Report, int]:
    """The report, and how many files were left out for their findings."""
    cache = Cache.for_repository(config.root, kinds)
    weights = Weights.from_config(config.scoring)
    gathered = survey(config, kinds, cache, weights=weights, as_of=as_of)
    offset = as_of.utcoffset()
    key = (as_of.date().isoformat(), None if offset is None else offset.total_seconds(), by, _day(since), _day(until),
           kind)
    token = gathered.token
    kept = cache.part(PART) if token is not None and gathered.from_snapshot else {}
    reports = kept.get("reports", {}) if kept.get("token") == token else {}
    found = reports.get(key)
    if found is not None:
        record, positions = found
        scores = gathered.scores
        chosen = scores if positions is None else [scores[i] for i in array("I", positions)]
        result = Report.from_record(record, as_of=as_of, scores=chosen)
    else:
        result = build_report(gathered.assessments, gathered.history, kinds, shrinkage=weights.shrinkage,
                              as_of=as_of, by=by, since=since, until=until, kind=kind)
        if gathered.token is not None:
            # the others, unless the join was made again meanwhile (its stored records were lost)
            reports = dict(list(reports.items())[-(KEPT - 1):]) if gathered.token == token else {}
            reports[key] = (result.record(), _positions(gathered, result))
            cache.replace(PART, {"token": gathered.token, "reports": reports})
    cache.save()
    return result, gathered.files_with_findings


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _positions(gathered, report: Report) -> bytes | None:
    """Where the report's handoffs are among the join's, in the report's order (None: all
    of them, in the join's order). A report's scores are its assessments' own objects."""
    where = {id(a.score): index for index, a in enumerate(gathered.assessments)}
    positions = array("I", (where[id(score)] for score in report.scores))
    return None if positions == array("I", range(len(where))) else positions.tobytes()
