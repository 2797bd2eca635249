"""HTML: the report and the 1on1 sheet as one self-contained web page, for people who never
open a terminal (`report --format html -o report.html`).

One file: inline CSS, inline SVG charts, one small inline script that sorts the tables (the
tables are real `<table>`s written here, so the page reads the same with scripts off), a
print style. Nothing is fetched: no network, no font, no image.

A page is a web page made of data a pull request may have written (../shared/DESIGN.md,
"Trust boundaries"), so three walls stand between the data and the browser:
- Jinja2 with autoescaping forced on (`autoescape=True`, for every template, whatever its
  name): every value is HTML-escaped, in text and in attributes alike;
- every value is first sanitised (sanitize.py, through the environment's `finalize`):
  no control character, no bidi override reaches the page raw;
- a Content-Security-Policy (`csp`): no source at all but inline styles, `data:` images and
  the one script whose SHA-256 the page names, so even an escaping mistake could not run
  anything. Links from data (a handoff's `links:`) are not on the page at all.

Long tables are cut at ROWS_SHOWN rows, most urgent first, with a line saying how many more
and how to get them all (CSV); the per-handoff scores are summarised by charts, never listed,
so a page over 10,000 handoffs stays small and quick.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections import Counter
from datetime import datetime
from functools import lru_cache
from importlib.resources import files

from handoff_cli.i18n import language, t
from handoff_cli.output import Renderer, words
from handoff_cli.reporting.report import most_urgent
from handoff_cli.sanitize import sanitize

ROWS_SHOWN = 200  # rows of a long table on the page; the rest are counted (CSV has them all)
WARNINGS_SHOWN = 200
LATENCY_BUCKETS = (("lt4h", 4), ("lt1d", 24), ("lt2d", 48), ("lt3d", 72), ("lt7d", 168), ("ge7d", math.inf))
PALETTE = ("#6c5ce7", "#00a3a3", "#e17055", "#b8860b", "#8e44ad", "#2d8659", "#a0522d", "#5d6d7e")  # outcomes


# ---------------------------------------------------------------- the environment

def _finalize(value):
    """What every `{{ … }}` writes, before it is escaped: data sanitised (one line, no
    control or bidi character), None as a dash; markup made here (Markup) as it is."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    if value is None:
        return words.NONE
    return sanitize(value)


@lru_cache(maxsize=None)
def environment():
    """The Jinja2 environment: templates from this package, autoescaping forced on."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("handoff_cli.output", "templates"), autoescape=True,
                      undefined=StrictUndefined, finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(t=t, words=words)
    return env


@lru_cache(maxsize=None)
def script() -> str:
    """The page's one script (templates/sort.js), exactly as the CSP hash covers it."""
    return (files("handoff_cli.output") / "templates" / "sort.js").read_text(encoding="utf-8")


def csp(script_text: str) -> str:
    """The page's Content-Security-Policy: nothing may load or run but inline styles, `data:`
    images and the one inline script whose hash this names."""
    digest = base64.b64encode(hashlib.sha256(script_text.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'; "
            "base-uri 'none'; form-action 'none'")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("handoff-baton")
    except PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------- long tables

# ---------------------------------------------------------------- charts (geometry only; the template draws)

def _r(value: float) -> float:
    return round(value, 1)


def trend_chart(rows: list) -> dict | None:
    """Bars of the mean quality by month (0–100) and a line of the feedback rate."""
    if not rows:
        return None
    width, height, left, right, top, bottom = 680, 230, 40, 40, 14, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(rows)
    bar = max(2.0, min(48.0, step * 0.6))
    every = max(1, math.ceil(len(rows) / 12))
    bars, points = [], []
    for i, row in enumerate(rows):
        quality = row.quality or 0.0
        centre = left + step * i + step / 2
        h = plot_h * min(quality, 100) / 100
        label = t("html.chart.trend.point", month=row.month, count=row.count, quality=words.num(row.quality),
                  feedback=words.pct(row.feedback_rate))
        bars.append(dict(x=_r(centre - bar / 2), y=_r(top + plot_h - h), w=_r(bar), h=_r(h), title=label,
                         month=row.month if i % every == 0 else "", cx=_r(centre), value=words.num(row.quality)))
        points.append(dict(x=_r(centre), y=_r(top + plot_h * (1 - (row.feedback_rate or 0))), title=label))
    grid = [dict(y=_r(top + plot_h * (1 - v / 100)), label=str(v)) for v in (0, 25, 50, 75, 100)]
    return dict(width=width, height=height, left=left, right=width - right, top=top, bottom=top + plot_h,
                bars=bars, points=points, line=" ".join(f"{p['x']},{p['y']}" for p in points),
                grid=grid, show_values=len(rows) <= 16)


def funnel_chart(rows: list) -> dict | None:
    """Per kind, four bars on one scale: handed over, received, the decision (accepted,
    conditional, rejected) and the outcomes (one segment per outcome)."""
    if not rows:
        return None
    width, label_w, right, bar_h, gap = 680, 150, 60, 16, 5
    scale = (width - label_w - right) / max(1, max(r.handed_over for r in rows))
    y = 6
    kinds = []
    colours: dict[str, str] = {}
    for row in rows:
        kind = dict(name=row.kind, y=y + 12, bars=[])
        y += 20
        stages = [("handed_over_count", [(t("report.column.handed_over_count"), row.handed_over, "#2f6fb0")]),
                  ("received", [(t("report.column.received"), row.received, "#4aa3b5")]),
                  ("decision", [(words.decision("accepted"), row.accepted, "#3a9d6a"),
                                (words.decision("conditional"), row.conditional, "#d08a1f"),
                                (words.decision("rejected"), row.rejected, "#c2504a")]),
                  ("outcomes", [(words.outcome(name, row.kind), count,
                                 colours.setdefault(words.outcome(name, row.kind), PALETTE[len(colours) % len(PALETTE)]))
                                for name, count in row.outcomes.items()])]
        for stage, segments in stages:
            x = float(label_w)
            parts = []
            for label, count, colour in segments:
                if count:
                    w = count * scale
                    parts.append(dict(x=_r(x), w=_r(max(w, 1.0)), colour=colour, title=f"{label}: {count}"))
                    x += w
            kind["bars"].append(dict(label=t(f"report.column.{stage}"), y=y, segments=parts,
                                     total=sum(c for _, c, _ in segments), end=_r(x + 6)))
            y += bar_h + gap
        kinds.append(kind)
        y += 8
    legend = [(words.decision("accepted"), "#3a9d6a"), (words.decision("conditional"), "#d08a1f"),
              (words.decision("rejected"), "#c2504a")] + list(colours.items())
    return dict(width=width, height=y, label_w=label_w, bar_h=bar_h, kinds=kinds, legend=legend)


def _parse(moment: str | None) -> datetime | None:
    if not moment:
        return None
    try:
        return datetime.fromisoformat(moment)
    except ValueError:
        return None


def latency_chart(records: list[dict]) -> dict | None:
    """How long handoffs waited for their receipt: counts in a few bands, and the ones not received yet."""
    if not records:
        return None
    counts = Counter()
    for record in records:
        handed, received = _parse(record.get("handed_over")), _parse(record.get("received"))
        if handed is None or received is None:
            counts["none"] += 1
            continue
        try:
            hours = (received - handed).total_seconds() / 3600
        except TypeError:  # one of them without a time zone
            hours = (received.replace(tzinfo=None) - handed.replace(tzinfo=None)).total_seconds() / 3600
        counts[next(name for name, limit in LATENCY_BUCKETS if hours < limit)] += 1
    names = [name for name, _ in LATENCY_BUCKETS] + ["none"]
    return _columns([(t(f"html.chart.latency.{name}"), counts[name], "#7a7a7a" if name == "none" else "#4aa3b5")
                     for name in names], "html.chart.latency.bar")


def scores_chart(records: list[dict]) -> dict | None:
    """How many handoffs score in each band of 10 points."""
    if not records:
        return None
    counts = Counter(min(int(r.get("quality") or 0) // 10, 9) for r in records)
    return _columns([(f"{band * 10}–{band * 10 + 9 + (band == 9)}", counts[band], "#2f6fb0") for band in range(10)],
                    "html.chart.scores.bar", bands=True)


def _columns(items: list[tuple[str, int, str]], title: str, *, bands: bool = False) -> dict:
    width, height, left, right, top, bottom = 680, 200, 40, 12, 18, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_count = max(1, max(count for _, count, _ in items))
    step = plot_w / len(items)
    bar = step * 0.7
    columns = []
    for i, (label, count, colour) in enumerate(items):
        h = plot_h * count / top_count
        x = left + step * i + (step - bar) / 2
        low, _, high = label.partition("–")
        columns.append(dict(x=_r(x), y=_r(top + plot_h - h), w=_r(bar), h=_r(h), colour=colour, label=label,
                            count=count, cx=_r(x + bar / 2),
                            title=t(title, low=low, high=high, count=count) if bands else
                            t(title, label=label, count=count)))
    return dict(width=width, height=height, left=left, right=width - right, top=top, bottom=top + plot_h,
                columns=columns)


# ---------------------------------------------------------------- the renderer

class HtmlRenderer(Renderer):
    def _page(self, template: str, **values) -> None:
        code = script()
        page = environment().get_template(template).render(
            lang=language(), csp=_markup(csp(code)), script=_markup(code), version=_version(), rows_shown=ROWS_SHOWN,
            **values)
        self.stream.write(page)

    def report(self, report, *, table: str = "pending") -> None:
        """The whole report as one page (`table` is for one-table formats: not used here)."""
        records = report.score_records()
        r = report.responsiveness
        by = words.grouping(report.by)
        qualities = [rec.get("quality") or 0 for rec in records]
        self._page(
            "report.html.j2", report=report, by=by, r=r,
            pending=most_urgent(report.pending, ROWS_SHOWN), rework=report.rework[:ROWS_SHOWN],
            groups=report.groups[:ROWS_SHOWN], best=report.best[:ROWS_SHOWN],
            warnings=report.warnings[:WARNINGS_SHOWN],
            overdue=sum(1 for row in report.pending if row.overdue),
            mean_quality=round(sum(qualities) / len(qualities), 1) if qualities else None,
            losses=[reason for row in report.funnel for reason in row.loss_reasons][:ROWS_SHOWN],
            trend_chart=trend_chart(report.trend), funnel_chart=funnel_chart(report.funnel),
            latency_chart=latency_chart(records), scores_chart=scores_chart(records))

    def person(self, sheet, *, table: str = "handoffs") -> None:
        """The 1on1 sheet as one page (`table` is for one-table formats: not used here)."""
        sender, receiver = sheet.sender, sheet.receiver
        self._page(
            "person.html.j2", sheet=sheet, sender=sender, receiver=receiver,
            handoffs=sender.handoffs[:ROWS_SHOWN] if sender else [],
            rework=sender.rework[:ROWS_SHOWN] if sender else [],
            owed=most_urgent(receiver.owed, ROWS_SHOWN) if receiver else [],
            trend_chart=trend_chart(sender.trend) if sender else None,
            warnings=sheet.warnings[:WARNINGS_SHOWN])


def _markup(text: str):
    """Text made here, not from data (the CSP, the script), written as it is."""
    from markupsafe import Markup

    return Markup(text)
