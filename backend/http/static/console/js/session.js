// The page chrome every signed-in page shares: menu per role, who is signed in, the idle timeout and logout.
// The server ends a session after its idle timeout; this only shows when, warns two minutes before
// (WCAG 2.2.1: the user can extend it) and sends the officer to the login page when it has ended.

import { api, el, setCsrf, toLogin } from "./api.js";

const WARN_BEFORE_MS = 2 * 60 * 1000;
const CHECK_EVERY_MS = 60 * 1000;
const ACTIVITY_PING_MS = 60 * 1000;
const ENROLMENT = ["/console/totp", "Tweestapsverificatie"];
const MENU = {
  officer: [["/console/queue", "Wachtrij"], ENROLMENT],
  pilot: [["/console/dashboard", "Dashboard"], ENROLMENT],
  admin: [["/console/admin", "Beheer"], ["/console/dashboard", "Dashboard"], ENROLMENT],
};

let deadline = 0; // local clock (ms) at which the server will end the session
let lastPing = Date.now();
let info = null;

export function noteIdleDeadline(expiresAt, serverNow) {
  deadline = Date.now() + (new Date(expiresAt) - new Date(serverNow));
  render();
}

function render() {
  const timer = document.getElementById("session-timer");
  if (!timer || !deadline) return;
  const end = new Date(deadline);
  const clock = end.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
  const minutes = Math.max(0, Math.ceil((deadline - Date.now()) / 60000));
  timer.textContent = `Afmelding bij inactiviteit om ${clock} (over ${minutes} min; na ${info.idle_minutes} min zonder activiteit)`;
}

async function refresh(poll) {
  const data = await api("/api/console/session", { poll });
  info = data;
  setCsrf(data.csrf_token);
  noteIdleDeadline(data.idle_expires_at, data.now);
  return data;
}

function tick() {
  const left = deadline - Date.now();
  const dialog = document.getElementById("idle-warning");
  if (left <= 0) {
    toLogin("expired");
    return;
  }
  if (left <= WARN_BEFORE_MS && dialog && !dialog.open) dialog.showModal();
  render();
}

function activity() {
  if (Date.now() - lastPing < ACTIVITY_PING_MS) return;
  lastPing = Date.now();
  refresh(false).catch(() => {});
}

async function logout() {
  try {
    await api("/api/auth/logout", { method: "POST" });
  } finally {
    location.assign("/console/?logged_out=1");
  }
}

function buildIdleDialog() {
  const stay = el("button", { type: "button", onclick: async () => {
    await refresh(false);
    lastPing = Date.now();
    dialog.close();
  } }, "Ingelogd blijven");
  const leave = el("button", { type: "button", class: "secondary", onclick: logout }, "Nu afmelden");
  const dialog = el("dialog", { id: "idle-warning", "aria-labelledby": "idle-title", "aria-describedby": "idle-text" },
    el("h2", { id: "idle-title" }, "Bent u er nog?"),
    el("p", { id: "idle-text" }, "U wordt over minder dan 2 minuten automatisch afgemeld omdat er niets is gebeurd."),
    el("div", { class: "actions" }, stay, leave));
  document.body.append(dialog);
}

export async function startSession(current) {
  const data = await refresh(true);
  if (data.totp_enrolment_required && current !== ENROLMENT[0]) location.assign(ENROLMENT[0]);
  const nav = document.getElementById("nav");
  for (const [href, text] of data.totp_enrolment_required ? [ENROLMENT] : MENU[data.user.role] || []) {
    nav.append(el("a", { href, "aria-current": href === current ? "page" : null }, text));
  }
  document.getElementById("who").textContent = `${data.user.name} (${roleName(data.user.role)})`;
  document.getElementById("logout").addEventListener("click", logout);
  buildIdleDialog();
  for (const kind of ["keydown", "click"]) document.addEventListener(kind, activity, { capture: true });
  setInterval(tick, 5000);
  setInterval(() => refresh(true).catch(() => {}), CHECK_EVERY_MS);
  return data;
}

function roleName(role) {
  return { officer: "agent", pilot: "pilotteam", admin: "beheerder" }[role] || role;
}
