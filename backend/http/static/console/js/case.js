// One case: the answers in Dutch, each machine translation beside the resident's original with its model,
// and the officer's moves (claim, release, status, notes, exports). Opening the page is an audited read.
// The still of the resident's identity document is fetched (an audited read too) only by the officer holding the
// case, kept in memory as an object URL and let go when it changes or the page closes.

import { api, el, formatAge, formatTime, show, toLogin } from "./api.js";
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
  if (target === "converted" && !(identity && identity.face_matches && signedOk())) {
    // an aangifte needs the checked identity and the resident's signature; until both are there, a reason
    const reason = await askConversionReason();
    if (reason === null) return;
    body.reason = reason;
  }
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
let identity = null; // the officer's identity check of this case, as the API gave it
let labels = { documents: {}, countries: {} };
let signatures = []; // the resident's signatures (or refusals) of this case's statement, made on the kiosk

function signedOk() {
  return signatures.some((s) => s.signed && s.check === "ok");
}

const CHECK_TEXT = {
  ok: "tekst ongewijzigd sinds de ondertekening",
  changed: "LET OP: de opgeslagen tekst is gewijzigd na de ondertekening; deze handtekening telt niet",
  purged: "tekst verwijderd na de bewaartermijn",
};

function signatureView() {
  if (!signatures.length) return [el("p", { class: "note" }, "Nog geen verklaring ondertekend op de kiosk.")];
  return signatures.map((s) => el("p", { class: s.check === "changed" ? "message error" : "note",
    "data-signature": s.check },
    `${s.signed ? "Ondertekend" : "NIET ondertekend (geweigerd)"} op ${formatTime(s.received_at)}: ${CHECK_TEXT[s.check] || s.check}.`));
}

function identityView(data) {
  const check = data.identity;
  if (!check) {
    return [el("p", { class: "note" }, data.mine
      ? "Nog niet gecontroleerd. Vraag de melder om een identiteitsbewijs."
      : "Nog niet gecontroleerd.")];
  }
  if (!check.document_type) return [el("p", { class: "note" }, "(verwijderd na bewaartermijn)")];
  const rows = [
    ["Document", `${labels.documents[check.document_type] || check.document_type}, ${labels.countries[check.issuing_country] || check.issuing_country}`],
    ["Nummer", `eindigt op ${check.number_last4}`],
    ["Gezicht", check.face_matches ? "komt overeen" : "komt NIET overeen"],
    ["Door", `${check.verified_by || "—"}, ${formatTime(check.verified_at)}`],
  ];
  return [el("dl", { class: "meta", id: "identity-record" },
    rows.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]))];
}

const PHOTO_PATH = `/api/cases/${caseId}/identity/photo`;
let photo = { key: null, url: null }; // the document photo on show, as an object URL

function forgetPhoto() {
  if (photo.url) URL.revokeObjectURL(photo.url);
  photo = { key: null, url: null };
}

async function photoUrl(details) {
  const key = `${details.taken_at} ${details.width}x${details.height}`;
  if (photo.key === key) return photo.url; // the same photo: no second download, no second audit entry
  forgetPhoto();
  let response;
  try {
    response = await fetch(PHOTO_PATH, { credentials: "same-origin", cache: "no-store", headers: { Accept: "image/jpeg" } });
  } catch {
    return null;
  }
  if (response.status === 401) toLogin("expired");
  if (!response.ok) return null;
  photo = { key, url: URL.createObjectURL(await response.blob()) };
  return photo.url;
}

async function photoView(data) {
  const details = data.document_photo;
  if (!details || (data.mine && data.status !== "claimed")) forgetPhoto();
  if (!details) return [];
  if (!data.mine) {
    return [el("p", { class: "note", id: "document-photo-note" },
      "Er is een foto van het identiteitsbewijs; alleen de agent die de zaak heeft opgepakt ziet haar.")];
  }
  if (data.status !== "claimed") {
    return [el("p", { class: "note", id: "document-photo-note" },
      "Er is een foto van het identiteitsbewijs. Zij staat in de PDF-export van deze zaak.")];
  }
  const url = await photoUrl(details);
  if (!url) {
    return [el("p", { class: "message error" }, "De foto van het identiteitsbewijs kon niet worden geladen. Laad de pagina opnieuw.")];
  }
  return [
    el("figure", { class: "document-photo" },
      el("img", { id: "document-photo", src: url, width: details.width, height: details.height,
        alt: "Foto van het identiteitsbewijs van de melder, bijgesneden door de agent" }),
      el("figcaption", {},
        `Foto van het identiteitsbewijs, vastgelegd door ${details.taken_by || "—"} op ${formatTime(details.taken_at)}.`)),
    el("button", { type: "button", class: "danger", onclick: deletePhoto }, "Foto verwijderen"),
  ];
}

async function deletePhoto() {
  const dialog = document.getElementById("photo-dialog");
  dialog.returnValue = "";
  dialog.showModal();
  const choice = await new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
  });
  if (choice !== "delete") return;
  try {
    await api(PHOTO_PATH, { method: "DELETE" });
    forgetPhoto();
    await load("Foto verwijderd.");
  } catch (failure) {
    show(document.getElementById("error"), failure.message);
    await load();
  }
}

function fillIdentityForm() {
  const kinds = document.getElementById("document-type");
  if (kinds.options.length) return;
  kinds.replaceChildren(...Object.entries(labels.documents).map(([code, name]) => el("option", { value: code }, name)));
  const countries = document.getElementById("issuing-country");
  countries.replaceChildren(el("option", { value: "" }, "Kies een land"),
    ...Object.entries(labels.countries).map(([code, name]) => el("option", { value: code }, name)));
}

function askConversionReason() {
  const dialog = document.getElementById("convert-dialog");
  const verified = identity && identity.face_matches;
  const signed = signedOk();
  document.getElementById("convert-why").textContent = verified
    ? "De identiteit is gecontroleerd, maar de melder heeft nog niet ondertekend. Waarom toch omzetten?"
    : signed ? "De melder heeft ondertekend, maar de identiteit is nog niet gecontroleerd. Waarom toch omzetten?"
      : "De identiteit van de melder is nog niet gecontroleerd en er is geen handtekening. Waarom toch omzetten?";
  const reason = document.getElementById("convert-reason");
  reason.value = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "convert" && reason.value.trim() ? reason.value.trim() : null);
    }, { once: true });
  });
}

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
  identity = data.identity;
  signatures = data.signatures || [];
  document.getElementById("identity").replaceChildren(...identityView(data));
  document.getElementById("signatures").replaceChildren(...signatureView());
  document.getElementById("document-photo-box").replaceChildren(...await photoView(data));
  const identityForm = document.getElementById("identity-form");
  const canCheck = c.mine && c.status === "claimed" && !data.purged && ["aangifte", "melding"].includes(c.kind);
  identityForm.hidden = !canCheck || Boolean(identity); // a check made is shown; "Corrigeren" opens the form again
  if (canCheck) fillIdentityForm();
  if (canCheck && identity) {
    document.getElementById("identity").append(el("button", { type: "button", class: "secondary",
      onclick: (event) => { identityForm.hidden = false; event.target.remove(); } }, "Corrigeren"));
  }
  const form = document.getElementById("note-form");
  const canWrite = c.mine && c.status !== "new" && !data.purged;
  for (const control of form.elements) control.disabled = !canWrite;
  show(document.getElementById("message"), message || "", "ok");
  if (!message) show(document.getElementById("error"), "");
}

window.addEventListener("pagehide", forgetPhoto);

document.addEventListener("DOMContentLoaded", async () => {
  await startSession("/console/queue");
  try {
    labels = await api("/api/console/labels");
    await load();
  } catch (failure) {
    show(document.getElementById("error"), failure.message);
    return;
  }
  document.getElementById("identity-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const body = { document_type: form.document_type.value, issuing_country: form.issuing_country.value,
      number_last4: form.number_last4.value.trim(), face_matches: form.face_matches.checked };
    try {
      await api(`/api/cases/${caseId}/identity`, { method: "PUT", body });
      event.target.reset();
      await load("Identiteit vastgelegd.");
    } catch (failure) {
      show(document.getElementById("error"), failure.message);
    }
  });
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
