/* politburo in the browser: the classroom pages. /class (set up a lesson), /class/<code>
 * (a student joins; the teacher's live board), /class/<code>/debrief (the debrief, made
 * for a projector), /class/<code>/game/<id> (a student's end screen, for the teacher).
 * Loaded before app.js, whose helpers (h, api, store, endScreen, …) and router it uses;
 * it defines functions only. The teacher's token travels in the board link's fragment
 * (#teacher=…) and is remembered by this browser.
 */
"use strict";

/* Lesson lengths offered (months); "full" is the whole calendar. */
const LESSON_LENGTHS = [24, 48];

function teacherHeaders(code) {
  const frag = fragment();
  if (frag.teacher) store.saveTeacher(code, frag.teacher);
  const token = frag.teacher || store.teacherToken(code);
  return token ? { "X-Teacher-Token": token } : null;
}

function noTeacherToken(code) {
  clear(main).append(h("section", { class: "panel" }, h("h1", {}, "Open the class board first"),
    h("p", {}, "This page is for the class's teacher: open the board link (it ends in #teacher=…) " +
      "on this computer once."), h("p", {}, h("a", { href: `/class/${code}` }, "The class page"))));
}

function lessonText(lesson) {
  const length = lesson.full ? `the whole calendar, ${lesson.start} to ${lesson.end}` :
    `${lesson.months} months, ${lesson.start} to ${lesson.end}`;
  const who = lesson.leaders === "balance" ? "students spread over the leaders" : "students choose their leader";
  const assigned = lesson.roster.length ? `, ${lesson.roster.length} assigned by the teacher` : "";
  const ai = lesson.difficulty === "lookahead" ? "look-ahead AI" : "heuristic AI";
  return `Lesson: ${length}; ${ai}; ${who}${assigned}.`;
}

function ago(seconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/* "Ann: Trotsky" lines -> [{name, leader}], matching a leader by id, name or surname. */
function parseRoster(text, leaders) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const [name, who] = line.split(":").map((x) => (x || "").trim());
    const key = who.toLowerCase();
    const leader = leaders.find((l) => l.id === key || l.name.toLowerCase() === key ||
      l.name.toLowerCase().split(" ").slice(-1)[0] === key);
    if (!name || !leader) throw new Error(`Cannot read "${line.trim()}": write "Name: leader", e.g. "Anna: ${leaders[0].name}".`);
    out.push({ name, leader: leader.id });
  }
  return out;
}

/* ---------- setting up a lesson ---------- */

async function newClassPage() {
  document.title = "politburo — set up a lesson";
  const scenarios = await api("GET", "/api/scenarios");
  clear(main);
  const select = h("select", { id: "class-scenario" },
    scenarioOptions(scenarios));
  const lengthBox = h("div", { class: "row" });
  const diffBox = h("div");
  const poolBox = h("div", { class: "pool" });
  const form = h("form", { class: "panel", id: "class-form" },
    h("h1", {}, "Set up a lesson"),
    h("p", {}, "Students join with a short code and each plays one leader against the AI. You follow " +
      "them on a live board, then debrief the class beside history and the AI-only odds."),
    h("div", { class: "row" },
      h("label", {}, "Class name ", h("input", { id: "class-name", required: true, maxlength: 80, value: "History 10B" })),
      h("label", {}, "Scenario ", select)),
    h("h2", {}, "Length"), lengthBox,
    h("h2", {}, "Difficulty"), diffBox,
    h("h2", {}, "Who plays whom"),
    h("div", { class: "row" },
      h("label", {}, h("input", { type: "radio", name: "leaders", value: "choose", checked: true }), " Students choose"),
      h("label", {}, h("input", { type: "radio", name: "leaders", value: "balance", id: "mode-balance" }),
        " Balance: spread the students evenly over the leaders")),
    h("details", {}, h("summary", {}, "Limit the leaders (optional)"),
      h("p", { class: "small" }, "Tick the leaders students may play. None ticked: with balance, the " +
        "contenders (leaders who act, hold a seat at the start and whose death is not scheduled); " +
        "when students choose, every leader who acts."), poolBox),
    h("details", {}, h("summary", {}, "Assign leaders to named students (optional)"),
      h("p", { class: "small" }, "One student a line, \"Name: leader\" (a surname is enough). A " +
        "student who joins under that name plays that leader; everyone else as above."),
      h("textarea", { id: "roster", rows: 5, cols: 40, placeholder: "Anna: Trotsky\nBen: Zinoviev" })),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary", id: "create-class" }, "Create the class")));
  const render = () => {
    const s = scenarios.find((x) => x.id === select.value);
    clear(lengthBox).append(
      ...LESSON_LENGTHS.filter((m) => m < s.months).map((m, k) => h("label", {},
        h("input", { type: "radio", name: "length", value: m, checked: k === 0 }), ` ${m} months`)),
      h("label", {}, h("input", { type: "radio", name: "length", value: "full",
        checked: !LESSON_LENGTHS.some((m) => m < s.months) }), ` the whole calendar (${s.months} months, ${s.start} to ${s.end})`),
      h("span", { class: "small" }, "A month takes a student about 20–40 s."));
    clear(diffBox).append(difficultyPicker(s.difficulties, "difficulty"));
    clear(poolBox).append(h("div", { class: "pool-list" }, s.leaders.map((l) => h("label", {},
      h("input", { type: "checkbox", name: "pool", value: l.id }), ` ${l.name}`))));
  };
  select.addEventListener("change", render);
  render();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const s = scenarios.find((x) => x.id === select.value);
    try {
      const length = checked(form, "length");
      const pool = [...form.querySelectorAll('input[name="pool"]:checked')].map((x) => x.value);
      const lesson = {
        difficulty: checked(form, "difficulty"),
        months: length === "full" ? null : Number(length),
        leaders: checked(form, "leaders"),
        roster: parseRoster(form.querySelector("#roster").value, s.leaders),
      };
      if (pool.length) lesson.pool = pool;
      const made = await api("POST", "/api/classes", {
        name: form.querySelector("#class-name").value.trim(), scenario: select.value, lesson,
      });
      store.saveTeacher(made.code, made.teacher_token);
      location.href = `/class/${made.code}#teacher=${encodeURIComponent(made.teacher_token)}`;
    } catch (error) { showError(form, error); }
  });
  main.append(form);
}

/* ---------- joining ---------- */

async function classPage(code) {
  code = code.toUpperCase();
  const headers = teacherHeaders(code);
  if (headers) return teacherPage(code, headers);
  const info = await api("GET", `/api/classes/${code}`);
  document.title = `politburo — join ${info.name}`;
  clear(main);
  const choose = info.lesson.leaders === "choose";
  const form = h("form", { class: "panel", id: "join-class" },
    h("h1", {}, `Join ${info.name}`),
    h("p", {}, `Scenario: ${info.scenario_name}. Class code ${info.code}.`),
    h("p", { class: "small" }, lessonText(info.lesson)),
    h("label", {}, "Your name ", h("input", { id: "student-name", required: true, maxlength: 60, autocomplete: "name" })),
    h("p", { class: "small" }, "Use the same name if you come back: it resumes your game."),
    choose ? [h("h2", {}, "Your leader"), leaderPicker(info.leaders, "leader"),
      info.lesson.roster.length ? h("p", { class: "small" }, "If your teacher assigned you a leader, you play that one.") : null]
      : h("p", {}, "Your leader is given to you when you join, so that the class covers every side."),
    h("button", { type: "submit", class: "primary", id: "join" }, "Start playing"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { player_name: form.querySelector("#student-name").value.trim() };
    if (choose) body.leader = checked(form, "leader");
    try {
      const created = await api("POST", `/api/classes/${code}/join`, body);
      store.saveGame(created.id, created.token, `${created.game.leader_name}, class ${code}`);
      location.href = `/game/${created.id}#token=${encodeURIComponent(created.token)}`;
    } catch (error) { showError(form, error); }
  });
  main.append(form);
}

/* ---------- the teacher's live board ---------- */

async function downloadResults(code, headers, where) {
  try {
    const response = await fetch(`/api/classes/${code}/results.csv`, { headers });
    if (!response.ok) throw new Error(`The results could not be downloaded (${response.status}).`);
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `politburo-${code}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) { showError(where, error); }
}

function joinAddress(code) {
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
  return h("div", {},
    h("p", {}, "Students join at ", h("strong", { id: "join-url" }, `${location.origin}/class/${code}`),
      " — class code ", h("strong", { class: "code", id: "class-code-shown" }, code)),
    local ? h("p", { class: "notice small", id: "local-warning" }, "This address works only on this " +
      "computer. Serve the class with politburo serve --host 0.0.0.0 and open this board at the " +
      "computer's network address (see “Running a lesson” in docs/web.md); the link above follows it.") : null);
}

async function teacherPage(code, headers) {
  if (!fragment().teacher) history.replaceState(null, "", `/class/${code}#teacher=${encodeURIComponent(headers["X-Teacher-Token"])}`);
  const board = h("div", { id: "board" });
  clear(main).append(board);
  const render = async () => {
    let d;
    try { d = await api("GET", `/api/classes/${code}/dashboard`, undefined, headers); }
    catch (error) { clear(board).append(h("section", { class: "panel" }, h("p", { class: "error" }, error.message))); return; }
    document.title = `politburo — ${d.name} (${d.code})`;
    const winners = Object.entries(d.winners)
      .map(([k, v]) => `${k === "no one" ? "no one (collective leadership)" : k}: ${v}`).join(", ");
    clear(board).append(
      h("section", { class: "panel top" },
        h("div", {}, h("h1", {}, d.name), joinAddress(d.code), h("p", { class: "small" }, lessonText(d.lesson))),
        h("div", { class: "headline", id: "headline" }, d.headline)),
      h("div", { class: "row" },
        h("a", { class: "button primary", id: "open-debrief", href: `/class/${d.code}/debrief` }, "Debrief ▸"),
        h("button", { type: "button", id: "download-csv", onclick: () => downloadResults(d.code, headers, board) },
          "Download results (CSV)")),
      h("section", { class: "panel", id: "class-games" },
        h("h2", {}, `Students (${d.games.length})`),
        winners ? h("p", {}, "Who consolidated power in the finished games: ", winners) : null,
        h("div", { class: "table-scroll" }, h("table", { class: "grid-table" },
          h("tr", {}, ["student", "leader", "month", "state", "last move", ""].map((c) => h("th", {}, c))),
          d.games.map((g) => h("tr", { "data-student": g.player_name || "" },
            h("td", {}, g.player_name || "—"), h("td", {}, g.leader_name),
            h("td", {}, g.month), h("td", {}, g.state), h("td", { class: "small" }, ago(g.last_active)),
            h("td", {}, g.over ? h("a", { href: `/class/${d.code}/game/${g.id}` }, "end screen") : ""))))),
        d.games.length ? null : h("p", { class: "small" }, "No student has joined yet.")),
      h("p", { class: "small" }, "This board refreshes every 5 seconds."));
  };
  await render();
  const timer = setInterval(() => {
    if (!document.getElementById("board")) clearInterval(timer);
    else render();
  }, 5000);
}

/* ---------- the debrief (projector) ---------- */

function share(x) {
  return x === null || x === undefined ? "—" : pct(x);
}

async function debriefPage(code) {
  code = code.toUpperCase();
  const headers = teacherHeaders(code);
  if (!headers) return noTeacherToken(code);
  const d = await api("GET", `/api/classes/${code}/debrief`, undefined, headers);
  document.title = `politburo — debrief, ${d.name}`;
  document.body.classList.add("projector");
  const l = d.lesson;
  const oddsNote = d.odds.status === "ready"
    ? `AI-only: ${d.odds.runs} games with the AI in every seat over the whole calendar (${l.start} to ${l.calendar_end})` +
      (d.odds.median_month ? `; median month of consolidation ${d.odds.median_month}.` : ".")
    : `The AI-only odds are being computed (${d.odds.done || 0} of ${d.odds.runs})…`;
  clear(main).append(
    h("section", { class: "panel debrief", id: "debrief" },
      h("h1", {}, `${d.name}: the debrief`),
      h("p", {}, `${d.scenario_name}. ${lessonText(l)} ${d.finished} of ${d.total} games finished.`),
      d.history ? h("p", { class: "history-line", id: "history-line" }, "In history: ", d.history) : null),
    h("section", { class: "panel debrief", id: "outcomes" },
      h("h2", {}, l.full ? "Who consolidated power" : `Who consolidated power, and who was strongest when the lesson stopped (${l.end})`),
      h("div", { class: "table-scroll" }, h("table", { class: "grid-table big-table" },
        h("tr", {}, h("th", {}, ""), h("th", {}, "your class"), l.full ? null : h("th", {}, `strongest at ${l.end}`),
          h("th", {}, "AI only"), h("th", {}, "history")),
        d.outcomes.map((o) => h("tr", { class: o.history ? "mine" : "" },
          h("td", {}, o.name), h("td", {}, `${o.class_count}${o.class_share === null ? "" : ` (${share(o.class_share)})`}`),
          l.full ? null : h("td", {}, String(o.strongest_count)),
          h("td", {}, o.ai_share === null ? "—" : `${share(o.ai_share)} (${share(o.ai_low)}–${share(o.ai_high)})`),
          h("td", {}, o.history ? "✔" : ""))))),
      h("p", { class: "small" }, oddsNote)),
    h("section", { class: "panel debrief", id: "prompts" },
      h("h2", {}, "To discuss"),
      h("ol", { class: "prompts" }, d.prompts.map((p) => h("li", {}, p)))),
    h("section", { class: "panel debrief", id: "fates" },
      h("h2", {}, "The leaders you played: your class and history"),
      h("div", { class: "table-scroll" }, h("table", { class: "grid-table big-table" },
        h("tr", {}, ["leader", "students", "in your class", "in history"].map((c) => h("th", {}, c))),
        d.fates.map((f) => h("tr", {}, h("td", {}, f.name), h("td", {}, String(f.students)),
          h("td", {}, f.falls.length ? f.falls.join("; ") : "no one fell"), h("td", {}, f.history)))))),
    h("section", { class: "panel debrief", id: "turning" },
      h("h2", {}, "Each game's turning points"),
      d.games.map((g) => h("details", { class: "game-points", open: d.games.length <= 4 },
        h("summary", {}, `${g.player_name} (${g.leader_name}) — ${g.fate}; ${g.outcome}`),
        g.turning_points.length ? h("ul", {}, g.turning_points.map((p) => h("li",
          { class: p.for_you === true ? "won" : p.for_you === false ? "lost" : "" }, h("strong", {}, p.month), " ", p.text)))
          : h("p", { class: "small" }, "Nothing changed his position."),
        g.over ? h("p", {}, h("a", { href: `/class/${d.code}/game/${g.id}` }, `${g.player_name}'s end screen ▸`)) : null))),
    h("p", {}, h("a", { href: `/class/${d.code}` }, "◂ Back to the board")));
  if (d.odds.status === "computing") setTimeout(() => debriefPage(code).catch(() => {}), 3000);
}

/* ---------- a student's end screen, for the teacher ---------- */

async function studentGamePage(code, id) {
  code = code.toUpperCase();
  const headers = teacherHeaders(code);
  if (!headers) return noTeacherToken(code);
  const data = await api("GET", `/api/classes/${code}/games/${id}`, undefined, headers);
  const game = { ...data.game, summary_url: data.summary_url };
  document.title = `politburo — ${data.player_name}: ${game.leader_name}`;
  clear(main).append(
    h("section", { class: "panel top" },
      h("div", {}, h("h1", {}, `${data.player_name || "A student"}: ${game.leader_name}`),
        h("p", { class: "small" }, game.over ? `${game.scenario_name}, the end screen` : `${game.scenario_name}, at ${game.month}`)),
      h("p", {}, h("a", { href: `/class/${code}` }, "◂ Board"), " · ", h("a", { href: `/class/${code}/debrief` }, "Debrief"))));
  if (game.over) main.append(endScreen(game, headers));
  else main.append(h("p", { class: "notice" }, "This game is not over yet: its end screen appears when it ends."));
  main.append(chartPanel(game));
  drawChart(game);
}
