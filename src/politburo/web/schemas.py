"""The JSON API's request and response bodies (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from politburo.model.actions import Verb
from politburo.model.params import DEFAULT_PARAMETERS
from politburo.scenario import builtin_names

VerbId = Literal[
    "pass",
    "recant",
    "break_alliance",
    "propose_alliance",
    "shift_position",
    "win_over",
    "appoint",
    "recruit",
    "attack",
    "defend_line",
    "criticize_line",
    "appeal",
    "gather_material",
    "organize_faction",
    "propose_policy",
    "move_discipline",
]
assert set(VerbId.__args__) == {v.name.lower() for v in Verb}  # type: ignore[attr-defined]

Difficulty = Literal["heuristic", "lookahead"]
ScenarioId = Field(
    pattern=r"^[a-z][a-z0-9-]{0,63}$",
    description="A built-in scenario id.",
    json_schema_extra={"enum": list[JsonValue](builtin_names())},
)
LeaderId = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="A leader id of the scenario.")
Seed = Field(default=None, ge=0, le=2**63 - 1, description="Random seed (default: random).")
PlayerName = Field(default=None, min_length=1, max_length=60, description="Shown to the teacher.")
ClassCode = Field(
    default=None, pattern=r"^[A-Za-z0-9]{4,12}$", description="Join this class (its code)."
)

#: most actions a request may carry: a leader's monthly budget
MAX_ACTIONS = DEFAULT_PARAMETERS.actions_per_month


class Problem(BaseModel):
    """An error: ``detail`` says what to fix (a list for malformed requests)."""

    detail: str | list[dict[str, Any]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewGame(Strict):
    """Start a game: the scenario, your leader, the AI's strength, optionally a seed."""

    scenario: str = ScenarioId
    leader: str = LeaderId
    difficulty: Difficulty = "heuristic"
    seed: int | None = Seed
    player_name: str | None = PlayerName
    class_code: str | None = ClassCode


class ActionIn(Strict):
    """One action: a verb and its target (a leader or region id, ``issue+`` / ``issue-``,
    or null for verbs without a target). The game view lists the legal ones."""

    verb: VerbId
    target: str | None = Field(default=None, max_length=64)


Turn = Field(
    ge=0,
    le=10_000,
    description="The game's current turn (its `turn`): a repeated or late request gets 409.",
)


class ActRequest(Strict):
    """Choose this month's actions (replacing any chosen before) for the month ``turn``."""

    actions: list[ActionIn] = Field(max_length=MAX_ACTIONS)
    turn: int = Turn


class AdvanceRequest(Strict):
    """Play the month. ``actions`` if given replace those chosen with ``/actions``;
    ``turn`` must be the game's current turn (a double click or a late request gets
    409 and plays nothing); ``months`` > 1 plays on, passing, for that many months (or to
    the end), at most the server's cap (120, or 12 with the look-ahead AI, by default)."""

    actions: list[ActionIn] | None = Field(default=None, max_length=MAX_ACTIONS)
    turn: int = Turn
    months: int = Field(default=1, ge=1, le=240)


class LeaderInfo(BaseModel):
    id: str
    name: str
    sketch: str
    offices: list[str]
    seat: str
    default: bool = Field(description="The leader offered first: a contender.")


class ScenarioInfo(BaseModel):
    id: str
    name: str
    description: str
    start: str
    end: str
    months: int
    leaders: list[LeaderInfo]
    historical_winner: str | None
    difficulties: dict[str, str]
    goal: str = Field(description="How the game is won and how it ends.")
    rules: list[str]
    glossary: dict[str, str] = Field(description="Every term the pages use, explained.")


class ChoiceOut(BaseModel):
    verb: VerbId
    target: str | None
    text: str
    hint: str = Field(description="The model's forecast for this target now, or what it does.")
    verb_text: str
    target_text: str


class ActionOut(BaseModel):
    verb: VerbId
    target: str | None
    text: str
    expected: str = Field(default="", description="The model's forecast when it was chosen.")


class PowerChange(BaseModel):
    before: float
    after: float


class MoveResult(BaseModel):
    """What became of one of the player's moves."""

    action: str
    result: str
    success: bool | None = Field(description="Succeeded, failed, or neither (just done).")
    why: str = Field(description="The vote and what it needed, where there was one.")
    expected: str
    yes: int | None = None
    no: int | None = None


class Pending(BaseModel):
    """The actions chosen for the current month."""

    id: str
    turn: int
    pending: list[ActionOut]


class EventOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    month: str
    kind: str
    actor: str | None
    target: str | None
    text: str
    vote: bool
    routine: bool
    mine: bool
    yes: int | None = None
    no: int | None = None


class MonthRecord(BaseModel):
    turn: int = Field(description="-1 for the start")
    month: str
    actions: list[ActionOut]
    your_power: PowerChange | None = Field(description="Your power as you saw it, then and now.")
    your_moves: list[MoveResult] = Field(description="Your moves and what became of them.")
    about_you: list[str] = Field(description="Others' moves on you.")
    events: list[EventOut] = Field(description="Everything else you could know of.")
    seen: list[float] = Field(description="Every leader's power as your leader saw it.")
    real: list[float] | None = Field(description="Real power (only once the game is over).")


class Upcoming(BaseModel):
    name: str
    kind: str
    month: str
    in_months: int


class Series(BaseModel):
    leader: str
    name: str
    me: bool
    seen: list[float]
    real: list[float] | None = None


class Chart(BaseModel):
    labels: list[str]
    series: list[Series]
    real_shown: bool


class Node(BaseModel):
    id: str
    name: str
    power: float
    bloc: str
    principal: bool
    seat: str
    me: bool
    incapacitated: bool


class Edge(BaseModel):
    source: str
    target: str
    kind: Literal["client", "ally", "broken"]
    new: bool = False


class Graph(BaseModel):
    nodes: list[Node]
    edges: list[Edge]


class GameView(BaseModel):
    """Everything the monthly page shows."""

    id: str
    scenario: str
    scenario_name: str
    leader: str
    leader_name: str
    sketch: str
    difficulty: Difficulty
    seed: int | None = Field(description="Revealed once the game is over.")
    player_name: str | None
    class_code: str | None
    turn: int
    months: int
    month: str
    over: bool
    status: str = Field(description="playing, incapacitated, expelled, exiled, dead or over")
    budget: int
    situation: dict[str, Any]
    upcoming: list[Upcoming]
    choices: list[ChoiceOut]
    pending: list[ActionOut]
    last_month: MonthRecord | None
    chart: Chart
    featured: list[str] = Field(description="Leaders the chart shows by default.")
    terms: dict[str, str] = Field(description="The glossary.")
    graph: Graph
    outcome: dict[str, Any] | None


class GameCreated(BaseModel):
    id: str
    token: str = Field(description="Send as X-Player-Token; shown once.")
    url: str = Field(description="The game's page; the token travels in the fragment.")
    game: GameView


class AdvanceResult(BaseModel):
    report: MonthRecord = Field(description="The last month played.")
    game: GameView


class History(BaseModel):
    id: str
    months: list[MonthRecord]


class Odds(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: Literal["ready", "computing", "failed", "not_started"]
    runs: int
    note: str = ""


class TurningPoint(BaseModel):
    month: str
    change: float
    before: float
    after: float
    your_actions: list[str]
    events: list[str]
    about_you: bool


class TimelineRow(BaseModel):
    what: str
    history: str | None
    game: str | None


class Timeline(BaseModel):
    rows: list[TimelineRow]
    historical_winner: str | None
    historical_alliances: list[dict[str, Any]]
    has_history: bool


class RevealSeries(BaseModel):
    leader: str
    name: str
    me: bool
    real: list[float]
    seen: list[float]


class Danger(BaseModel):
    """The month the player could first have seen the danger."""

    month: str
    turn: int
    leader: str
    name: str
    real: float
    seen: float
    your_real: float
    your_seen: float
    hidden: bool = Field(description="He looked weaker than you while really stronger.")


class Reveal(BaseModel):
    """Real against seen power over the whole game: you, every rival who was ever really
    stronger than you, and the winner."""

    labels: list[str]
    series: list[RevealSeries]
    danger: Danger | None
    gap: str
    explain: list[str]


class Summary(BaseModel):
    """The end screen."""

    id: str
    leader: str
    leader_name: str
    outcome: dict[str, Any]
    verdict: str
    timeline: Timeline
    turning_points: list[TurningPoint]
    reveal: Reveal
    odds: Odds


class Health(BaseModel):
    status: str
    games: int
