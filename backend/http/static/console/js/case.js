// One case: the answers in Dutch, each machine translation beside the resident's original with its model,
// and the officer's moves (claim, release, status, notes, exports). Opening the page is an audited read.

import { api, el, formatAge, formatTime, show } from "./api.js";
import { startSession } from "./session.js";

const caseId = location.pathname.split("/").pop();
const ACTION_NAMES = {
  claimed: "Oppakken",
  new: "Teruggeven aan wachtrij",
  closed: "Afsluiten",
  converted: "Omgezet in aangifte",
  referred: "Doorverwijzen",
};
// A call-back request is called back or not answered (then it goes back to the list for a later try).
const CALLBACK_ACTION_NAMES = {
  ...ACTION_NAMES,
  closed: "Teruggebeld: afsluiten",
  no_answer: "Niet opgenomen: later opnieuw",
};
const CALLBACK = "callback"; // the case type of a call-back request

function translationBlock(row) {
  const t = row.translation;
  const flags = [];
  if (t.missing) flags.push(el("span", { class: "flag missing" }, "Geen vertaling beschikbaar"));
  else if (t.machine_translated) flags.push(el("span", { class: "flag machine" }, "Machinevertaling"));
  if (t.low_confidence) flags.push(el("span", { class: "flag low" }, "Lage betrouwbaarheid"));
  const original = el("div", { class: "pane" },
    el("h3", {}, `Origineel (${t.source_language_name})`),
    el("p", { class: "original", lang: t.source_language, dir: t.direction }, t.original));
  const dutch = el("div", { class: "pane" },
    el("h3", {}, "Nederlands"),
    t.missing ? el("p", {}, "Alleen de originele tekst is ontvangen.") : el("p", { lang: "nl" }, t.dutch));
  const model = t.missing
    ? `Reden: ${t.reason_text || "onbekend"}`
    : [
      t.models.length ? `Model: ${t.models.join("; ")}` : "Model onbekend",
      t.pivot ? `via ${t.pivot}` : null,
      t.low_confidence && t.reason_text ? `reden lage betrouwbaarheid: ${t.reason_text}` : null,
    ].filter(Boolean).join(", ");
  return el("div", {}, el("div", {}, flags), el("div", { class: "translation" }, dutch, original),
    el("p", { class: "model" }, model));
}

function answer(row) {
  let value;
  if (row.items && row.items.length) {
    value = el("div", {}, row.items.map((item, index) => el("div", { class: "item" },
      el("strong", {}, `${index + 1}.`), item.map(answer))));
  } else if (row.translation) {
    value = translationBlock(row);
  } else {
    value = el("span", {}, row.value);
  }
  const note = row.note ? el("p", { class: "flag low" }, row.note) : null;
  return el("div", { class: "answer" }, el("div", { class: "label" }, row.label), el("div", {}, value, note));
}

function section(part) {
  const id = `step-${part.step}`;
  return el("section", { class: "answers", "aria-labelledby": id },
    el("h2", { id }, part.title), part.rows.map(answer));
}

function meta(c) {
  const pairs = [
    ["Referentie", c.reference], ["Soort", `${c.service_name} (${c.kind})`], ["Taal", c.language_name],
    ["Locatie", c.location], ["Ingevuld", c.clock_flag ? c.created_text : formatTime(c.created_at)], ["Ontvangen", formatTime(c.received_at)],
    c.closed_at ? ["Afgehandeld", formatTime(c.closed_at)] : ["Wachttijd", formatAge(c.age_minutes)],
    ["Behandelaar", c.claimed_by || "—"],
  ];
  return pairs.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]);
}

async function move(target) {
  const path = target === "claimed" ? "claim" : target === "new" ? "release" : "status";
  const body = path === "status" ? { status: target } : undefined;
  try {
    await api(`/api/cases/${caseId}/${path}`, { method: "POST", body });
    await load(`Status gewijzigd: ${(caseType === CALLBACK ? CALLBACK_ACTION_NAMES : ACTION_NAMES)[target]}.`);
  } catch (failure) {
    show(document.getElementById("error"), failure.message);
    await load();
  }
}

function actions(data) {
  const names = data.case_type === CALLBACK ? CALLBACK_ACTION_NAMES : ACTION_NAMES;
  const buttons = data.next_moves
    .filter((next) => next.status === "claimed" || data.mine)
    .map((next) => el("button", {
      type: "button", class: next.status === "new" ? "secondary" : null, "data-status": next.status,
      onclick: () => move(next.status),
    }, names[next.status] || next.name));
  const exports = data.purged ? [] : [
    el("a", { class: "button secondary", href: `/api/cases/${caseId}/export.pdf`, download: "" },
      "Exporteer PDF"),
    el("a", { class: "button secondary", href: `/api/cases/${caseId}/export.json`, download: "" },
      "Exporteer JSON"),
  ];
  return [...buttons, ...exports];
}

function notes(data) {
  if (!data.notes.length) return [el("li", { class: "note" }, "Nog geen notities.")];
  return data.notes.map((note) => el("li", {},
    el("div", { class: "by" }, `${note.author}, ${formatTime(note.created_at)}`),
    el("div", {}, note.text ?? "(verwijderd na bewaartermijn)")));
}

let caseType = null;

async function load(message) {
  const data = await api(`/api/cases/${caseId}`);
  caseType = data.case_type;
  const c = data;
  document.title = `Zaak ${c.reference} — Politieloket console`;
  document.getElementById("title").textContent = `Zaak ${c.reference}: ${c.service_name}`;
  const status = document.getElementById("status");
  status.className = `status ${c.status}`;
  status.textContent = c.status_name;
  document.getElementById("meta").replaceChildren(...meta(data));
  document.getElementById("actions").replaceChildren(...actions(data));
  const parts = data.purged
    ? [el("p", { class: "message info" }, "De persoonsgegevens van deze zaak zijn verwijderd na de bewaartermijn.")]
    : data.sections.map(section);
  document.getElementById("sections").replaceChildren(...parts);
  document.getElementById("notes").replaceChildren(...notes(data));
  const form = document.getElementById("note-form");
  const canWrite = c.mine && c.status !== "new" && !data.purged;
  for (const control of form.elements) control.disabled = !canWrite;
  show(document.getElementById("message"), message || "", "ok");
  if (!message) show(document.getElementById("error"), "");
}

document.addEventListener("DOMContentLoaded", async () => {
  await startSession("/console/queue");
  try {
    await load();
  } catch (failure) {
    show(document.getElementById("error"), failure.message);
    return;
  }
  document.getElementById("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = event.target.elements.note.value.trim();
    if (!text) return;
    try {
      await api(`/api/cases/${caseId}/notes`, { method: "POST", body: { text } });
      event.target.elements.note.value = "";
      await load("Notitie opgeslagen.");
    } catch (failure) {
      show(document.getElementById("error"), failure.message);
    }
  });
});
