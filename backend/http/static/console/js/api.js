// Talking to the backend: JSON, the session cookie, the CSRF header on changes, Dutch error messages.

let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

const MESSAGES = {
  login_failed: "Onjuiste gebruikersnaam of wachtwoord, of het account is geblokkeerd.",
  too_many_attempts: "Te veel mislukte pogingen.",
  account_locked: "Dit account is tijdelijk vergrendeld na te veel mislukte pogingen. Een beheerder kan het ontgrendelen.",
  code_required: "Voer de 6-cijferige code uit uw authenticator-app in.",
  code_invalid: "De code is onjuist, verlopen of al gebruikt. Wacht op de volgende code.",
  totp_enrolment_required: "Stel eerst tweestapsverificatie in.",
  totp_enrolled: "Tweestapsverificatie is al ingesteld.",
  no_pending_totp: "Begin opnieuw met instellen.",
  session_expired: "Uw sessie is verlopen. Log opnieuw in.",
  login_required: "Log eerst in.",
  forbidden: "U heeft hiervoor geen rechten.",
  csrf_failed: "De beveiligingscontrole is mislukt. Laad de pagina opnieuw.",
  already_claimed: "Een collega heeft deze zaak al opgepakt.",
  changed_meanwhile: "Een collega heeft deze zaak zojuist gewijzigd. De gegevens zijn ververst.",
  invalid_transition: "Deze statuswijziging is niet mogelijk.",
  not_your_case: "Alleen de behandelaar kan dit doen. Pak de zaak eerst op.",
  name_taken: "Deze naam bestaat al.",
  cannot_disable_self: "U kunt uw eigen account niet blokkeren.",
  purged: "De persoonsgegevens van deze zaak zijn verwijderd (bewaartermijn).",
  not_found: "Niet gevonden.",
  invalid_request: "De invoer is niet geldig.",
  database_unavailable: "De database is tijdelijk niet bereikbaar. Probeer het zo opnieuw.",
  identity_and_signature_needed: "Een aangifte heeft een gecontroleerde identiteit en een handtekening nodig, of een reden waarom niet.",
  issuing_country: "Kies het land dat het document heeft uitgegeven.",
  number_last4: "Vul precies de laatste 4 letters of cijfers van het documentnummer in.",
  document_type: "Kies de soort document.",
  no_photo: "Er is geen foto (meer) van het identiteitsbewijs.",
  photo_unreadable: "De foto is geen volledig JPEG- of PNG-bestand.",
  photo_size: "De foto is te klein of te groot (elke kant 32 tot 4096 pixels).",
  photo_too_large: "Het bestand van de foto is te groot (meer dan 4 MB).",
  too_large: "Wat u stuurt is te groot.",
  unsupported_media_type: "Stuur de foto als JPEG of PNG.",
};

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(MESSAGES[code] || `Er ging iets mis (${status}).`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export function toLogin(reason) {
  const next = encodeURIComponent(location.pathname);
  location.assign(`/console/?next=${next}${reason ? `&${reason}=1` : ""}`);
}

export async function api(path, { method = "GET", body, poll = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (poll) headers["X-Console-Poll"] = "1";
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data.error, data.detail);
    error.retryAfter = Number(response.headers.get("Retry-After")) || 0; // seconds, with a 429
    if (response.status === 401 && !path.startsWith("/api/auth/login")) toLogin("expired");
    throw error;
  }
  return data;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function show(node, message, kind = "error") {
  node.className = `message ${kind}`;
  node.textContent = message || "";
}

export function formatTime(iso) {
  return new Date(iso).toLocaleString("nl-NL", {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

export function formatAge(minutes) {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} u ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24} u`;
}

export function suppressed(value) {
  return value === null || value === undefined ? "verborgen" : String(value);
}
