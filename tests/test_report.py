"""The static HTML report (``politburo report``): files, sections, figures, no network."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from politburo.analysis.figures import Palette, arms_from_experiment, attribution_panels
from politburo.analysis.records import (
    AttributionRecord,
    Explanation,
    RecordError,
    ValidationReport,
    read_record,
)
from politburo.analysis.sections import (
    FIGURES,
    SECTIONS,
    fan_leaders,
    representative_run,
    survival_curves,
)
from politburo.experiment.records import ExperimentSummary
from politburo.model.outcome import Outcome
from politburo.simulation import simulate, world_of
from politburo.studies.report import report

RUNS = 20
SVG = "{http://www.w3.org/2000/svg}"

VALIDATION = ValidationReport.model_validate(
    {
        "scenario": "toy-3",
        "runs": 20,
        "seed": 0,
        "scores": {
            "p_historical_winner": 0.5,
            "brier": 0.25,
            "order_share": None,
            "kendall_tau": None,
            "median_milestone_error_months": 10.5,
            "milestones": [
                {
                    "name": "tribune leaves the politburo",
                    "historical": "1951-03",
                    "median_simulated": "1951-05",
                    "median_abs_error_months": 2.0,
                    "share_within_6": 0.7,
                    "share_happened": 0.9,
                },
                {
                    "name": "editor expelled from the party",
                    "historical": "1952-06",
                    "median_simulated": None,
                    "median_abs_error_months": 19.0,
                    "share_within_6": 0.0,
                    "share_happened": 0.0,
                },
            ],
            "alliances": [],
            "facts": [],
        },
        "naive": {"uniform": {"forecast": {"secretary": 0.5, "tribune": 0.5}, "brier": 0.5}},
        "directional": [],
        "targets": [],
    }
)
ATTRIBUTION = Explanation.model_validate(
    {
        "leader": "secretary",
        "scenario": "toy-3",
        "seed": 0,
        "method": "exact",
        "runs": 20,
        "confidence": 0.95,
        "evaluations": 8,
        "p_all_on": {"value": 0.9, "ci": [0.8, 0.95]},
        "p_all_off": {"value": 0.3, "ci": [0.2, 0.4]},
        "total": {"value": 0.6, "ci": [0.5, 0.7]},
        "contributions": {
            "appointment": {"value": 0.45, "ci": [0.3, 0.6]},
            "alliances": {"value": -0.05, "ci": [-0.1, 0.0]},
            "information": {"value": 0.2, "ci": [None, None]},
        },
        "groups": {
            "method": "exact",
            "runs": 20,
            "confidence": 0.95,
            "evaluations": 2,
            "p_all_on": {"value": 0.9, "ci": [0.8, 0.95]},
            "p_all_off": {"value": 0.4, "ci": [0.3, 0.5]},
            "total": {"value": 0.5, "ci": [0.35, 0.65]},
            "contributions": {"organization": {"value": 0.5, "ci": [0.35, 0.65]}},
            "members": {"organization": ["appointment", "recruitment"]},
            "names": {},
        },
        "simulated_runs": 200,
    }
)
EXPERIMENT = ExperimentSummary.model_validate(
    {
        "scenario": "toy-3",
        "seed": 0,
        "runs": 40,
        "experiment_id": "test",
        "arms": [
            {
                "name": "baseline",
                "kind": "baseline",
                "winners": {
                    "secretary": {"p": 0.6, "ci": [0.45, 0.74], "count": 24},
                    "none": {"p": 0.4, "ci": [0.26, 0.55], "count": 16},
                },
                "median_consolidation": "1951-06",
                "tracked_rivals": ["secretary", "tribune", "editor"],
                "elimination_orders": [],
            },
            {
                "name": "ablate:appointment",
                "kind": "ablation",
                "winners": {"tribune": {"p": 0.25, "ci": [0.14, 0.4], "count": 10}},
                "median_consolidation": None,
                "tracked_rivals": ["secretary", "tribune", "editor"],
                "elimination_orders": [],
                "paired_difference": {"tribune": {"d": 0.25, "ci": [0.1, 0.4]}},
            },
        ],
    }
)
# toy-3 with a history: the tribune left the presidium in 1951-03, the editor never did.
HISTORY = """history:
  winner: secretary
  consolidated: 1951-10
  source: invented for a test
  status: estimate
  method: invented for a test
  eliminations:
    tribune:
      politburo: {date: 1951-03, source: invented for a test, status: estimate, method: test}
    editor:
      politburo: {date: null, source: invented for a test, status: estimate, method: test}
"""


def _toy_with_history(folder: Path) -> Path:
    text = (resources.files("politburo.scenario") / "builtin" / "toy-3.yaml").read_text(
        encoding="utf-8"
    )
    head, _, _ = text.partition("\nhistory:\n")
    path = folder / "toy-history.yaml"
    path.write_text(head + "\n" + HISTORY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(page, scenario file): a report with every input, on toy-3 plus a history."""
    folder = tmp_path_factory.mktemp("full")
    scenario = _toy_with_history(folder)
    told: list[tuple[str, int, int]] = []
    page = report(
        str(scenario),
        folder / "report",
        runs=RUNS,
        validation=VALIDATION,
        attribution=ATTRIBUTION,
        experiment=EXPERIMENT,
        progress=lambda stage, done, total: told.append((stage, done, total)),
    )
    # no scoring (a validation was given); the runs, then each section in turn
    assert {stage for stage, _, _ in told} == {"months", "sections"}
    assert [t for t in told if t[0] == "sections"] == [("sections", k, 6) for k in range(7)]
    return page, scenario


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of the built-in toy-3 without validation, attribution or experiment."""
    folder = tmp_path_factory.mktemp("bare")
    return report("toy-3", folder / "report", runs=RUNS, score=False)


def _texts(svg: Path) -> list[str]:
    """Every text element of an SVG figure, whitespace-normalised."""
    root = ET.parse(svg).getroot()
    return [" ".join("".join(e.itertext()).split()) for e in root.iter() if e.tag == f"{SVG}text"]


def _section(page: str, key: str) -> str:
    start = page.index(f'<section id="{key}">')
    return page[start : page.index("</section>", start)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


# ----------------------------------------------------------------------------- files


def test_report_writes_index_and_every_figure(full: tuple[Path, Path]) -> None:
    page, _ = full
    assert page.name == "index.html" and page.is_file()
    for name in FIGURES.values():
        assert (page.parent / name).is_file(), name


def test_every_section_heading_and_the_header_are_present(full: tuple[Path, Path]) -> None:
    page, scenario = full
    text = page.read_text(encoding="utf-8")
    for key, title in SECTIONS.items():
        assert f'<section id="{key}">' in text
        assert f"<h2>{html.escape(title)}</h2>" in text
    import politburo

    header = text[: text.index("<nav>")]
    assert "Toy succession: three leaders, five regions" in header
    assert f"{RUNS} (run indices 0–{RUNS - 1})" in header
    assert "<th>seed</th><td>0</td>" in header
    assert f"<td>{politburo.__version__}</td>" in header
    assert "<th>parameters</th><td>defaults</td>" in header
    assert html.escape(f"politburo report {scenario}") in header


def test_figures_are_valid_svg_and_every_image_is_one_of_them(full: tuple[Path, Path]) -> None:
    page, _ = full
    for name in FIGURES.values():
        root = ET.parse(page.parent / name).getroot()  # raises on malformed XML
        assert root.tag == f"{SVG}svg", name
        assert float(root.attrib["width"].removesuffix("pt")) > 100
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    images = [attrs["src"] for tag, attrs in parser.tags if tag == "img"]
    assert sorted(images) == sorted(FIGURES.values())
    assert all(attrs.get("alt") for tag, attrs in parser.tags if tag == "img")


@pytest.mark.parametrize("which", ["full", "bare"])
def test_nothing_is_loaded_from_the_network(which: str, request: pytest.FixtureRequest) -> None:
    fixture = request.getfixturevalue(which)
    page: Path = fixture[0] if isinstance(fixture, tuple) else fixture
    text = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    assert not [tag for tag, _ in parser.tags if tag in ("script", "link", "iframe", "object")]
    for tag, attrs in parser.tags:
        for attr in ("src", "href", "srcset", "data"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, attr, value)
    styles = "".join(re.findall(r"<style>(.*?)</style>", text, flags=re.S))
    assert "url(" not in styles and "@import" not in styles
    for svg in page.parent.glob("*.svg"):
        root = ET.parse(svg).getroot()
        assert not [e for e in root.iter() if e.tag in (f"{SVG}image", f"{SVG}script")]
        for element in root.iter():
            for key, value in element.attrib.items():
                if key.endswith("href"):
                    assert value.startswith("#"), (svg.name, key, value)
        assert "@import" not in svg.read_text(encoding="utf-8")


def test_sections_without_input_say_so(bare: Path) -> None:
    text = bare.read_text(encoding="utf-8")
    milestones = _section(text, "milestones")
    assert 'class="note"' in milestones and "No validation result was given" in milestones
    attribution = _section(text, "attribution")
    assert 'class="note"' in attribution and "No attribution result was given" in attribution
    assert "<img" not in milestones and "<img" not in attribution
    assert not (bare.parent / FIGURES["milestones"]).exists()
    assert not (bare.parent / FIGURES["attribution"]).exists()
    assert "No experiment was given" in _section(text, "winners")
    assert "given" not in text[text.index("<th>inputs</th>") :].split("</tr>")[0]


# ----------------------------------------------------------------------------- content


def test_fan_chart_names_the_leaders_who_matter(full: tuple[Path, Path]) -> None:
    page, scenario = full
    world = world_of(str(scenario))
    power = simulate(world, seed=0, runs=RUNS, record_events=False).power
    shown = fan_leaders(power, world)
    texts = _texts(page.parent / FIGURES["power"])
    for i in shown:
        assert world.leader_names[i] in texts
    assert "median across runs" in texts
    assert "real power (share of votes)" in texts
    assert "1951" in texts  # years on the calendar axis


def test_survival_marks_the_historical_exit_with_the_simulated_share(
    full: tuple[Path, Path],
) -> None:
    page, scenario = full
    world = world_of(str(scenario))
    lost = simulate(world, seed=0, runs=RUNS, record_events=False).state.lost_seat
    tribune = world.leader_ids.index("tribune")
    t = world.turn_of("1951-03")
    seated = float(np.mean((lost[:, tribune] < 0) | (lost[:, tribune] > t)))
    texts = " | ".join(_texts(page.parent / FIGURES["survival"]))
    assert "historical exit 1951-03:" in texts
    assert f"{seated:.0%} of runs still seated" in texts
    assert "historically kept his seat" in texts  # the editor's record: null
    for name in world.leader_names:  # all three sit in the presidium at the start
        assert name in texts
    table = _section(page.read_text(encoding="utf-8"), "survival")
    assert "1951-03" in table and "kept it" in table


def test_winner_figure_shows_each_arm_and_its_shares(full: tuple[Path, Path]) -> None:
    page, _ = full
    texts = _texts(page.parent / FIGURES["winners"])
    assert "baseline (40 runs)" in texts
    assert "ablate:appointment (40 runs)" in texts
    assert "60%" in texts and "40%" in texts and "25%" in texts
    section = _section(page.read_text(encoding="utf-8"), "winners")
    assert "45.0% – 74.0%" in section  # the experiment's interval, not recomputed


def test_winner_figure_without_experiment_uses_the_reports_runs(bare: Path) -> None:
    world = world_of("toy-3")
    result = simulate(world, seed=0, runs=RUNS, record_events=False)
    winners = [result.outcome(k).winner or "none" for k in range(RUNS)]
    top = max(set(winners), key=winners.count)
    texts = _texts(bare.parent / FIGURES["winners"])
    assert f"baseline: this report's runs ({RUNS} runs)" in texts
    assert f"{winners.count(top) / RUNS:.0%}" in texts


def test_milestone_figure_names_every_milestone(full: tuple[Path, Path]) -> None:
    page, _ = full
    texts = _texts(page.parent / FIGURES["milestones"])
    for row in VALIDATION.scores.milestones:
        assert row.name in texts
    assert "happened in 90%, ±6 mo: 70%" in texts
    assert "happened in 0%, ±6 mo: 0%" in texts
    section = _section(page.read_text(encoding="utf-8"), "milestones")
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in rows]
    assert ["tribune leaves the politburo", "1951-03", "1951-05", "2.0", "70%", "90%"] in cells
    # the milestone with no simulated median
    assert ["editor expelled from the party", "1952-06", "never", "19.0", "0%", "0%"] in cells
    assert ["p_historical_winner", "0.500"] in cells and ["order_share", "–"] in cells


def test_attribution_figure_has_every_mechanism_and_group(full: tuple[Path, Path]) -> None:
    page, _ = full
    texts = _texts(page.parent / FIGURES["attribution"])
    for name in ("appointment", "alliances", "information", "organization"):
        assert name in texts
    assert "no interval" in texts  # information's interval is null
    assert any("to P(The Secretary consolidates)" in t for t in texts)
    section = _section(page.read_text(encoding="utf-8"), "attribution")
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)]
    assert ["every mechanism on", "0.900", "0.800 – 0.950"] in cells
    assert ["appointment", "0.450", "0.300 – 0.600"] in cells
    assert ["information", "0.200", "– – –"] in cells  # no interval
    assert ["organization", "0.500", "0.350 – 0.650", "appointment, recruitment"] in cells


def test_narrative_tells_the_chosen_run(full: tuple[Path, Path]) -> None:
    page, scenario = full
    world = world_of(str(scenario))
    result = simulate(world, seed=0, runs=RUNS, record_events=False)
    outcomes = [result.outcome(k) for k in range(RUNS)]
    chosen, _ = representative_run(world, outcomes, result.power)
    section = _section(page.read_text(encoding="utf-8"), "narrative")
    assert "How this run was chosen." in section
    assert f"runs=[{chosen}]" in section
    outcome = outcomes[chosen]
    if outcome.winner is not None:
        name = world.leader_names[world.leader_ids.index(outcome.winner)]
        assert html.escape(f"{name} consolidated power in {outcome.month}.") in section
    assert re.search(r"<h4>\d{4}-\d{2}</h4><ul><li>", section)
    assert f"Run {chosen} (seed 0)" in " ".join(_texts(page.parent / FIGURES["run"]))


# ----------------------------------------------------------------------------- helpers


def test_representative_run_is_the_modal_winner_nearest_the_median_month() -> None:
    world = world_of("toy-3")
    power = np.zeros((world.months, 6, world.n_leaders), dtype=np.float32)
    outcomes = [
        Outcome(0, "tribune", "1950-06", {}),
        Outcome(1, "secretary", "1951-01", {}),
        Outcome(2, "secretary", "1951-09", {}),
        Outcome(3, "secretary", "1951-05", {}),  # the median of the three: 1951-05
        Outcome(4, None, None, {}),
        Outcome(5, "secretary", "1953-01", {}),
    ]
    # secretary: 1951-01, 1951-05, 1951-09, 1953-01 -> lower median 1951-05 (run 3)
    chosen, how = representative_run(world, outcomes, power)
    assert chosen == 3
    assert "4 of 6 runs" in how and "1951-05" in how
    # Ties (several runs in the median month) go to the lowest run index.
    tied = [Outcome(0, "tribune", "1950-06", {})] + [Outcome(1, "editor", "1951-03", {})] * 2
    assert representative_run(world, tied, power[:, :3])[0] == 1


def test_representative_run_without_a_winner_takes_the_median_path() -> None:
    world = world_of("toy-3")
    power = np.zeros((world.months, 3, world.n_leaders), dtype=np.float32)
    power[:, 0, 0], power[:, 1, 0], power[:, 2, 0] = 0.2, 0.5, 0.9
    outcomes = [Outcome(0, None, None, {})] * 3
    chosen, how = representative_run(world, outcomes, power)
    assert chosen == 1
    assert "No one consolidated power in 3 of 3 runs" in how


def test_survival_curves_count_runs_still_seated() -> None:
    lost = np.array([[-1, 0], [2, 1], [1, -1], [-1, 3]])
    curves = survival_curves(lost, 4)
    np.testing.assert_allclose(curves[:, 0], [1.0, 0.75, 0.5, 0.5])
    np.testing.assert_allclose(curves[:, 1], [0.75, 0.5, 0.5, 0.25])


def test_an_experiment_summary_without_intervals_is_refused() -> None:
    # The record guarantees every share its interval: the report never has to guess one.
    broken = EXPERIMENT.to_json()
    del broken["arms"][0]["winners"]["secretary"]["ci"]
    with pytest.raises(ValidationError):
        ExperimentSummary.model_validate(broken)
    arms = arms_from_experiment(EXPERIMENT)
    assert arms[0].winners["secretary"] == (0.6, 0.45, 0.74) and arms[0].runs == 40


def test_attribution_panels_read_a_group_attribution() -> None:
    # The record of group_shapley: contributions by group, each group's members.
    panels = attribution_panels(
        AttributionRecord.model_validate(
            {
                "method": "exact",
                "runs": 1,
                "confidence": 0.95,
                "evaluations": 4,
                "p_all_on": {"value": 0.4, "ci": [None, None]},
                "p_all_off": {"value": 0.0, "ci": [None, None]},
                "total": {"value": 0.4, "ci": [None, None]},
                "contributions": {
                    "a": {"value": 0.1, "ci": [0.0, 0.2]},
                    "b": {"value": 0.3, "ci": [None, None]},
                },
                "members": {"a": ["x", "y"], "b": ["z"]},
            }
        )
    )
    assert len(panels) == 1
    assert panels[0].title == "mechanism groups"
    assert [bar[0] for bar in panels[0].bars] == ["b", "a"]  # largest first
    assert panels[0].bars[0][2:] == (None, None)
    assert panels[0].members == {"a": ["x", "y"], "b": ["z"]}


def test_the_page_escapes_what_it_is_given(tmp_path: Path) -> None:
    # Every value reaches the page through the template's autoescaping: a scenario's
    # description or a leader's name cannot inject markup.
    text = (resources.files("politburo.scenario") / "builtin" / "toy-3.yaml").read_text(
        encoding="utf-8"
    )
    start = text.index("\nname: ") + len("\nname: ")
    end = text.index("\n", start)
    hostile = text[:start] + '"Toy <script>alert(1)</script> & co"' + text[end:]
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(hostile, encoding="utf-8")
    page = report(str(scenario), tmp_path / "report", runs=2).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "Toy &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_the_documented_results_are_records_the_report_reads() -> None:
    # docs/calibration holds `validate --json` and `explain --json` outputs: each reads as
    # its record and writes back the same JSON, key for key.
    folder = Path(__file__).parents[1] / "docs" / "calibration"
    for path in sorted(folder.glob("validate-*.json")) + sorted(folder.glob("explain-*.json")):
        record = ValidationReport if path.name.startswith("validate") else Explanation
        command = "validate" if record is ValidationReport else "explain"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert read_record(path, record, command).to_json() == data, path.name


def test_a_file_of_another_shape_is_refused_with_what_to_give(tmp_path: Path) -> None:
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    with pytest.raises(RecordError, match="give the output of `politburo validate --json`"):
        read_record(listing, ValidationReport, "validate")
    attribution = tmp_path / "attribution.json"
    attribution.write_text(json.dumps(ATTRIBUTION.to_json()))
    # an attribution is not a validation: the first field that does not fit is named
    with pytest.raises(RecordError, match=r"attribution\.json: (scores|scenario|runs)"):
        read_record(attribution, ValidationReport, "validate")
    infinite = ATTRIBUTION.to_json()
    infinite["p_all_on"]["value"] = float("inf")
    attribution.write_text(json.dumps(infinite))  # Infinity: JSON that Python writes
    with pytest.raises(RecordError, match=r"p_all_on\.value"):
        read_record(attribution, Explanation, "explain")


def test_the_template_ships_with_the_package() -> None:
    # A normal (non-editable) install carries only what package-data names.
    import fnmatch
    import tomllib

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["politburo.analysis"]
    templates = resources.files("politburo.analysis") / "templates"
    names = [entry.name for entry in templates.iterdir()]
    assert "report.html.j2" in names
    for name in names:
        assert any(fnmatch.fnmatch(f"templates/{name}", p) for p in patterns), name
    assert any(d.startswith("jinja2") for d in config["project"]["dependencies"])


def test_palette_gives_each_leader_one_colour() -> None:
    world = world_of("toy-3")
    power = simulate(world, seed=0, runs=5, record_events=False).power
    palette = Palette.from_power(world, power)
    colours = [palette(leader) for leader in world.leader_ids]
    assert len(set(colours)) == len(colours)
    assert palette("none") not in colours
    # Ids the scenario does not know (another scenario's experiment) get colours of their own.
    wider = palette.extended(["stalin", "none", *world.leader_ids])
    assert [wider(leader) for leader in world.leader_ids] == colours
    assert wider("stalin") not in [*colours, palette("none")]
