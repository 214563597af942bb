// Pilot dashboard: anonymous aggregates per week, location and kiosk, drawn with the locally served Chart.js.
// Hidden numbers (fewer than 5 sessions, or enough to work such a number out) arrive as null and show as "verborgen".

import { api, el, formatTime, show, suppressed } from "./api.js";
import { startSession } from "./session.js";

const BLUE = "#15295a";
const PALETTE = ["#15295a", "#c45500", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#546e7a"];
const REASONS = { timeout: "Time-out", cancel: "Gestopt", unknown: "Onbekend" };
const STAGES = {
  started: "Gestart", language: "Taal gekozen", service: "Dienst gekozen", submitted: "Verstuurd",
};
const charts = [];
let labels = {};

function params() {
  const form = document.getElementById("filters");
  const query = new URLSearchParams();
  for (const name of ["week", "location", "kiosk"]) if (form.elements[name].value) query.set(name, form.elements[name].value);
  return query;
}

function tile(name, value) {
  return el("div", { class: "tile" }, el("div", { class: "value" }, value), el("div", { class: "name" }, name));
}

function table(names, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, names.map((name) => el("th", { scope: "col" }, name)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", {}, cell))))));
}

function figure(id, title, kind, keys, series, note) {
  const canvas = el("canvas", { id, role: "img", "aria-label": `${title}: grafiek; de cijfers staan in de tabel eronder` });
  const rows = keys.map((key, index) => [key, ...series.map((set) => suppressed(set.data[index]))]);
  const hidden = keys.filter((key, index) => series.some((set) => set.data[index] === null));
  const hiddenNote = hidden.length
    ? el("p", { class: "note hidden-cells" }, `Verborgen (te klein, of terug te rekenen tot minder dan 5 sessies): ${hidden.join(", ")}.`) : null;
  const node = el("figure", { class: "chart", "data-chart": id },
    el("figcaption", {}, title),
    el("div", { class: "canvas" }, canvas),
    hiddenNote,
    note ? el("p", { class: "note" }, note) : null,
    el("details", {}, el("summary", {}, "Cijfers als tabel"), table(["", ...series.map((s) => s.label)], rows)));
  document.getElementById("charts").append(node);
  const horizontal = kind === "hbar";
  charts.push(new window.Chart(canvas, {
    type: horizontal ? "bar" : kind,
    data: {
      labels: keys,
      datasets: series.map((set, index) => ({
        label: set.label, data: set.data, borderColor: PALETTE[index], backgroundColor: PALETTE[index],
        spanGaps: false, tension: 0,
      })),
    },
    options: {
      indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: series.length > 1 } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  }));
}

function name(group, key) {
  return (labels[group] && labels[group][key]) || key;
}

function draw(data) {
  while (charts.length) charts.pop().destroy();
  document.getElementById("charts").replaceChildren();
  const mean = data.satisfaction.mean === null ? "verborgen" : data.satisfaction.mean.toLocaleString("nl-NL");
  document.getElementById("tiles").replaceChildren(
    tile(`Sessies in ${data.week}`, suppressed(data.sessions)),
    tile("Verstuurd", suppressed(data.submitted)),
    tile("Tevredenheid (1–5)", mean),
    tile("Gesprekken aangevraagd", suppressed(data.calls.requested)));
  figure("trend", "Sessies per week", "line", data.trend.map((r) => r.week),
    [{ label: "Sessies", data: data.trend.map((r) => r.sessions) }]);
  figure("funnel", "Trechter: hoe ver kwamen bezoekers", "bar", data.funnel.map((r) => STAGES[r.stage] || r.stage),
    [{ label: "Sessies", data: data.funnel.map((r) => r.reached) }]);
  const service = document.getElementById("f-service").value || Object.keys(data.steps)[0];
  const steps = data.steps[service] || [];
  figure("steps", `Stappen en afhakers: ${name("services", service)}`, "bar",
    steps.map((r) => (r.step === "submitted" ? "Verstuurd" : name("steps", r.step))),
    [{ label: "Bereikt", data: steps.map((r) => r.reached) }, { label: "Afgehaakt", data: steps.map((r) => r.dropped) }],
    "Afgehaakt: sessies die bij deze stap stopten (time-out of zelf gestopt).");
  figure("reasons", "Redenen van afhaken", "hbar", data.abandon_reasons.map((r) => REASONS[r.reason] || r.reason),
    [{ label: "Sessies", data: data.abandon_reasons.map((r) => r.sessions) }]);
  figure("languages", "Talen", "hbar", data.languages.map((r) => name("languages", r.language)),
    [{ label: "Sessies", data: data.languages.map((r) => r.sessions) }]);
  figure("services", "Gekozen diensten", "hbar", data.services.map((r) => name("services", r.service)),
    [{ label: "Sessies", data: data.services.map((r) => r.sessions) }]);
  figure("ratings", "Tevredenheid (aantal beoordelingen)", "bar", data.satisfaction.ratings.map((r) => `${r.rating}`),
    [{ label: "Sessies", data: data.satisfaction.ratings.map((r) => r.sessions) }]);
  const seconds = (ms) => (ms === undefined ? "verborgen" : `${Math.round(ms / 1000)} s`);
  document.querySelector("#calls tbody").replaceChildren(
    ...[["Wachttijd tot verbinding", data.calls.wait_ms], ["Duur van het gesprek", data.calls.duration_ms]].map(
      ([what, spread]) => el("tr", {}, el("th", { scope: "row" }, what), el("td", {}, seconds(spread?.p50)),
        el("td", {}, seconds(spread?.p90)), el("td", {}, suppressed(spread?.n)))));
  const c = data.conversions;
  const hours = c.converted === 0 ? "geen omzettingen"
    : c.median_hours_to_conversion === null ? "verborgen" : `${c.median_hours_to_conversion.toLocaleString("nl-NL")} uur`;
  document.querySelector("#conversions tbody").replaceChildren(...[
    ["Omgezet in aangifte", suppressed(c.converted)],
    ["… met handtekening op de kiosk", suppressed(c.with_signature)],
    ["… met een reden van de agent (geen handtekening op de kiosk)", suppressed(c.with_reason)],
    ["Verklaringen ondertekend op de kiosk", suppressed(c.signed)],
    ["Ondertekenen geweigerd", suppressed(c.refused)],
    ["Mediane tijd van ontvangst tot omzetting", hours],
  ].map(([what, value]) => el("tr", {}, el("th", { scope: "row" }, what), el("td", {}, value))));
  document.querySelector("#uptime tbody").replaceChildren(...data.uptime.map((k) => el("tr", {},
    el("th", { scope: "row" }, k.kiosk + (k.revoked ? " (ingetrokken)" : "")), el("td", {}, k.location),
    el("td", {}, k.uptime === null ? "onbekend" : `${(k.uptime * 100).toFixed(1).replace(".", ",")}%`),
    el("td", {}, k.last_heartbeat_at ? formatTime(k.last_heartbeat_at) : "nog nooit"))));
}

function options(data) {
  const form = document.getElementById("filters");
  const fill = (select, entries, keep) => {
    const first = select.options[0] && select.options[0].value === "" ? [select.options[0]] : [];
    select.replaceChildren(...first, ...entries.map(([value, text]) => el("option", { value }, text)));
    select.value = keep;
  };
  fill(form.elements.week, data.weeks.map((w) => [w, w]), data.week);
  const busiest = data.services.find((s) => s.sessions);
  const service = form.elements.service.value || (busiest ? busiest.service : Object.keys(data.steps)[0]);
  fill(form.elements.service, Object.keys(data.steps).map((key) => [key, name("services", key)]), service);
  fill(form.elements.location, data.options.locations.map((l) => [l, l]), data.filters.location || "");
  fill(form.elements.kiosk, data.options.kiosks.map((k) => [k.id, `${k.name} (${k.location})`]), data.filters.kiosk || "");
}

async function load() {
  try {
    const query = params();
    const data = await api(`/api/dashboard?${query}`);
    labels = data.labels;
    document.getElementById("k").textContent = data.k;
    options(data);
    document.getElementById("csv").href = `/api/dashboard.csv?${query}`;
    draw(data);
    show(document.getElementById("error"), "");
  } catch (failure) {
    show(document.getElementById("error"), failure.message);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  await startSession("/console/dashboard");
  document.getElementById("filters").addEventListener("change", load);
  await load();
});
