"""The JSON API's request and response bodies (they make the OpenAPI document), and the
typed records the services pass between them.

A month's record (:class:`Record`) is also what the store keeps of each month, as JSON;
it is parsed back into these models when a game is loaded. Answers are written with
``exclude_unset``: a field left unset (a series' real power before the end, an event's
vote counts where there was no vote) is absent from the JSON, not null.
"""

from __future__ import annotations

from typing import Annotated, Literal

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

    detail: str | list[dict[str, JsonValue]]


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


class Chosen(BaseModel):
    """An action chosen for the current month, as the store keeps it."""

    verb: VerbId
    target: str | None


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
    """An event as the player may know it: what the engine recorded (ids, not indices;
    the fields its kind uses), its sentence, and how the pages sort it."""

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
    office: str | None = None
    region: str | None = None
    issue: str | None = None
    rung: str | None = Field(default=None, description="The discipline motion's rung.")
    cohort: str | None = None
    value: float | None = None


class Record(BaseModel):
    """What a month left, as saved: the player's actions, the events he could know,
    everyone's power as he saw it, and real power (shown only once the game is over)."""

    turn: int = Field(description="-1 for the start")
    month: str
    actions: list[ActionOut]
    events: list[EventOut]
    seen: list[float]
    real: list[float]


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
    situation: dict[str, JsonValue] = Field(
        description="Your offices, seat, bloc and allies, and the others as you see them "
        "(politburo.agents.human.observation)."
    )
    upcoming: list[Upcoming]
    choices: list[ChoiceOut]
    pending: list[ActionOut]
    last_month: MonthRecord | None
    chart: Chart
    featured: list[str] = Field(description="Leaders the chart shows by default.")
    terms: dict[str, str] = Field(description="The glossary.")
    graph: Graph
    outcome: Outcome | None


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


class Elimination(BaseModel):
    """When a leader lost his seat in the leadership, his party card, his liberty, his
    offices (months; null: never)."""

    politburo: str | None
    party: str | None
    exile: str | None
    offices: dict[str, str | None] | None = None


class AllianceOut(BaseModel):
    members: list[str]
    formed: str
    ended: str | None


class Outcome(BaseModel):
    """How the game ended: the winner and month (null: no one consolidated), each
    leader's losses, the alliances, and the story in sentences."""

    model_config = ConfigDict(extra="allow")

    winner: str | None
    month: str | None
    eliminations: dict[str, Elimination]
    alliances: list[AllianceOut]
    summary: list[str]
    lesson_ended: bool = Field(description="The lesson's months ran out before the calendar.")
    winner_name: str | None


class WinnerShare(BaseModel):
    """How often one leader (null: no one) won the AI-only runs, with a 95% Wilson
    interval."""

    leader: str | None
    name: str
    count: int
    share: float
    low: float
    high: float


class OddsResult(BaseModel):
    """The AI-only runs from a scenario's start, as the store keeps them."""

    runs: int
    seed: int
    winners: list[WinnerShare]
    median_month: str | None


class Odds(BaseModel):
    """The AI-only odds: ready (with the result's fields), or how far the computation is."""

    status: Literal["ready", "computing", "failed", "not_started"]
    runs: int
    done: int | None = Field(default=None, description="Runs done so far (while computing).")
    seed: int | None = None
    winners: list[WinnerShare] | None = None
    median_month: str | None = None
    note: str = ""
    your_leader_share: float | None = Field(
        default=None, description="How often your leader won them."
    )


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


class HistoricalAlliance(BaseModel):
    name: str
    members: list[str]
    start: str | None
    end: str | None


class Timeline(BaseModel):
    rows: list[TimelineRow]
    historical_winner: str | None
    historical_alliances: list[HistoricalAlliance]
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
    outcome: Outcome
    verdict: str
    timeline: Timeline
    turning_points: list[TurningPoint]
    reveal: Reveal
    odds: Odds


class Health(BaseModel):
    status: str
    games: int


# --- classes ---------------------------------------------------------------------------

LeaderRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
StudentName = Annotated[str, Field(min_length=1, max_length=60)]


class Assignment(Strict):
    """The teacher's choice of leader for one student (by name)."""

    name: StudentName
    leader: LeaderRef


class Lesson(Strict):
    """How the class plays: difficulty, length, and who plays whom."""

    difficulty: Difficulty = Field(
        default="heuristic", description="The AI every student plays against."
    )
    months: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="The lesson's length in months (null: the whole calendar).",
    )
    leaders: Literal["choose", "balance"] = Field(
        default="choose",
        description="choose: each student picks from the pool; balance: students are "
        "spread evenly over the pool as they join.",
    )
    pool: list[LeaderRef] | None = Field(
        default=None,
        max_length=64,
        description="The leaders students may play (default: with balance, the contenders "
        "— acting leaders with a seat at the start and no scheduled death; with choose, "
        "every leader who acts).",
    )
    roster: list[Assignment] = Field(
        default_factory=list,
        max_length=200,
        description="Leaders the teacher assigns by student name; they override the rest.",
    )


class NewClass(Strict):
    """Create a class: a name, the scenario every student plays, and the lesson."""

    name: str = Field(min_length=1, max_length=80)
    scenario: str = ScenarioId
    lesson: Lesson = Field(default_factory=Lesson)


class JoinClass(Strict):
    """Join a class: your name, and your leader if the class lets students choose.
    Joining again with the same name resumes your game."""

    player_name: StudentName
    leader: LeaderRef | None = None
    seed: int | None = Seed


class LessonOut(BaseModel):
    difficulty: Difficulty
    months: int = Field(description="The lesson's length in months.")
    full: bool = Field(description="Whether the lesson runs the whole calendar.")
    start: str
    end: str = Field(description="The lesson's last month.")
    calendar_end: str = Field(description="The scenario's last month.")
    leaders: Literal["choose", "balance"]
    pool: list[str]
    roster: list[Assignment]


class ClassCreated(BaseModel):
    code: str
    teacher_token: str = Field(description="Send as X-Teacher-Token; shown once.")
    name: str
    scenario: str
    lesson: LessonOut
    url: str = Field(description="The teacher's board; the token travels in the fragment.")
    join_url: str = Field(description="Give this to the students.")


class ClassInfo(BaseModel):
    code: str
    name: str
    scenario: str
    scenario_name: str
    lesson: LessonOut
    leaders: list[LeaderInfo] = Field(description="The leaders a student may choose from.")
    difficulties: dict[str, str]


class Joined(GameCreated):
    resumed: bool = Field(description="Whether this name's seat already had a game.")


class ClassGame(BaseModel):
    id: str
    player_name: str | None
    leader: str
    leader_name: str
    difficulty: str
    turn: int
    months: int
    month: str
    over: bool
    status: str
    state: str = Field(description="Where the game stands, in a few words.")
    winner: str | None
    winner_name: str | None
    consolidated: str | None
    last_active: float = Field(description="When the student last played (Unix seconds).")


class Dashboard(BaseModel):
    code: str
    name: str
    scenario: str
    lesson: LessonOut
    games: list[ClassGame]
    finished: int
    playing: int
    winners: dict[str, int] = Field(description="Who consolidated, over finished games.")
    historical_winner: str | None
    stopped: int | None = Field(
        description="Finished games of students playing a rival in which the historical "
        "winner did not consolidate."
    )
    stopped_of: int | None = Field(description="Finished games of students playing a rival.")
    as_winner: int | None = Field(
        description="Finished games of students playing the historical winner."
    )
    won_as_winner: int | None = Field(description="Of those, how many he consolidated.")
    headline: str


class DebriefPoint(BaseModel):
    month: str
    kind: str
    text: str
    for_you: bool | None = Field(description="A vote: whether it went the student's way.")


class DebriefGame(BaseModel):
    id: str
    player_name: str | None
    leader: str
    leader_name: str
    over: bool
    month: str
    outcome: str
    fate: str
    strongest_at_end: str
    turning_points: list[DebriefPoint]


class OutcomeRow(BaseModel):
    leader: str | None
    name: str
    class_count: int
    class_share: float | None
    strongest_count: int = Field(description="Games where he held most real power at the end.")
    ai_share: float | None
    ai_low: float | None
    ai_high: float | None
    history: bool


class FateRow(BaseModel):
    leader: str
    name: str
    students: int
    falls: list[str]
    history: str


class Debrief(BaseModel):
    code: str
    name: str
    scenario_name: str
    lesson: LessonOut
    finished: int
    total: int
    history: str | None
    outcomes: list[OutcomeRow]
    odds: Odds = Field(description="The AI-only odds, their winners in the outcomes.")
    fates: list[FateRow]
    games: list[DebriefGame]
    prompts: list[str]


class TeacherView(BaseModel):
    game: GameView
    player_name: str | None
    summary_url: str = Field(description="The game's end screen, for the teacher.")
