// Login: POST /api/auth/login sets a fresh HttpOnly session cookie; then go to the page for the role.

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
    if (!name || !password) {
      show(error, "Vul uw gebruikersnaam en wachtwoord in.");
      return;
    }
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const me = await api("/api/auth/login", { method: "POST", body: { name, password } });
      location.assign(safeNext(me.user.role));
    } catch (failure) {
      show(error, failure.message);
      form.elements.password.value = "";
      form.elements.password.focus();
    } finally {
      button.disabled = false;
    }
  });
});
