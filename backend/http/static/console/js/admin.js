// Admin: kiosks (provision with a token shown once, revoke, heartbeat and backlog), users (with login lockouts
// and TOTP), the TOTP policy, retention.

import { api, el, formatTime, show } from "./api.js";
import { startSession } from "./session.js";

const ROLES = { officer: "Agent", pilot: "Pilotteam", admin: "Beheerder" };
const STALE_MINUTES = 5;
let me = null;

function ok(text) {
  show(document.getElementById("message"), text, "ok");
  show(document.getElementById("error"), "");
}

function fail(failure) {
  show(document.getElementById("error"), failure.message);
}

async function act(work, message) {
  try {
    await work();
    ok(message);
    await loadAll();
  } catch (failure) {
    fail(failure);
  }
}

function heartbeat(kiosk) {
  if (!kiosk.last_heartbeat_at) return "nog nooit";
  const minutes = Math.round((Date.now() - new Date(kiosk.last_heartbeat_at)) / 60000);
  const text = formatTime(kiosk.last_heartbeat_at);
  return minutes > STALE_MINUTES ? `${text} (${minutes} min geleden)` : text;
}

// A resident's report the backend refused sits sealed on the kiosk: say so loudly, with what to do.
function held(kiosk) {
  if (!kiosk.outbox_held) return null;
  return el("div", { class: "message error", role: "alert" },
    `${kiosk.outbox_held} zaak/zaken van bewoners vastgehouden op de kiosk: de backend weigerde ze` +
    ` (${kiosk.held_reason || "onbekende reden"}). Los de oorzaak op en geef ze vrij op de kiosk met` +
    " python -m kiosk status --retry-held.");
}

function kioskRow(kiosk) {
  const revoke = kiosk.revoked_at ? "—" : el("button", { type: "button", class: "danger", onclick: () => {
    if (!confirm(`Kiosk ${kiosk.name} intrekken? De kiosk kan daarna niets meer versturen.`)) return;
    act(() => api(`/api/admin/kiosks/${kiosk.id}/revoke`, { method: "POST" }), `Kiosk ${kiosk.name} ingetrokken.`);
  } }, "Intrekken");
  const backlog = kiosk.outbox_pending
    ? `${kiosk.outbox_pending} (oudste ${Math.round(kiosk.oldest_pending_seconds / 60)} min)` : "0";
  return el("tr", {},
    el("th", { scope: "row" }, kiosk.name), el("td", {}, kiosk.location), el("td", {}, heartbeat(kiosk)),
    el("td", {}, backlog, held(kiosk),
      kiosk.last_error ? el("div", { class: "note" }, `Laatste fout: ${kiosk.last_error}`) : null),
    el("td", {}, kiosk.app_version || "—"), el("td", {}, kiosk.translation_ready ? "klaar" : "niet klaar"),
    el("td", {}, kiosk.revoked_at ? `Ingetrokken ${formatTime(kiosk.revoked_at)}` : "Actief"),
    el("td", {}, revoke));
}

function userRow(user) {
  const toggle = user.disabled
    ? el("button", { type: "button", class: "secondary", onclick: () =>
      act(() => api(`/api/admin/users/${user.id}/enable`, { method: "POST" }), `${user.name} is weer actief.`) },
    "Activeren")
    : el("button", { type: "button", class: "danger", disabled: user.name === me.user.name, onclick: () =>
      act(() => api(`/api/admin/users/${user.id}/disable`, { method: "POST" }), `${user.name} is geblokkeerd.`) },
    "Blokkeren");
  const reset = el("button", { type: "button", class: "secondary", onclick: () => askPassword(user) },
    "Wachtwoord opnieuw instellen");
  const unlock = user.locked_until ? el("button", { type: "button", class: "secondary", onclick: () =>
    act(() => api(`/api/admin/users/${user.id}/unlock`, { method: "POST" }), `${user.name} is ontgrendeld.`) },
  "Ontgrendelen") : null;
  const totpReset = user.totp_enrolled ? el("button", { type: "button", class: "secondary", onclick: () => {
    if (!confirm(`Tweestapsverificatie van ${user.name} verwijderen? ${user.name} wordt afgemeld en stelt het opnieuw in.`)) return;
    act(() => api(`/api/admin/users/${user.id}/totp/reset`, { method: "POST" }),
      `Tweestapsverificatie van ${user.name} is verwijderd.`);
  } }, "TOTP resetten") : null;
  const status = [user.disabled ? "Geblokkeerd" : "Actief"];
  if (user.locked_until) status.push(`vergrendeld tot ${formatTime(user.locked_until)}`);
  return el("tr", {},
    el("th", { scope: "row" }, user.name), el("td", {}, ROLES[user.role] || user.role),
    el("td", {}, status.join("; ")), el("td", {}, user.totp_enrolled ? "ingesteld" : "niet ingesteld"),
    el("td", {}, el("div", { class: "actions" }, toggle, reset, unlock, totpReset)));
}

function askPassword(user) {
  const dialog = document.getElementById("password-dialog");
  const form = document.getElementById("password-form");
  document.getElementById("pw-user").textContent = user.name;
  form.elements.username.value = user.name;
  form.elements.password.value = "";
  dialog.onclose = () => {
    const password = form.elements.password.value;
    if (dialog.returnValue !== "save") return;
    act(() => api(`/api/admin/users/${user.id}/password`, { method: "POST", body: { password } }),
      `Wachtwoord van ${user.name} is gewijzigd; de sessies van ${user.name} zijn beëindigd.`);
  };
  dialog.showModal();
}

async function loadAll() {
  const [kiosks, users, retention, totp] = await Promise.all([
    api("/api/admin/kiosks"), api("/api/admin/users"), api("/api/admin/retention"), api("/api/admin/totp-policy"),
  ]);
  document.getElementById("totp-required").checked = totp.required;
  document.querySelector("#kiosks tbody").replaceChildren(...kiosks.map(kioskRow));
  document.querySelector("#users tbody").replaceChildren(...users.map(userRow));
  document.getElementById("r-days").value = retention.retention_days;
}

document.addEventListener("DOMContentLoaded", async () => {
  me = await startSession("/console/admin");
  document.getElementById("kiosk-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { name: form.elements.name.value.trim(), location: form.elements.location.value.trim() };
    try {
      const made = await api("/api/admin/kiosks", { method: "POST", body });
      document.getElementById("token-kiosk").textContent = made.kiosk.name;
      document.getElementById("token").textContent = made.token;
      document.getElementById("token-box").hidden = false;
      form.reset();
      ok(`Kiosk ${made.kiosk.name} toegevoegd.`);
      await loadAll();
    } catch (failure) {
      fail(failure);
    }
  });
  document.getElementById("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { name: form.elements.name.value.trim(), role: form.elements.role.value, password: form.elements.password.value };
    act(async () => {
      await api("/api/admin/users", { method: "POST", body });
      form.reset();
    }, `Gebruiker ${body.name} toegevoegd.`);
  });
  document.getElementById("totp-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const required = document.getElementById("totp-required").checked;
    act(() => api("/api/admin/totp-policy", { method: "PUT", body: { required } }),
      required ? "Tweestapsverificatie is nu verplicht voor agenten en beheerders." : "Tweestapsverificatie is nu vrijwillig.");
  });
  document.getElementById("retention-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const days = Number(event.target.elements.days.value);
    act(() => api("/api/admin/retention", { method: "PUT", body: { retention_days: days } }),
      `Bewaartermijn is nu ${days} dagen.`);
  });
  document.getElementById("purge").addEventListener("click", async () => {
    try {
      const report = await api("/api/admin/purge", { method: "POST" });
      ok(`Persoonsgegevens van ${report.purged_cases} zaak/zaken verwijderd.`);
    } catch (failure) {
      fail(failure);
    }
  });
  try {
    await loadAll();
  } catch (failure) {
    fail(failure);
  }
});
