/* politburo in the browser: the classroom pages (create a class at /class; join it, or
 * the teacher's dashboard, at /class/<code>). Loaded before app.js, whose helpers
 * (h, api, store, …) and router it uses; it defines functions only.
 */
"use strict";

async function newClassPage() {
  document.title = "politburo — classroom";
  const scenarios = await api("GET", "/api/scenarios");
  clear(main);
  const form = h("form", { class: "panel", id: "class-form" },
    h("h1", {}, "Create a class"),
    h("p", {}, "Students join with a short code and each plays a leader of their choice against " +
      "the AI. You see every game's month and outcome, and the class at a glance."),
    h("label", {}, "Class name ", h("input", { id: "class-name", required: true, maxlength: 80, value: "History 10B" })),
    h("label", {}, " Scenario ", h("select", { id: "class-scenario" },
      scenarios.map((s) => h("option", { value: s.id, selected: s.id === "ussr-1922" }, s.name)))),
    h("div", {}, h("button", { type: "submit", class: "primary", id: "create-class" }, "Create the class")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await api("POST", "/api/classes", {
        name: form.querySelector("#class-name").value.trim(),
        scenario: form.querySelector("#class-scenario").value,
      });
      store.saveTeacher(made.code, made.teacher_token);
      location.href = `/class/${made.code}#teacher=${encodeURIComponent(made.teacher_token)}`;
    } catch (error) { showError(form, error); }
  });
  main.append(form);
}

async function classPage(code) {
  code = code.toUpperCase();
  const frag = fragment();
  if (frag.teacher) store.saveTeacher(code, frag.teacher);
  const teacher = frag.teacher || store.teacherToken(code);
  if (teacher) return teacherPage(code, teacher);
  const info = await api("GET", `/api/classes/${code}`);
  document.title = `politburo — join ${info.name}`;
  clear(main);
  const form = h("form", { class: "panel", id: "join-class" },
    h("h1", {}, `Join ${info.name}`), h("p", {}, `Scenario: ${info.scenario_name}. Class code ${info.code}.`),
    h("label", {}, "Your name ", h("input", { id: "student-name", required: true, maxlength: 60 })),
    h("h2", {}, "Your leader"), leaderPicker(info.leaders, "leader"),
    h("h2", {}, "Difficulty"), difficultyPicker(info.difficulties, "difficulty"),
    h("button", { type: "submit", class: "primary", id: "join" }, "Start playing"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const created = await api("POST", `/api/classes/${code}/join`, {
        player_name: form.querySelector("#student-name").value.trim(),
        leader: checked(form, "leader"), difficulty: checked(form, "difficulty"),
      });
      store.saveGame(created.id, created.token, `${created.game.leader_name}, class ${code}`);
      location.href = `/game/${created.id}#token=${encodeURIComponent(created.token)}`;
    } catch (error) { showError(form, error); }
  });
  main.append(form);
}

async function teacherPage(code, token) {
  if (!fragment().teacher) history.replaceState(null, "", `/class/${code}#teacher=${encodeURIComponent(token)}`);
  const headers = { "X-Teacher-Token": token };
  const render = async () => {
    let d;
    try { d = await api("GET", `/api/classes/${code}/dashboard`, undefined, headers); }
    catch (error) { clear(main).append(h("section", { class: "panel" }, h("p", { class: "error" }, error.message))); return; }
    document.title = `politburo — ${d.name} (${d.code})`;
    clear(main).append(
      h("section", { class: "panel top" },
        h("div", {}, h("h1", {}, d.name), h("p", {}, "Students join at ",
          h("strong", { id: "join-url" }, `${location.origin}/class/${d.code}`), " — class code ",
          h("strong", { class: "code", id: "class-code-shown" }, d.code))),
        h("div", { class: "headline", id: "headline" }, d.headline)),
      h("section", { class: "panel", id: "class-games" },
        h("h2", {}, `Games (${d.games.length})`),
        Object.keys(d.winners).length ? h("p", {}, "Winners so far: ",
          Object.entries(d.winners).map(([k, v]) => `${k} ${v}`).join(", ")) : null,
        h("table", { class: "grid-table" },
          h("tr", {}, ["student", "leader", "AI", "month", "status", "outcome"].map((c) => h("th", {}, c))),
          d.games.map((g) => h("tr", {},
            h("td", {}, g.player_name || "—"), h("td", {}, g.leader_name), h("td", {}, g.difficulty),
            h("td", {}, g.over ? "ended" : g.month), h("td", {}, g.status),
            h("td", {}, g.over ? (g.winner_name ? `${g.winner_name} won (${g.consolidated})` : "collective leadership") : "…"))))),
      h("p", { class: "small" }, "Refreshes every 5 seconds."));
  };
  await render();
  setInterval(render, 5000);
}

