/* politburo in the browser: the pages, built on the JSON API (/docs).
 *
 * Pages: / (start), /game/<id> (the monthly view and the end screen), /class (create a
 * class), /class/<code> (join, or the teacher's dashboard). A game's token travels in
 * the link's fragment (#token=...), which browsers never send to the server, and is
 * kept in this browser's storage so the game can be resumed.
 * Charts: Chart.js; the network: Cytoscape.js (both served from /static/vendor).
 */
"use strict";

const main = document.getElementById("main");
/* Kelly's colours of maximum contrast (white left out): one per leader. */
const PALETTE = [
  "#222222", "#be0032", "#0067a5", "#008856", "#f38400", "#875692", "#a1caf1",
  "#882d17", "#8db600", "#e68fac", "#604e97", "#f6a600", "#b3446c", "#2b3d26",
  "#848482", "#f99379", "#654522", "#e25822", "#c2b280", "#dcd300", "#f3c300",
];

/* ---------- small helpers ---------- */

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

function pct(x) {
  return `${Math.round(x * 1000) / 10}%`;
}

class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
  }
}

async function api(method, path, body, headers) {
  const options = { method, headers: { ...(headers || {}) } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try { response = await fetch(path, options); } catch {
    throw new ApiError(0, "The server could not be reached. Check the connection and try again.");
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch {
    throw new ApiError(response.status, response.ok
      ? "The server's answer could not be read. Reload the page and try again."
      : `The server could not answer (error ${response.status}). Try again in a moment.`);
  }
  if (!response.ok) {
    let detail = data && data.detail !== undefined ? data.detail : response.statusText;
    if (Array.isArray(detail)) detail = detail.map((d) => d.msg || "a value is not valid").join("; ");
    if (!detail) detail = `The request failed (error ${response.status}).`;
    throw new ApiError(response.status, detail);
  }
  return data;
}

/* ---------- glossary: terms explained on hover, focus, tap or click ---------- */

let tipCount = 0;

/* A term with its explanation: a button that shows a tooltip on hover and keyboard
 * focus, and toggles it on tap or click; Escape closes it. */
function term(label, key, terms) {
  const text = terms && terms[key];
  if (!text) return label;
  const id = `tip-${++tipCount}`;
  const wrap = h("span", { class: "term-wrap" });
  const button = h("button", { type: "button", class: "term", "aria-describedby": id, "aria-expanded": "false" }, label);
  const tip = h("span", { role: "tooltip", id, class: "tip" }, text);
  const set = (open) => { wrap.classList.toggle("open", open); button.setAttribute("aria-expanded", String(open)); };
  button.addEventListener("click", () => set(!wrap.classList.contains("open")));
  button.addEventListener("keydown", (e) => { if (e.key === "Escape") set(false); });
  button.addEventListener("blur", () => set(false));
  wrap.append(button, tip);
  return wrap;
}

function glossaryList(terms) {
  return h("dl", { class: "glossary" }, Object.entries(terms).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function announce(text) {
  const box = document.getElementById("announce");
  if (box) { box.textContent = ""; setTimeout(() => { box.textContent = text; }, 50); }
}

function nameMap(game) {
  return new Map(game.chart.series.map((s) => [s.leader, s.name]));
}

function colourMap(game) {
  return new Map(game.chart.series.map((s, k) => [s.leader, PALETTE[k % PALETTE.length]]));
}

function fragment() {
  const out = {};
  for (const part of location.hash.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const [k, v] = part.split("=");
    out[decodeURIComponent(k)] = decodeURIComponent(v || "");
  }
  return out;
}

function showError(where, error) {
  const box = h("p", { class: "error", role: "alert" }, String(error.message || error));
  where.prepend(box);
  box.scrollIntoView({ block: "nearest" });
  setTimeout(() => box.remove(), 8000);
}

const store = {
  gameToken(id) { return localStorage.getItem(`politburo:game:${id}`); },
  saveGame(id, token, label) {
    localStorage.setItem(`politburo:game:${id}`, token);
    const games = store.games().filter((g) => g.id !== id);
    games.unshift({ id, label, at: new Date().toISOString().slice(0, 16).replace("T", " ") });
    localStorage.setItem("politburo:games", JSON.stringify(games.slice(0, 30)));
  },
  games() {
    try { return JSON.parse(localStorage.getItem("politburo:games") || "[]"); } catch { return []; }
  },
  forgetAll() {
    for (const key of Object.keys(localStorage)) if (key.startsWith("politburo:")) localStorage.removeItem(key);
  },
  teacherToken(code) { return localStorage.getItem(`politburo:class:${code}`); },
  saveTeacher(code, token) { localStorage.setItem(`politburo:class:${code}`, token); },
};

function gameLink(id, token) {
  return `${location.origin}/game/${id}#token=${encodeURIComponent(token)}`;
}

/* ---------- leader picker (start page and class join) ---------- */

function leaderPicker(leaders, name) {
  const list = h("div", { class: "leaders", role: "radiogroup" });
  leaders.forEach((leader, k) => {
    const id = `${name}-${leader.id}`;
    list.append(
      h("label", { class: "leader-card", for: id },
        h("input", { type: "radio", name, id, value: leader.id,
          checked: leaders.some((l) => l.default) ? leader.default : k === 0 }),
        h("span", { class: "leader-name" }, leader.name),
        h("span", { class: "leader-offices small" },
          [leader.offices.join("; "), leader.seat].filter(Boolean).join(" · ") || "no office"),
        h("span", { class: "leader-sketch" }, leader.sketch)),
    );
  });
  return list;
}

function difficultyPicker(difficulties, name) {
  const box = h("div", { class: "difficulties" });
  Object.entries(difficulties).forEach(([id, text], k) => {
    box.append(h("label", {},
      h("input", { type: "radio", name, value: id, checked: k === 0 }),
      h("strong", {}, id === "lookahead" ? " Look-ahead AI (hard)" : " Heuristic AI"),
      h("span", { class: "small" }, ` — ${text}`)));
  });
  return box;
}

function checked(form, name) {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : null;
}

/* The scenarios as options, the first offered being the first whose record names a
   winner (a game to set beside history), else the first: derived from data, never a name. */
function scenarioOptions(scenarios) {
  const first = scenarios.find((s) => s.historical_winner) || scenarios[0];
  return scenarios.map((s) => h("option", { value: s.id, selected: s === first }, s.name));
}

/* ---------- start page ---------- */

async function startPage() {
  document.title = "politburo — start a game";
  const scenarios = await api("GET", "/api/scenarios");
  clear(main);
  const form = h("form", { class: "panel", id: "start-form" });
  const select = h("select", { name: "scenario", id: "scenario" },
    scenarioOptions(scenarios));
  const about = h("p", { class: "small" });
  const goalBox = h("section", { class: "goal", id: "goal", "aria-labelledby": "goal-title" });
  const leaderBox = h("div");
  const diffBox = h("div");
  const render = () => {
    const s = scenarios.find((x) => x.id === select.value);
    about.textContent = `${s.start} to ${s.end} (${s.months} months). ${s.description.replace(/`/g, "")}`;
    clear(goalBox).append(
      h("h2", { id: "goal-title" }, "How you win"), h("p", {}, s.goal),
      h("h3", {}, "How a month goes"), h("ul", {}, s.rules.map((r) => h("li", {}, r))),
      h("details", { id: "glossary" }, h("summary", {}, "The terms of the game"), glossaryList(s.glossary)));
    clear(leaderBox).append(leaderPicker(s.leaders, "leader"));
    clear(diffBox).append(difficultyPicker(s.difficulties, "difficulty"));
  };
  select.addEventListener("change", render);
  form.append(
    h("h1", {}, "Who will succeed the founder?"),
    h("p", {}, "Play one leader; the AI plays the others. Each month choose your moves, then see " +
      "what everyone did. Your game is saved after every month."),
    h("label", { for: "scenario" }, "Scenario "), select, about, goalBox,
    h("h2", {}, "Your leader"), leaderBox,
    h("h2", {}, "Difficulty"), diffBox,
    h("div", { class: "row" },
      h("label", {}, "Seed (optional) ", h("input", { name: "seed", id: "seed", type: "number", min: 0, step: 1 })),
      h("label", {}, "Your name (optional) ", h("input", { name: "player_name", id: "player-name", maxlength: 60 }))),
    h("button", { type: "submit", id: "start", class: "primary" }, "Start the game"),
  );
  render();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      scenario: select.value,
      leader: checked(form, "leader"),
      difficulty: checked(form, "difficulty"),
    };
    const seed = form.querySelector("#seed").value;
    if (seed !== "") body.seed = Number(seed);
    const name = form.querySelector("#player-name").value.trim();
    if (name) body.player_name = name;
    try {
      const created = await api("POST", "/api/games", body);
      store.saveGame(created.id, created.token, `${created.game.leader_name}, ${created.game.scenario_name}`);
      location.href = `/game/${created.id}#token=${encodeURIComponent(created.token)}`;
    } catch (error) { showError(form, error); }
  });
  const mine = store.games();
  const resume = h("section", { class: "panel" }, h("h2", {}, "Your games on this computer"),
    mine.length ? h("ul", {}, mine.map((g) => h("li", {},
      h("a", { href: `/game/${g.id}` }, g.label), h("span", { class: "small" }, ` started ${g.at}`))))
      : h("p", { class: "small" }, "None yet. A game's link resumes it on any computer."),
    h("button", {
      type: "button", id: "forget-computer",
      onclick: () => {
        if (!confirm("Forget every game and class on this computer? Keep their links to resume them.")) return;
        store.forgetAll();
        startPage();
      },
    }, "Forget this computer"),
    h("p", { class: "small" }, "On a shared computer: the next person cannot open your games."));
  const join = h("form", { class: "panel", id: "join-form" },
    h("h2", {}, "In a class?"),
    h("label", {}, "Class code ", h("input", { id: "class-code", maxlength: 12, required: true, pattern: "[A-Za-z0-9]{4,12}" })),
    h("button", { type: "submit" }, "Join"));
  join.addEventListener("submit", (event) => {
    event.preventDefault();
    location.href = `/class/${join.querySelector("#class-code").value.trim().toUpperCase()}`;
  });
  main.append(h("div", { class: "start-grid" }, form, h("div", {}, join, resume)));
}

/* ---------- the game page ---------- */

const charts = { power: null, odds: null, reveal: null };
let network = null;

async function gamePage(id) {
  const frag = fragment();
  const remembered = store.gameToken(id);
  let token = frag.token || remembered;
  if (!token) {
    clear(main).append(h("section", { class: "panel" }, h("h1", {}, "This link lacks its token"),
      h("p", {}, "Open the full game link (it ends in #token=…) on this computer once; after " +
        "that the browser remembers it.")));
    return;
  }
  let game;
  try {
    game = await api("GET", `/api/games/${id}`, undefined, { "X-Player-Token": token });
  } catch (error) {
    // A truncated or wrong link must not replace the token this computer remembers.
    if (error.status !== 403 || !remembered || token === remembered) throw error;
    token = remembered;
    game = await api("GET", `/api/games/${id}`, undefined, { "X-Player-Token": token });
  }
  if (frag.token === token) store.saveGame(id, token, store.games().find((g) => g.id === id)?.label || game.leader_name);
  if (frag.token !== token) history.replaceState(null, "", `/game/${id}#token=${encodeURIComponent(token)}`);
  renderGame(game, { "X-Player-Token": token });
}

function renderGame(game, headers) {
  document.title = `politburo — ${game.leader_name}, ${game.month}`;
  clear(main);
  const link = gameLink(game.id, headers["X-Player-Token"]);
  const top = h("section", { class: "panel top", id: "game-top" },
    h("div", {},
      h("h1", {}, `${game.leader_name} `, h("span", { class: "small" }, `— ${game.scenario_name}`)),
      h("p", { class: "sketch" }, game.sketch)),
    h("div", { class: "when" },
      h("div", { class: "month", id: "month" }, game.over ? "The end" : game.month),
      h("div", { class: "small" }, game.over ? `${game.months} months` :
        `month ${game.turn + 1} of ${game.months} · ${game.difficulty === "lookahead" ? "look-ahead AI" : "heuristic AI"}`),
      h("progress", { max: game.months, value: game.over ? game.months : Math.min(game.turn, game.months) })),
    h("details", { class: "link small" }, h("summary", {}, "Your game link (keep it to resume)"),
      h("input", { readonly: true, value: link, id: "game-link", size: 60, onfocus: (e) => e.target.select() })),
  );
  main.append(top);
  if (game.over) main.append(endScreen(game, headers));
  const left = h("div", { class: "col" });
  const right = h("div", { class: "col" });
  main.append(h("div", { class: "grid" }, left, right));
  // First what became of last month's moves, then this month's choices.
  if (game.last_month) left.append(reportPanel(game.last_month, game));
  if (!game.over) {
    left.append(actionsPanel(game, headers));
    left.append(situationPanel(game));
    left.append(upcomingPanel(game));
  }
  right.append(chartPanel(game));
  right.append(graphPanel(game));
  right.append(powerTable(game));
  main.append(historyPanel(game, headers));
  drawChart(game);
  drawNetwork(game);
}

function situationPanel(game) {
  const s = game.situation;
  const t = game.terms;
  const rows = [
    ["Offices", s.offices.join("; ") || "none"],
    [term("Seat", "seat", t), s.seat],
    [term("Prestige", "prestige", t), `${s.prestige} of 1`],
    [term("Patron", "patron", t), s.patron || "none — you lead a bloc"],
    [term("Clients", "client", t), s.clients.join(", ") || "none"],
    [term("Allies", "alliance", t), s.allies.join(", ") || "none"],
    [term("Loyal regional secretaries", "apparatus", t), `${s.loyal_secretaries} of ${s.regions}`],
    [term("Committee seats of your bloc", "committee seats", t), `${s.committee_seats} of ${s.committee_size}`],
    [term("Information", "information", t), `${s.information} of 1${s.information === 0 ? " — you see only the others' stature, not their real power" : ""}` +
      `${s.factions_known.length ? ` — factions you know of: ${s.factions_known.join(", ")}` : ""}`],
  ];
  return h("section", { class: "panel", id: "situation" }, h("h2", {}, "Your situation"),
    h("div", { class: "scroll" }, h("table", { class: "kv" }, rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, String(v)))))),
    h("details", { class: "small", id: "game-glossary" }, h("summary", {}, "All the terms"), glossaryList(t)));
}

function upcomingPanel(game) {
  return h("section", { class: "panel", id: "upcoming" }, h("h2", {}, "Coming"),
    game.upcoming.length ? h("ul", {}, game.upcoming.map((u) => h("li", {},
      h("strong", {}, u.name), ` — ${u.in_months === 0 ? "this month" : u.in_months === 1 ? "next month" : `in ${u.in_months} months`} (${u.month})`)))
      : h("p", { class: "small" }, "Nothing scheduled in the next months."));
}

function statusText(status) {
  return {
    incapacitated: "You are incapacitated this month and cannot act.",
    expelled: "You have been expelled from the party: the struggle goes on without you.",
    exiled: "You have been sent into exile: the struggle goes on without you.",
    dead: "You are dead: the struggle goes on without you.",
  }[status] || "";
}

function actionsPanel(game, headers) {
  const panel = h("section", { class: "panel", id: "actions" });
  const groups = new Map();
  for (const c of game.choices) {
    if (c.verb === "pass") continue;
    if (!groups.has(c.verb)) groups.set(c.verb, []);
    groups.get(c.verb).push(c);
  }
  const pending = new Map(game.pending.map((a) => [a.verb, a.target]));
  const counter = h("span", { class: "small", id: "chosen-count" });
  const list = h("div", { class: "choices" });
  const controls = [];
  const selected = () => controls.map((c) => c.value()).filter(Boolean);
  const update = () => {
    const n = selected().length;
    counter.textContent = `${n} of ${game.budget} chosen`;
    for (const c of controls) c.limit(n >= game.budget);
  };
  let saveTimer = null;
  const save = () => {
    clearTimeout(saveTimer);
    // The month travels with the choice: a save that lands after "Next month" is refused
    // (409) instead of becoming next month's choice.
    saveTimer = setTimeout(() => {
      api("POST", `/api/games/${game.id}/actions`, { actions: selected(), turn: game.turn }, headers)
        .catch((error) => { if (error.status !== 409) showError(panel, error); });
    }, 250);
  };
  for (const [verb, options] of groups) {
    const first = options[0];
    const hasTarget = options[0].target !== null;
    let row;
    if (hasTarget) {
      const hintBox = h("div", { class: "hint small", id: `hint-${verb}`, "aria-live": "polite" }, first.hint);
      const sel = h("select", { "data-verb": verb, "aria-label": first.verb_text, "aria-describedby": `hint-${verb}` },
        h("option", { value: "" }, "—"),
        options.map((o) => h("option", { value: o.target, selected: pending.get(verb) === o.target }, o.text)));
      const varied = new Set(options.map((o) => o.hint)).size > 1;
      const showHint = () => {
        const o = options.find((x) => x.target === sel.value);
        hintBox.textContent = o ? o.hint : varied ? "Choose a target: what the model expects of it appears here." : first.hint;
      };
      showHint();
      controls.push({
        value: () => (sel.value ? { verb, target: sel.value } : null),
        limit: (full) => { sel.disabled = full && !sel.value; },
      });
      sel.addEventListener("change", () => { showHint(); update(); save(); });
      row = h("div", { class: "choice" }, h("div", { class: "verb" }, first.verb_text), sel, hintBox,
        varied ? h("details", { class: "forecasts small" }, h("summary", {}, "Every target"),
          h("ul", {}, options.map((o) => h("li", {}, h("strong", {}, o.target_text), `: ${o.hint}`)))) : null);
    } else {
      const box = h("input", { type: "checkbox", "data-verb": verb, checked: pending.has(verb) });
      controls.push({
        value: () => (box.checked ? { verb, target: null } : null),
        limit: (full) => { box.disabled = full && !box.checked; },
      });
      box.addEventListener("change", () => { update(); save(); });
      row = h("label", { class: "choice" }, h("div", { class: "verb" }, box, ` ${first.text}`),
        h("div", { class: "hint small" }, first.hint));
    }
    list.append(row);
  }
  const next = h("button", { class: "primary", id: "next-month", type: "button" },
    game.status === "playing" ? `Next month ▸` : "Let the month pass ▸");
  const toEnd = h("button", { type: "button", id: "to-end" }, "Play on to the end ▸▸");
  const advance = async (months) => {
    clearTimeout(saveTimer);  // the advance carries the choice itself
    next.disabled = true; toEnd.disabled = true;
    next.textContent = game.difficulty === "lookahead" ? "The AI is thinking…" : "Playing the month…";
    try {
      const result = await api("POST", `/api/games/${game.id}/advance`,
        { actions: game.status === "playing" ? selected() : [], turn: game.turn, months }, headers);
      renderGame(result.game, headers);
      window.scrollTo(0, 0);
      const first = result.report.your_moves[0];
      announce(`Now ${result.game.over ? "the game is over" : result.game.month}. ` +
        (first ? `Your move: ${first.result}` : "You made no move.") +
        (result.report.about_you.length ? ` ${result.report.about_you.length} moves concerned you.` : ""));
      const heading = document.querySelector("#report h2");
      if (heading) heading.focus();
    } catch (error) {
      next.disabled = false; toEnd.disabled = false; next.textContent = "Next month ▸";
      showError(panel, error);
      if (error.status === 409) setTimeout(() => location.reload(), 1500);
    }
  };
  next.addEventListener("click", () => advance(1));
  toEnd.addEventListener("click", () => {
    if (game.status !== "playing" || confirm("Pass every remaining month?")) advance(game.months);
  });
  panel.append(h("h2", {}, `Your moves for ${game.month}`));
  if (game.status === "playing") {
    panel.append(h("p", { class: "small" },
      `Choose up to ${game.budget} actions, at most one of each kind. `, counter));
    panel.append(list);
  } else {
    panel.append(h("p", { class: "notice" }, statusText(game.status)));
  }
  panel.append(h("div", { class: "row" }, next, game.status === "playing" ? null : toEnd));
  update();
  return panel;
}

function eventList(events) {
  return h("ul", { class: "events" }, events.map((e) =>
    h("li", { class: e.mine ? "mine" : "" }, e.text)));
}

const OUTCOME = { true: ["✔", "succeeded", "ok"], false: ["✘", "failed", "bad"], null: ["•", "done", "done"] };

/* Each of the player's moves: what became of it, the vote and why, and what the model
 * expected when he chose it; then others' moves on him. */
function yourMoves(record, heading) {
  const moves = record.your_moves || [];
  const power = record.your_power;
  return [
    power ? h("p", { class: "small your-power" }, `Your power as you see it: ${pct(power.before)} → ${pct(power.after)}.`) : null,
    moves.length ? h("ul", { class: "your-moves" }, moves.map((m) => {
      const [mark, word, cls] = OUTCOME[String(m.success)];
      return h("li", { class: `move ${cls}` },
        h("span", { class: "mark", "aria-hidden": "true" }, mark), " ",
        h("strong", {}, `You ${m.action}: ${word}. `), m.result,
        m.why ? h("span", { class: "why" }, ` ${m.why}`) : null,
        m.expected ? h("span", { class: "small expected" }, ` The model expected: ${m.expected}.`) : null);
    })) : h("p", { class: "small" }, "You made no move."),
    record.about_you && record.about_you.length
      ? [h(heading, {}, "Moves against you or about you"), h("ul", { class: "events" }, record.about_you.map((t) => h("li", {}, t)))]
      : null,
  ];
}

function reportPanel(record, game) {
  const votes = record.events.filter((e) => e.vote);
  const moves = record.events.filter((e) => !e.vote && !e.routine);
  const routine = record.events.filter((e) => !e.vote && e.routine);
  return h("section", { class: "panel", id: "report" },
    h("h2", { tabindex: "-1" }, `What happened in ${record.month}`),
    h("h3", {}, "Your moves"), yourMoves(record, "h3"),
    votes.length ? [h("h3", {}, "Votes"), eventList(votes)] : null,
    moves.length ? [h("h3", {}, "Moves and events"), eventList(moves)] : h("p", { class: "small" }, "No major moves."),
    routine.length ? h("details", {}, h("summary", {}, `Routine: speeches, polemics, recruitment (${routine.length})`), eventList(routine)) : null,
  );
}

function powerTable(game) {
  const leaders = game.situation.leaders;
  const names = nameMap(game);
  const t = game.terms;
  return h("section", { class: "panel", id: "power-table" },
    h("h2", {}, game.over ? "Standing at the end (as your leader saw it)" : "Power as you see it"),
    h("div", { class: "scroll" }, h("table", { class: "grid-table" },
      h("tr", {}, h("th", {}, "leader"), h("th", {}, term("power", "power", t)), h("th", {}, term("prestige", "prestige", t)),
        h("th", {}, term("seat", "seat", t)), h("th", {}, term("patron", "patron", t))),
      leaders.map((l) => h("tr", { class: l.leader === game.leader ? "mine" : "" },
        h("td", {}, l.name), h("td", {}, pct(l.power)), h("td", {}, l.prestige),
        h("td", {}, l.seat), h("td", {}, l.patron ? names.get(l.patron) || l.patron : ""))))));
}

function chartPanel(game) {
  return h("section", { class: "panel", id: "chart-box" },
    h("h2", {}, game.chart.real_shown ? "Real power, month by month" : "Power as your leader sees it"),
    h("div", { class: "chart-wrap" }, h("canvas", { id: "power-chart", "aria-label": "power over time", role: "img" })),
    h("p", { class: "small" }, game.chart.real_shown
      ? "Solid lines: real power (the voting power of each bloc in the Politburo and the Central Committee). Dotted: what your leader saw. Click a name to show or hide it."
      : "What your leader could know: stature and offices mixed with real power by his information. Real power is revealed at the end. Click a name to show or hide it."));
}

function drawChart(game) {
  if (charts.power) { charts.power.destroy(); charts.power = null; }
  const canvas = document.getElementById("power-chart");
  if (!canvas || !window.Chart) return;
  const real = game.chart.real_shown;
  // Shown by default: the leaders the server marks as mattering (never a top-N cut that
  // could drop the strongest rival); every other name can be switched on in the legend.
  const shown = new Set(game.featured);
  const labels = game.chart.labels.map((l, k, all) => (l === "start" && all.length > 1 ? `before ${all[1]}` : l));
  const datasets = [];
  game.chart.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const base = { borderColor: color, backgroundColor: color, pointRadius: labels.length <= 3 ? 3 : 0, tension: 0.15,
      hidden: !(shown.has(s.leader) || s.me), borderWidth: s.me ? 4 : 2 };
    datasets.push({ ...base, label: s.name + (s.me ? " (you)" : ""), data: real ? s.real : s.seen });
    if (real && s.me) datasets.push({ ...base, label: `${s.name}: as you saw it`, data: s.seen, borderDash: [4, 4], borderWidth: 2 });
  });
  charts.power = new Chart(canvas, {
    type: "line",
    data: { labels, datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { min: 0, ticks: { callback: (v) => pct(v) } }, x: { ticks: { maxTicksLimit: 12 } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y)}` } } },
    },
  });
}

function graphPanel(game) {
  return h("section", { class: "panel", id: "graph-box" },
    h("h2", {}, "Blocs and alliances"),
    h("div", { id: "network", "aria-label": "network of patronage and alliances", role: "img" }),
    h("p", { class: "small legend" },
      h("span", { class: "key client" }, "client → patron"), " ",
      h("span", { class: "key ally" }, "alliance"), " ",
      h("span", { class: "key new" }, "new this month"), " ",
      h("span", { class: "key broken" }, "broken this month"),
      " · circle size: power as you see it; colour: bloc. Drag to rearrange."));
}

function drawNetwork(game) {
  if (network) { network.destroy(); network = null; }
  const box = document.getElementById("network");
  if (!box || !window.cytoscape) return;
  const colorOf = colourMap(game);
  const elements = [];
  for (const n of game.graph.nodes) {
    elements.push({ data: { id: n.id, label: n.name.split(" ").slice(-1)[0] + (n.me ? " (you)" : ""),
      size: 18 + 90 * Math.sqrt(Math.max(n.power, 0)), color: colorOf.get(n.bloc) || "#888",
      power: n.power }, classes: [n.me ? "me" : "", n.principal ? "principal" : "client", n.incapacitated ? "ill" : ""].join(" ") });
  }
  game.graph.edges.forEach((e, k) => {
    elements.push({ data: { id: `e${k}`, source: e.source, target: e.target },
      classes: e.kind + (e.new ? " new" : "") });
  });
  network = cytoscape({
    container: box,
    elements,
    style: [
      { selector: "node", style: { "background-color": "data(color)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, color: "#222",
        "text-background-color": "#fdfcf9", "text-background-opacity": 0.85, "text-background-padding": 1,
        "border-width": 1, "border-color": "#555" } },
      { selector: "node.client", style: { opacity: 0.85 } },
      { selector: "node.me", style: { "border-width": 4, "border-color": "#111" } },
      { selector: "node.ill", style: { "background-opacity": 0.4 } },
      { selector: "edge", style: { width: 1.5, "curve-style": "bezier" } },
      { selector: "edge.client", style: { "line-color": "#999", "target-arrow-shape": "triangle", "target-arrow-color": "#999" } },
      { selector: "edge.ally", style: { "line-color": "#1e8449", width: 4 } },
      { selector: "edge.new", style: { "line-color": "#28b463", "line-style": "dashed", width: 5 } },
      { selector: "edge.broken", style: { "line-color": "#c0392b", "line-style": "dotted", width: 3 } },
    ],
    layout: { name: "concentric", concentric: (n) => n.data("power"), levelWidth: () => 0.04,
      minNodeSpacing: 14, nodeDimensionsIncludeLabels: true, avoidOverlap: true, animate: false },
  });
  box.dataset.nodes = String(game.graph.nodes.length);
}

function historyPanel(game, headers) {
  const body = h("div", {}, h("p", { class: "small" }, "Loading…"));
  const panel = h("details", { class: "panel", id: "history" },
    h("summary", {}, "The whole game so far, month by month"), body);
  panel.addEventListener("toggle", async () => {
    if (!panel.open || body.dataset.loaded) return;
    try {
      const data = await api("GET", `/api/games/${game.id}/history`, undefined, headers);
      clear(body).append(...data.months.filter((m) => m.turn >= 0).reverse().map((m) => h("div", { class: "month-block" },
        h("h3", {}, m.month), yourMoves(m, "h4"),
        eventList(m.events.filter((e) => !e.routine)))));
      body.dataset.loaded = "1";
    } catch (error) { showError(body, error); }
  });
  return panel;
}

/* ---------- the end screen ---------- */

function endScreen(game, headers) {
  const panel = h("section", { class: "panel end", id: "end" }, h("h2", {}, "The outcome"),
    h("p", { class: "small" }, "Loading the summary…"));
  const load = async () => {
    let data;
    try { data = await api("GET", game.summary_url || `/api/games/${game.id}/summary`, undefined, headers); }
    catch (error) { showError(panel, error); return; }
    clear(panel);
    panel.append(h("h2", {}, "The outcome"), h("p", { class: "verdict", id: "verdict" }, data.verdict),
      h("ul", {}, data.outcome.summary.map((line) => h("li", {}, line))), revealPanel(data.reveal, game));
    const t = data.timeline;
    panel.append(h("h3", {}, t.has_history ? "Your game beside history" : "Your game's record"),
      h("table", { class: "grid-table", id: "timeline" },
        h("tr", {}, h("th", {}, ""), t.has_history ? h("th", {}, "history") : null, h("th", {}, "your game")),
        t.rows.map((r) => h("tr", {}, h("td", {}, r.what), t.has_history ? h("td", {}, r.history || "—") : null,
          h("td", {}, r.game || "—")))));
    const names = nameMap(game);
    if (t.historical_alliances.length) {
      panel.append(h("p", { class: "small" }, "Historical alliances: ",
        t.historical_alliances.map((a) => `${a.name} (${a.start}–${a.end || "…"})`).join("; "),
        ". Yours: ", data.outcome.alliances.map((a) => `${a.members.map((m) => names.get(m) || m).join(" & ")} (${a.formed}–${a.ended || "end"})`).join("; ") || "none", "."));
    }
    panel.append(h("h3", {}, "Turning points: the months your real power changed most"),
      h("ol", { id: "turning-points" }, data.turning_points.map((p) => h("li", {},
        h("strong", {}, `${p.month}: ${p.change > 0 ? "+" : ""}${pct(p.change)}`),
        ` (${pct(p.before)} → ${pct(p.after)}). `,
        p.your_actions.length ? `You: ${p.your_actions.join("; ")}. ` : "",
        p.events.join(" ")))));
    const odds = h("div", { id: "odds" });
    panel.append(h("h3", {}, "The odds: AI-only games from the same start"), odds);
    renderOdds(odds, data, game, headers);
  };
  load();
  return panel;
}

/* The reveal: real against seen power of the player and of every rival who was ever
 * really stronger than he, with the month he could first have seen the danger. */
function revealPanel(reveal, game) {
  const box = h("section", { id: "reveal", "aria-labelledby": "reveal-title" },
    h("h3", { id: "reveal-title" }, "What you saw, and what was real"),
    h("p", { class: "gap", id: "reveal-gap" }, reveal.gap),
    h("div", { class: "chart-wrap" }, h("canvas", { id: "reveal-chart", role: "img",
      "aria-label": "real power (solid) against the power you saw (dashed), month by month" })),
    h("p", { class: "small" }, "Solid: real power. Dashed: what you saw. ",
      reveal.danger ? `The red line marks the month you could first have seen the danger (${reveal.danger.month === "start" ? "the start" : reveal.danger.month}).` : ""),
    h("div", { id: "reveal-explain" }, reveal.explain.map((x) => h("p", {}, x))),
    h("details", { class: "small" }, h("summary", {}, "The figures"),
      h("div", { class: "scroll" }, h("table", { class: "grid-table" },
        h("tr", {}, h("th", {}, "month"), reveal.series.map((s) => h("th", {}, `${s.name}: real / seen`))),
        reveal.labels.map((label, k) => h("tr", {}, h("td", {}, label),
          reveal.series.map((s) => h("td", {}, `${pct(s.real[k])} / ${pct(s.seen[k])}`))))))));
  setTimeout(() => drawReveal(reveal, game), 0);
  return box;
}

function drawReveal(reveal, game) {
  const canvas = document.getElementById("reveal-chart");
  if (!canvas || !window.Chart) return;
  if (charts.reveal) charts.reveal.destroy();
  const colours = colourMap(game);
  const datasets = [];
  for (const s of reveal.series) {
    const color = colours.get(s.leader) || "#555";
    const base = { borderColor: color, backgroundColor: color, pointRadius: reveal.labels.length <= 3 ? 3 : 0,
      tension: 0.15, borderWidth: s.me ? 4 : 2 };
    datasets.push({ ...base, label: `${s.name}${s.me ? " (you)" : ""}: real`, data: s.real });
    datasets.push({ ...base, label: `${s.name}${s.me ? " (you): as you saw yourself" : ": as you saw him"}`, data: s.seen, borderDash: [5, 4], borderWidth: 2 });
  }
  const at = reveal.danger ? reveal.labels.indexOf(reveal.danger.month) : -1;
  const dangerLine = { id: "danger", afterDatasetsDraw(chart) {
    if (at < 0) return;
    const x = chart.scales.x.getPixelForValue(at);
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save(); ctx.strokeStyle = "#be0032"; ctx.lineWidth = 2; ctx.setLineDash([2, 2]);
    ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
    ctx.fillStyle = "#be0032"; ctx.font = "12px system-ui, sans-serif";
    ctx.fillText("danger", Math.min(x + 4, chart.chartArea.right - 44), top + 12); ctx.restore();
  } };
  charts.reveal = new Chart(canvas, {
    type: "line",
    data: { labels: reveal.labels, datasets },
    plugins: [dangerLine],
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { min: 0, ticks: { callback: (v) => pct(v) } }, x: { ticks: { maxTicksLimit: 10 } } },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y)}` } } },
    },
  });
}

function renderOdds(box, data, game, headers) {
  const o = data.odds;
  clear(box);
  if (o.status !== "ready") {
    box.append(h("p", { class: "small" }, o.status === "failed" ? "The odds could not be computed." :
      `Simulating ${o.runs} games with the AI in every seat… ${o.done || 0} of ${o.runs} done.`));
    if (o.status !== "failed") {
      setTimeout(async () => {
        try {
          const again = await api("GET", game.summary_url || `/api/games/${game.id}/summary`, undefined, headers);
          renderOdds(box, again, game, headers);
        } catch (error) { showError(box, error); }
      }, 2000);
    }
    return;
  }
  const mine = o.your_leader_share || 0;
  box.append(h("p", {}, `With the AI playing ${data.leader_name}, he consolidated power in ${pct(mine)} of ${o.runs} runs` +
    (o.median_month ? `; when someone won, the median month was ${o.median_month}.` : ".")));
  const canvas = h("canvas", { id: "odds-chart", "aria-label": "winner shares", role: "img" });
  box.append(h("div", { class: "odds-wrap" }, canvas), h("p", { class: "small" }, o.note));
  if (charts.odds) charts.odds.destroy();
  if (window.Chart) {
    charts.odds = new Chart(canvas, {
      type: "bar",
      data: { labels: o.winners.map((w) => w.name),
        datasets: [{ label: "share of AI-only runs", data: o.winners.map((w) => w.share),
          backgroundColor: o.winners.map((w) => (w.leader === data.leader ? "#c0392b" : "#5d6d7e")) }] },
      options: { animation: false, indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: { min: 0, max: 1, ticks: { callback: (v) => pct(v) } } },
        plugins: { legend: { display: false },
          tooltip: { callbacks: { label: (c) => { const w = o.winners[c.dataIndex]; return `${pct(w.share)} (95%: ${pct(w.low)}–${pct(w.high)})`; } } } } },
    });
  }
}

/* ---------- router ---------- */

async function route() {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  let m;
  try {
    if (path === "/") await startPage();
    else if ((m = path.match(/^\/game\/([A-Za-z0-9_-]+)$/))) await gamePage(m[1]);
    else if (path === "/class") await newClassPage();
    else if ((m = path.match(/^\/class\/([A-Za-z0-9]+)$/))) await classPage(m[1]);
    else if ((m = path.match(/^\/class\/([A-Za-z0-9]+)\/debrief$/))) await debriefPage(m[1]);
    else if ((m = path.match(/^\/class\/([A-Za-z0-9]+)\/game\/([A-Za-z0-9_-]+)$/))) await studentGamePage(m[1], m[2]);
    else clear(main).append(h("p", {}, "No such page."));
  } catch (error) {
    clear(main).append(h("section", { class: "panel" }, h("h1", {}, "Something went wrong"),
      h("p", { class: "error" }, error.message), h("p", {}, h("a", { href: "/" }, "Start page"))));
  }
}

route();
