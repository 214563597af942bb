// Setting up TOTP: the server makes a secret and draws its otpauth:// URI as an SVG QR code; the first code
// from the app confirms it. With mandatory TOTP this is the only page a session without TOTP may open.

import { api, show } from "./api.js";
import { startSession } from "./session.js";

const HOME = { officer: "/console/queue", pilot: "/console/dashboard", admin: "/console/admin" };

function svgNode(markup) {
  const parsed = new DOMParser().parseFromString(markup, "image/svg+xml").documentElement;
  const node = document.importNode(parsed, true);
  node.setAttribute("aria-hidden", "true");
  node.removeAttribute("width");
  node.removeAttribute("height");
  return node;
}

function render(status, role) {
  const state = document.getElementById("state");
  state.textContent = status.enrolled
    ? "Tweestapsverificatie is ingesteld voor uw account. Bij het inloggen vraagt de console om een code."
    : "Tweestapsverificatie is nog niet ingesteld voor uw account.";
  document.getElementById("start").hidden = status.enrolled;
  show(document.getElementById("required"),
    status.required && !status.enrolled
      ? "Tweestapsverificatie is verplicht voor uw account. Stel het nu in; daarna kunt u verder." : "", "info");
  document.getElementById("home").href = HOME[role] || "/console/";
  document.getElementById("home-link").hidden = !status.enrolled;
}

document.addEventListener("DOMContentLoaded", async () => {
  const session = await startSession("/console/totp");
  const role = session.user.role;
  const error = document.getElementById("error");
  render(await api("/api/auth/totp"), role);

  document.getElementById("start").addEventListener("click", async () => {
    try {
      const made = await api("/api/auth/totp/enrolment", { method: "POST" });
      document.getElementById("qr").replaceChildren(svgNode(made.qr_svg));
      document.getElementById("secret").textContent = made.secret;
      document.getElementById("enrol").hidden = false;
      document.getElementById("start").hidden = true;
      show(error, "");
      document.getElementById("totp-code").focus();
    } catch (failure) {
      show(error, failure.message);
    }
  });

  document.getElementById("confirm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = event.target.elements.code;
    const code = input.value.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(code)) {
      show(error, "Vul de 6 cijfers uit de app in.");
      input.focus();
      return;
    }
    try {
      const status = await api("/api/auth/totp/confirm", { method: "POST", body: { code } });
      document.getElementById("enrol").hidden = true;
      show(error, "");
      show(document.getElementById("message"), "Tweestapsverificatie is ingesteld.", "ok");
      render(status, role);
      document.getElementById("home").focus();
    } catch (failure) {
      show(error, failure.message);
      input.value = "";
      input.focus();
    }
  });
});
