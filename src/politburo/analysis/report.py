"""A static HTML report of a scenario (``politburo report``), written from data computed
elsewhere.

:func:`write_report` writes ``out/index.html`` with one SVG figure per section beside it
(``out/*.svg``). The page needs no network: plain HTML and CSS, no scripts, no web
fonts, figures referenced by relative file name. What each section shows is
:mod:`politburo.analysis.sections`, each figure :mod:`politburo.analysis.figures`, the
page the Jinja2 template ``templates/report.html.j2`` (autoescaped). Nothing here
simulates: the runs come in as :class:`~politburo.analysis.sections.ReportRuns`
(:func:`politburo.studies.report.report` simulates them and writes the report).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import jinja2

import politburo
from politburo.analysis.records import Explanation, ValidationReport
from politburo.analysis.sections import (
    FIGURES,
    Provenance,
    ReportRuns,
    Section,
    build_sections,
)
from politburo.experiment.records import ExperimentSummary
from politburo.model.world import World
from politburo.progress import Progress

#: the stage :func:`write_report` reports its progress under, one unit per section
STAGE = "sections"


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("politburo.analysis", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.j2")


def render_page(title: str, header: Provenance, sections: list[Section]) -> str:
    """The page's HTML: the template filled with the header and the sections."""
    return _template().render(title=title, header=header, sections=sections)


def write_report(
    world: World,
    out: Path,
    runs: ReportRuns,
    *,
    command: str,
    python: str,
    parameters: str = "defaults",
    validation: ValidationReport | None = None,
    attribution: Explanation | None = None,
    experiment: ExperimentSummary | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write ``out/index.html`` and its figures for ``runs`` of ``world``'s scenario;
    return the page's path.

    ``validation``, ``attribution`` and ``experiment`` are the records of ``politburo
    validate``, ``explain`` and ``experiment`` (read from their ``--json`` with
    ``model_validate``); a section whose input is missing says so. ``parameters``
    describes the mechanism parameters the runs used; ``command`` and ``python`` are the
    command line and the Python call shown as the ways to make the report again.
    ``progress`` is told ``("sections", done, 6)``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in FIGURES.values():  # figures of an earlier report must not linger
        (out / name).unlink(missing_ok=True)
    total = 6
    if progress is not None:
        progress(STAGE, 0, total)
    sections = build_sections(
        world,
        runs,
        out,
        validation=validation,
        attribution=attribution,
        experiment=experiment,
        progress=None if progress is None else (lambda done: progress(STAGE, done, total)),
    )
    spec = world.scenario
    given = {
        "validation": validation is not None,
        "attribution": attribution is not None,
        "experiment": experiment is not None,
    }
    header = Provenance(
        name=spec.name,
        description=spec.description.strip() if spec.description else "",
        meta=[
            ("scenario", f"{spec.name} ({spec.id})"),
            ("calendar", f"{spec.calendar.start} to {spec.calendar.end}"),
            ("runs", f"{runs.runs} (run indices 0–{runs.runs - 1})"),
            ("seed", str(runs.seed)),
            ("generated", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
            ("politburo version", politburo.__version__),
            ("parameters", parameters),
            ("inputs", ", ".join(f"{k}: {'given' if ok else 'none'}" for k, ok in given.items())),
        ],
        command=command,
        python=python,
    )
    page = out / "index.html"
    page.write_text(
        render_page(f"{spec.name} — politburo report", header, sections), encoding="utf-8"
    )
    return page
