// What the officer puts on record in a call, for the case the resident filed just before calling (call.js knows
// which): the statement to sign, composed by the backend from the stored case with the officer's corrections and
// additions (in Dutch; the kiosk translates them), and signed on the kiosk; and one
// photo of the identity document, taken from the kiosk's video, cropped here and saved with the case (encrypted,
// seen only by the officer who holds the case). The kiosk tells the resident when a photo is taken, kept or
// thrown away.

import { el } from "./api.js";

const MIN_CROP = 32; // the backend refuses smaller pictures; a smaller selection keeps the whole frame
const MAX_ADDITIONS = 10; // domain/statement.py: the backend refuses more, or longer ones
const MAX_ADDITION_CHARS = 500;

export function callRecords({ video, csrf }) {
  const ui = {};
  let call = null; // { filed, send(message) -> bool }: the call being recorded, from call.js
  let selection = null; // { x, y, w, h } in frame pixels
  let dragFrom = null;

  // ----- the statement ------------------------------------------------------------------------------------
  function additionLines() {
    return ui.additionsText.value.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  function refusedAdditions(lines) {
    // the backend never quotes the text it refuses: say what is wrong from what was typed (kept in the field)
    if (lines.length > MAX_ADDITIONS) {
      return `Te veel aanvullingen: ${lines.length} regels, er mogen er hoogstens ${MAX_ADDITIONS} zijn.`;
    }
    const long = lines.findIndex((line) => [...line].length > MAX_ADDITION_CHARS);
    if (long >= 0) {
      return `Aanvulling ${long + 1} is te lang: hoogstens ${MAX_ADDITION_CHARS} tekens per regel.`;
    }
    return "Een aanvulling bevat tekens die niet kunnen worden opgeslagen. Pas de tekst aan en probeer het opnieuw.";
  }

  async function sendStatement() {
    if (!call || !call.filed) return;
    const additions = additionLines();
    ui.statementNote.textContent = "Verklaring wordt klaargemaakt…";
    try {
      // the backend composes it from the stored case, with the digest of the exact text; sent to the kiosk as it is
      const response = await fetch(`/api/cases/${call.filed}/statement`, { method: "POST",
        credentials: "same-origin", body: JSON.stringify({ additions }),
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() } });
      if (response.status === 403) {
        ui.statementNote.textContent = "Pak de zaak eerst op (open de zaak hierboven) en probeer het dan opnieuw.";
        return;
      }
      if (response.status === 422) { ui.statementNote.textContent = refusedAdditions(additions); return; }
      if (!response.ok) { ui.statementNote.textContent = "De verklaring kon niet worden gemaakt."; return; }
      if (!call.sendText(await response.text())) throw new Error("channel closed");
      ui.statementNote.textContent = "Verklaring verstuurd. De bewoner leest haar op de kiosk en ondertekent (of weigert).";
    } catch {
      ui.statementNote.textContent = "De verklaring kon niet worden verstuurd.";
    }
  }

  function statementAnswered(message) {
    ui.statementNote.textContent = message.signed
      ? "De bewoner heeft ondertekend. De handtekening komt via de kiosk bij de zaak (ververs de zaak)."
      : "De bewoner heeft NIET ondertekend. Dit wordt bij de zaak vastgelegd.";
  }

  // ----- the photo of the identity document -----------------------------------------------------------------
  function takePhoto() {
    if (!call || !call.filed) return;
    if (!video.videoWidth) { ui.photoNote.textContent = "Er is nog geen beeld van de kiosk."; return; }
    const frame = ui.frame;
    frame.width = video.videoWidth;
    frame.height = video.videoHeight;
    frame.getContext("2d").drawImage(video, 0, 0);
    selection = null;
    ui.noBsn.checked = false;
    ui.save.disabled = true;
    ui.editor.hidden = false;
    draw();
    call.send({ kind: "document_photo", state: "taken" }); // the resident is told at once
    ui.photoNote.textContent = "Foto gemaakt; de bewoner ziet dat op de kiosk. Kies het document en bewaar of gooi weg.";
  }

  function framePoint(event) {
    const box = ui.canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) * (ui.canvas.width / box.width);
    const y = (event.clientY - box.top) * (ui.canvas.height / box.height);
    return { x: Math.max(0, Math.min(ui.canvas.width, x)), y: Math.max(0, Math.min(ui.canvas.height, y)) };
  }

  function dragged(event) {
    if (!dragFrom) return;
    const to = framePoint(event);
    selection = { x: Math.min(dragFrom.x, to.x), y: Math.min(dragFrom.y, to.y),
      w: Math.abs(to.x - dragFrom.x), h: Math.abs(to.y - dragFrom.y) };
    draw();
  }

  function chosen() {
    // the part to keep, in whole frame pixels: the officer's selection, or the whole frame
    const s = selection && selection.w >= MIN_CROP && selection.h >= MIN_CROP ? selection
      : { x: 0, y: 0, w: ui.frame.width, h: ui.frame.height };
    return { x: Math.round(s.x), y: Math.round(s.y), w: Math.round(s.w), h: Math.round(s.h) };
  }

  function draw() {
    const { canvas, frame } = ui;
    canvas.width = frame.width;
    canvas.height = frame.height;
    const g = canvas.getContext("2d");
    g.drawImage(frame, 0, 0);
    const s = chosen();
    g.fillStyle = "rgba(0, 0, 0, 0.6)"; // what is cut away is dimmed
    g.fillRect(0, 0, canvas.width, s.y);
    g.fillRect(0, s.y + s.h, canvas.width, canvas.height - s.y - s.h);
    g.fillRect(0, s.y, s.x, s.h);
    g.fillRect(s.x + s.w, s.y, canvas.width - s.x - s.w, s.h);
    g.strokeStyle = "#ffb612";
    g.lineWidth = Math.max(2, canvas.width / 200);
    g.setLineDash([10, 6]);
    g.strokeRect(s.x, s.y, s.w, s.h);
    ui.size.textContent = `Gekozen deel: ${s.w} × ${s.h} beeldpunten.`;
  }

  async function savePhoto() {
    if (!call || !call.filed || !ui.noBsn.checked) return;
    const s = chosen();
    const cut = el("canvas", { width: String(s.w), height: String(s.h) });
    cut.getContext("2d").drawImage(ui.frame, s.x, s.y, s.w, s.h, 0, 0, s.w, s.h);
    const blob = await new Promise((resolve) => cut.toBlob(resolve, "image/jpeg", 0.9));
    wipe(cut);
    ui.save.disabled = true;
    ui.photoNote.textContent = "Foto wordt bewaard…";
    let response;
    try {
      response = await fetch(`/api/cases/${call.filed}/identity/photo`, { method: "PUT", body: blob,
        credentials: "same-origin", headers: { "Content-Type": "image/jpeg", "X-CSRF-Token": csrf() } });
    } catch {
      response = null;
    }
    ui.save.disabled = false;
    if (response && response.ok) {
      closeEditor();
      call.send({ kind: "document_photo", state: "saved" });
      ui.photoNote.textContent = "Foto bewaard bij de zaak (versleuteld). Ververs de zaak om haar te zien.";
    } else if (response && response.status === 403) {
      ui.photoNote.textContent = "Pak de zaak eerst op (open de zaak hierboven) en bewaar de foto dan opnieuw.";
    } else {
      ui.photoNote.textContent = "De foto kon niet worden bewaard. Probeer het opnieuw of gooi haar weg.";
    }
  }

  function discardPhoto() {
    closeEditor();
    if (call) call.send({ kind: "document_photo", state: "discarded" });
    ui.photoNote.textContent = "Foto weggegooid; er is niets bewaard.";
  }

  function closeEditor() {
    // no copy stays in the page: both canvases are emptied
    ui.editor.hidden = true;
    wipe(ui.frame);
    wipe(ui.canvas);
    selection = null;
  }

  function wipe(canvas) {
    canvas.width = 0;
    canvas.height = 0;
  }

  // ----- the parts ----------------------------------------------------------------------------------------
  ui.statement = el("button", { type: "button", id: "call-statement", hidden: true, onclick: sendStatement },
    "Verklaring laten ondertekenen");
  ui.statementNote = el("p", { id: "call-statement-note", class: "note", role: "status" });
  ui.additionsText = el("textarea", { id: "call-additions", rows: "3", lang: "nl",
    maxlength: String(MAX_ADDITIONS * (MAX_ADDITION_CHARS + 1)) });
  ui.additions = el("div", { class: "call-additions", hidden: true },
    el("label", { for: "call-additions" }, "Aanvullingen en correcties (in het Nederlands, één per regel; "
      + "de kiosk vertaalt ze voor de bewoner)"), ui.additionsText);
  ui.photo = el("button", { type: "button", id: "call-photo", hidden: true, onclick: takePhoto },
    "Foto van identiteitsbewijs");
  ui.photoNote = el("p", { id: "call-photo-note", class: "note", role: "status" });
  ui.frame = el("canvas"); // the whole frame as taken, never shown itself
  ui.canvas = el("canvas", { id: "photo-canvas", "aria-label": "Foto van het identiteitsbewijs: sleep om het document te kiezen" });
  ui.canvas.addEventListener("pointerdown", (event) => {
    dragFrom = framePoint(event);
    ui.canvas.setPointerCapture(event.pointerId);
  });
  ui.canvas.addEventListener("pointermove", dragged);
  ui.canvas.addEventListener("pointerup", (event) => { dragged(event); dragFrom = null; });
  ui.size = el("p", { id: "photo-size", class: "note" });
  ui.noBsn = el("input", { type: "checkbox", id: "photo-no-bsn" });
  ui.noBsn.addEventListener("change", () => { ui.save.disabled = !ui.noBsn.checked; });
  ui.save = el("button", { type: "button", id: "photo-save", disabled: true, onclick: savePhoto }, "Foto bewaren bij de zaak");
  ui.editor = el("div", { id: "photo-editor", class: "photo-editor", hidden: true },
    el("p", {}, "Sleep over de foto om alleen het document te kiezen. Snijd een BSN (burgerservicenummer) altijd weg: "
      + "dat mag niet bewaard worden."),
    ui.canvas, ui.size,
    el("label", { for: "photo-no-bsn" }, ui.noBsn, " Op het gekozen deel staat geen BSN."),
    el("div", { class: "actions" }, ui.save,
      el("button", { type: "button", id: "photo-discard", class: "secondary", onclick: discardPhoto }, "Weggooien")));

  return {
    above: [ui.statementNote, ui.photoNote, ui.additions], // above the buttons: the notes, then the additions box
    buttons: [ui.statement, ui.photo],
    editor: ui.editor,
    start(recorded) { // a new call: { filed: null, send, sendText }
      call = recorded;
      closeEditor();
      ui.statement.hidden = ui.photo.hidden = ui.additions.hidden = true;
      ui.statementNote.textContent = ui.photoNote.textContent = ui.additionsText.value = ""; // another resident
    },
    filed(caseId) { // the intake named the case filed before the call (or none)
      if (!call) return;
      call.filed = caseId;
      ui.statement.hidden = ui.photo.hidden = ui.additions.hidden = !caseId;
    },
    received(message) { // a data channel message for the record; true when it was one
      if (message.kind !== "statement_answer") return false;
      statementAnswered(message);
      return true;
    },
    end() { // the call ended: no more statements or photos; a photo being cropped can still be kept or thrown away
      ui.statement.hidden = ui.photo.hidden = ui.additions.hidden = true;
    },
  };
}
