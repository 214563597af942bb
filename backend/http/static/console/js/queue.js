// The officers' queue. It polls every 5 s (X-Console-Poll: 1, which does not keep the session alive):
// simple, survives proxies and restarts, and 5 s is quick enough for a counter queue.

import { api, el, formatAge, formatTime, show } from "./api.js";
import { noteIdleDeadline, startSession } from "./session.js";

const POLL_MS = 5000;
const OLD_MINUTES = 240;
let view = "new";
let labels = null;
let timer = null;
let lastNewCount = null;

function query() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams({ view });
  for (const name of ["case_type", "language", "location"]) {
    if (form.elements[name].value) params.set(name, form.elements[name].value);
  }
  const [min, max] = (form.elements.age.value || "-").split("-");
  if (min) params.set("min_age_minutes", min);
  if (max) params.set("max_age_minutes", max);
  return params;
}

// What the list says about a case's translations before it is opened: the language tells who may be needed.
const TRANSLATION_FLAGS = {
  untranslated: ["flag missing", "Niet vertaald"],
  low_confidence: ["flag low", "Vertaling twijfelachtig"],
};

function language(item) {
  const flag = TRANSLATION_FLAGS[item.translation_flag];
  return el("td", {}, item.language_name, flag ? [" ", el("span", { class: flag[0] }, flag[1])] : []);
}

function row(item) {
  const link = el("a", { href: `/console/cases/${item.id}` }, item.reference);
  return el("tr", {},
    el("th", { scope: "row" }, link),
    el("td", {}, item.service_name),
    language(item),
    el("td", {}, item.location),
    el("td", {}, formatTime(item.created_at)),
    el("td", { class: item.age_minutes >= OLD_MINUTES && item.status === "new" ? "age old" : "age" },
      formatAge(item.age_minutes)),
    el("td", {}, el("span", { class: `status ${item.status}` }, item.status_name)),
    el("td", {}, item.claimed_by || "—"));
}

function announce(counts) {
  const updated = document.getElementById("updated");
  const time = new Date().toLocaleTimeString("nl-NL");
  let text = `Bijgewerkt om ${time}.`;
  if (lastNewCount !== null && counts.new > lastNewCount) text = `${counts.new - lastNewCount} nieuwe zaak(en). ${text}`;
  lastNewCount = counts.new;
  updated.textContent = text;
}

async function load(poll) {
  const error = document.getElementById("error");
  try {
    const data = await api(`/api/cases?${query()}`, { poll });
    const body = document.querySelector("#queue tbody");
    body.replaceChildren(...data.cases.map(row));
    document.getElementById("empty").hidden = data.cases.length > 0;
    for (const [name, count] of Object.entries(data.counts)) {
      document.querySelector(`[data-count="${name}"]`).textContent = `(${count})`;
    }
    announce(data.counts);
    noteIdleDeadline(data.idle_expires_at, data.now);
    show(error, "");
  } catch (failure) {
    show(error, failure.message);
  }
}

function fill(select, entries) {
  for (const [value, text] of entries) select.append(el("option", { value }, text));
}

document.addEventListener("DOMContentLoaded", async () => {
  await startSession("/console/queue");
  labels = await api("/api/console/labels");
  fill(document.getElementById("f-type"), Object.entries(labels.services));
  fill(document.getElementById("f-language"), Object.entries(labels.languages));
  fill(document.getElementById("f-location"), labels.locations.map((place) => [place, place]));
  for (const button of document.querySelectorAll(".tabs button")) {
    button.addEventListener("click", () => {
      view = button.dataset.view;
      for (const other of document.querySelectorAll(".tabs button")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      load(false);
    });
  }
  const form = document.getElementById("filters");
  form.addEventListener("change", () => load(false));
  form.addEventListener("reset", () => setTimeout(() => load(false)));
  await load(false);
  timer = setInterval(() => {
    if (!document.hidden) load(true);
  }, POLL_MS);
});
