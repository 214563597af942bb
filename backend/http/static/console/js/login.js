// Login: POST /api/auth/login sets a fresh HttpOnly session cookie; then go to the page for the role.
// An account with TOTP is asked for its code (a second field that appears); a session that must set up
// TOTP first goes to /console/totp. After repeated failures the server answers 429 with Retry-After.

import { api, show } from "./api.js";

const HOME = { officer: "/console/queue", pilot: "/console/dashboard", admin: "/console/admin" };

function safeNext(role) {
  const next = new URLSearchParams(location.search).get("next");
  // Only a path on this console, never another site.
  if (next && next.startsWith("/console/") && !next.startsWith("//")) return next;
  return HOME[role] || "/console/";
}

function notice() {
  const params = new URLSearchParams(location.search);
  const node = document.getElementById("notice");
  if (params.has("expired")) show(node, "Uw sessie is verlopen. Log opnieuw in.", "info");
  else if (params.has("logged_out")) show(node, "U bent afgemeld.", "info");
}

document.addEventListener("DOMContentLoaded", () => {
  notice();
  const form = document.getElementById("login-form");
  const error = document.getElementById("error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const password = form.elements.password.value;
    const codeField = document.getElementById("code-field");
    const code = form.elements.code.value.replace(/\s+/g, "");
    if (!name || !password) {
      show(error, "Vul uw gebruikersnaam en wachtwoord in.");
      return;
    }
    const body = { name, password };
    if (!codeField.hidden && code) body.code = code;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const me = await api("/api/auth/login", { method: "POST", body });
      location.assign(me.totp_enrolment_required ? "/console/totp" : safeNext(me.user.role));
    } catch (failure) {
      if (failure.code === "code_required" || failure.code === "code_invalid") {
        codeField.hidden = false;
        show(error, failure.message, failure.code === "code_required" ? "info" : "error");
        form.elements.code.value = "";
        form.elements.code.focus();
        return;
      }
      const wait = failure.retryAfter ? ` Probeer het over ${Math.ceil(failure.retryAfter / 60)} min opnieuw.` : "";
      show(error, failure.message + wait);
      form.elements.password.value = "";
      form.elements.password.focus();
    } finally {
      button.disabled = false;
    }
  });
});
