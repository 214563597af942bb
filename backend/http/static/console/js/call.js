// Video calls on the officer's console: the ringing list, accept, two-way audio and video, the chat and the
// resident's intake beside the video. Signalling goes over /api/console/call (session cookie, then the CSRF
// token as the first message); media and chat go peer to peer to the kiosk, which translates all chat.
// The kiosk always makes the offer; an offer with a higher attempt number replaces the peer connection.

import { api, el } from "./api.js";
import { callRecords } from "./call_records.js";
import { noteIdleDeadline } from "./session.js";

const SOCKET_PATH = "/api/console/call";
const RETRY_MS = 3000;
const REJOIN_RETRY_MS = 250; // in a call, try again soon: the server keeps the call 12 s for us to rejoin
const REJOIN_GIVE_UP_MS = 11000;
const PING_MS = 1000;
const SILENCE_MS = 5000; // no data from the kiosk this long: say so and ask the kiosk to reconnect
const ACTIVE_MS = 60 * 1000; // an officer in a call is active even without clicking: tell the server so
const ENDED = {
  kiosk_hangup: "De bewoner heeft het gesprek beëindigd.",
  kiosk_cancelled: "De bewoner wacht niet meer op een gesprek.",
  officer_hangup: "U heeft het gesprek beëindigd.",
  no_answer: "De bewoner koos voor terugbellen of voor 0900-8844.",
  kiosk_lost: "De verbinding met de kiosk is verbroken. Het gesprek is beëindigd.",
  officer_lost: "Uw verbinding met de server was verbroken. Het gesprek is beëindigd.",
  network_lost: "De verbinding viel weg en kwam niet terug. Het gesprek is beëindigd.",
  media_failed: "Er kon geen beeld- en geluidsverbinding met de kiosk worden gemaakt.",
  server_shutdown: "De server werd herstart. Het gesprek is beëindigd.",
};
const REFUSED = {
  taken: "Een collega heeft dit gesprek al aangenomen.",
  gone: "De bewoner wacht niet meer.",
  busy: "U zit al in een gesprek.",
};

const state = {
  socket: null, csrf: null, labels: { languages: {}, services: {} }, ringing: [], ringingAt: 0,
  call: null, // { id, ice, policy, pc, attempt, channel, local, muted, heardAt, pinger, messages: Map }
};
const ui = {};
let records = null; // the statement and the document photo (call_records.js)

// ----- signalling ----------------------------------------------------------------------------------------
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${SOCKET_PATH}`);
  state.socket = socket;
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: "hello", csrf: state.csrf }));
    if (state.call) { // back after a drop: the server kept the call for us
      socket.send(JSON.stringify({ type: "rejoin", call_id: state.call.id }));
      state.call.serverLostAt = null;
    }
    status("Klaar voor videogesprekken.");
  };
  socket.onmessage = (event) => receive(JSON.parse(event.data));
  socket.onclose = (event) => {
    state.socket = null;
    const call = state.call;
    if (event.code === 4401) {
      if (call) endCall("officer_lost");
      status("Uw sessie is verlopen: videogesprekken staan uit.");
      return;
    }
    if (call) { // a server worker restarted or the network blinked: picture, sound and chat go on peer to peer
      call.serverLostAt = call.serverLostAt || performance.now();
      if (performance.now() - call.serverLostAt < REJOIN_GIVE_UP_MS) {
        status("Verbinding met de server even weg; het gesprek loopt door. Opnieuw verbinden…");
        setTimeout(connect, REJOIN_RETRY_MS);
        return;
      }
      endCall("officer_lost");
    }
    status("Geen verbinding met de server voor videogesprekken; opnieuw proberen…");
    setTimeout(connect, RETRY_MS);
  };
}

function send(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

function receive(message) {
  const call = state.call;
  switch (message.type) {
    case "ringing": ring(message.calls); break;
    case "accepted": startCall(message); break;
    case "refused": status(REFUSED[message.reason] || "Dit gesprek kan niet worden aangenomen."); break;
    case "offer": if (call && message.call_id === call.id) answer(message); break;
    case "candidate":
      if (call && call.pc && message.call_id === call.id && message.attempt === call.attempt && message.candidate) {
        call.pc.addIceCandidate({ candidate: message.candidate, sdpMid: message.sdp_mid,
          sdpMLineIndex: message.sdp_mline_index }).catch(() => {});
      }
      break;
    case "reconnecting": if (call && message.call_id === call.id) callStatus("De verbinding hapert. Opnieuw verbinden…"); break;
    case "hangup": if (call && message.call_id === call.id) endCall(message.reason); break;
    case "error": console.warn("call service:", message.code); break;
    default: break;
  }
}

// ----- ringing -------------------------------------------------------------------------------------------
function ring(calls) {
  const before = new Set(state.ringing.map((c) => c.call_id));
  state.ringing = calls;
  state.ringingAt = performance.now();
  if (calls.some((c) => !before.has(c.call_id))) beep();
  renderRinging();
}

function waited(call) {
  const seconds = Math.floor((call.waited_ms + performance.now() - state.ringingAt) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function renderRinging() {
  ui.ringing.replaceChildren(...state.ringing.map((call) => el("li", { "data-call": call.call_id },
    el("span", { class: "call-language" }, state.labels.languages[call.language] || call.language),
    el("span", {}, call.service ? (state.labels.services[call.service] || call.service) : "Nog geen formulier"),
    el("span", {}, `${call.kiosk}, ${call.location}`),
    el("span", { class: "call-waited", "data-waited": "" }, `wacht ${waited(call)}`),
    el("button", { type: "button", class: "call-accept", disabled: state.call !== null,
      onclick: () => send({ type: "accept", call_id: call.call_id }) }, "Opnemen"))));
  ui.ringingEmpty.hidden = state.ringing.length > 0;
  document.title = state.ringing.length ? `(${state.ringing.length}) Videogesprek wacht` : ui.title;
}

function beep() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 660;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch { /* no sound without a user gesture: the list and the title still show it */ }
}

// ----- the call ------------------------------------------------------------------------------------------
function startCall(message) {
  // a STUN server comes with username and credential null: RTCIceServer would read them as the text "null"
  const ice = (message.ice_servers || []).map(({ urls, username, credential }) =>
    username == null ? { urls } : { urls, username, credential });
  // relay-only (the backend's call_relay_only): only TURN-relayed candidates, so the kiosk never learns this
  // browser's address nor this browser the kiosk's
  const policy = message.relay_only === true ? "relay" : "all";
  const call = { id: message.call_id, ice, policy, pc: null, attempt: -1, channel: null,
    local: null, muted: false, heardAt: performance.now(), pinger: null, captions: null };
  state.call = call;
  renderRinging();
  ui.chat.replaceChildren();
  showCaptionsState();
  ui.intake.replaceChildren(el("p", { class: "note" }, "Nog geen gegevens ontvangen."));
  records.start({ filed: null, sendText: (text) => sendData(call, text),
    send: (message) => sendData(call, JSON.stringify(message)) });
  ui.panel.hidden = false;
  delete ui.panel.dataset.ended;
  ui.remote.dataset.frames = "0";
  ui.mute.textContent = "Microfoon uit";
  callStatus("Verbinden met de kiosk…");
  call.keepAlive = setInterval(stillActive, ACTIVE_MS);
  call.ready = navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } })
    .then((stream) => { call.local = stream; ui.local.srcObject = stream; })
    .catch(() => callStatus("Geen camera of microfoon beschikbaar: de bewoner ziet en hoort u niet."));
}

async function answer(offer) {
  const call = state.call;
  await call.ready; // the offer may come while the browser still opens the camera
  if (state.call !== call || offer.attempt <= call.attempt) return;
  if (call.pc) call.pc.close();
  call.attempt = offer.attempt;
  const pc = new RTCPeerConnection({ iceServers: call.ice, iceTransportPolicy: call.policy });
  call.pc = pc;
  if (call.local) for (const track of call.local.getTracks()) pc.addTrack(track, call.local);
  pc.onicecandidate = (event) => send({ type: "candidate", call_id: call.id, attempt: offer.attempt,
    candidate: event.candidate ? event.candidate.candidate : "",
    sdp_mid: event.candidate ? event.candidate.sdpMid : null,
    sdp_mline_index: event.candidate ? event.candidate.sdpMLineIndex : null });
  const remote = new MediaStream(); // the kiosk's audio and video, whatever streams aiortc put them in
  pc.ontrack = (event) => {
    remote.addTrack(event.track);
    if (ui.remote.srcObject !== remote) {
      ui.remote.srcObject = remote;
      countFrames();
    }
  };
  pc.ondatachannel = (event) => openChannel(event.channel);
  pc.onconnectionstatechange = () => watch(pc);
  await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  send({ type: "answer", call_id: call.id, sdp: pc.localDescription.sdp, attempt: offer.attempt });
}

async function stillActive() {
  try {
    const session = await api("/api/console/session"); // not a poll: it counts as activity
    noteIdleDeadline(session.idle_expires_at, session.now);
  } catch { /* the socket's own session check ends the call if the session is gone */ }
}

function watch(pc) {
  const call = state.call;
  if (!call || pc !== call.pc) return;
  if (pc.connectionState === "connected") callStatus("Verbonden.");
  else if (pc.connectionState === "disconnected") callStatus("De verbinding hapert…");
  else if (pc.connectionState === "failed") askReconnect();
}

function askReconnect() {
  const call = state.call;
  callStatus("De verbinding viel weg. Opnieuw verbinden…");
  send({ type: "reconnecting", call_id: call.id, attempt: Math.max(call.attempt, 0) });
}

function openChannel(channel) {
  const call = state.call;
  call.channel = channel;
  channel.onmessage = (event) => { call.heardAt = performance.now(); onData(JSON.parse(event.data)); };
  channel.onopen = () => { call.heardAt = performance.now(); if (call.muted) sendMuted(); };
  clearInterval(call.pinger);
  let seq = 0;
  let warned = false;
  call.pinger = setInterval(() => {
    if (channel.readyState === "open") channel.send(JSON.stringify({ kind: "ping", seq: ++seq }));
    const silent = performance.now() - call.heardAt > SILENCE_MS;
    if (silent && !warned) askReconnect();
    warned = silent;
  }, PING_MS);
}

function onData(message) {
  if (message.kind === "chat") showChat(message);
  else if (message.kind === "intake") { state.call.intakeSeen = true; showIntake(message); showCaptionsState(); }
  else if (message.kind === "media") callStatus(message.audio_muted ? "De bewoner heeft de microfoon uitgezet." : "Verbonden.");
  else if (message.kind === "caption") showCaption(message);
  else if (message.kind === "captions") captionsSwitched(message);
  else if (message.kind === "transcript") transcriptState(message);
  else records.received(message);
}

function sendData(call, text) {
  // over the call's data channel to the kiosk; false when it is not open
  if (!call.channel || call.channel.readyState !== "open") return false;
  call.channel.send(text);
  return true;
}

function endCall(reason) {
  const call = state.call;
  if (!call) return;
  clearInterval(call.pinger);
  clearInterval(call.keepAlive);
  if (call.pc) call.pc.close();
  if (call.local) for (const track of call.local.getTracks()) track.stop();
  ui.remote.srcObject = null;
  ui.local.srcObject = null;
  state.call = null;
  records.end();
  showCaptionsState();
  callStatus(ENDED[reason] || "Het gesprek is beëindigd.");
  ui.panel.dataset.ended = reason;
  renderRinging();
}

function hangUp() {
  if (!state.call) return;
  send({ type: "hangup", call_id: state.call.id, reason: "officer_hangup" });
  endCall("officer_hangup");
}

function toggleMute() {
  const call = state.call;
  if (!call || !call.local) return;
  call.muted = !call.muted;
  for (const track of call.local.getAudioTracks()) track.enabled = !call.muted;
  ui.mute.textContent = call.muted ? "Microfoon aan" : "Microfoon uit";
  ui.mute.setAttribute("aria-pressed", String(call.muted));
  sendMuted();
}

function sendMuted() {
  const channel = state.call && state.call.channel;
  if (channel && channel.readyState === "open") {
    channel.send(JSON.stringify({ kind: "media", audio_muted: state.call.muted, video_muted: false }));
  }
}

// ----- captions (speech heard and translated on the kiosk) ---------------------------------------------------
function captionsSwitched(message) {
  // The kiosk says it captions (once the channel opens) and whenever the resident switches them.
  const call = state.call;
  const before = call.captions;
  call.captions = { on: message.on };
  if (before && message.by === "resident") {
    callStatus(message.on ? "De bewoner heeft de ondertiteling aangezet." : "De bewoner heeft de ondertiteling uitgezet.");
  }
  showCaptionsState();
}

function toggleCaptions() {
  const call = state.call;
  if (!call || !call.captions || !call.channel || call.channel.readyState !== "open") return;
  call.captions = { on: !call.captions.on };
  call.channel.send(JSON.stringify({ kind: "captions", on: call.captions.on, by: "officer" }));
  showCaptionsState();
}

function toggleTranscript() {
  const call = state.call;
  if (!call || !call.captions || !call.channel || call.channel.readyState !== "open") return;
  call.channel.send(JSON.stringify({ kind: "keep_transcript", keep: !call.keepTranscript, kept_by: state.officer || "" }));
}

function transcriptState(message) {
  // The kiosk's answer: it told the resident, and seals every turn when the call ends.
  state.call.keepTranscript = message.keep;
  showCaptionsState();
}

function showCaptionsState() {
  const captions = state.call && state.call.captions;
  const keep = Boolean(state.call && state.call.keepTranscript);
  ui.transcript.hidden = !captions;
  ui.transcript.textContent = keep ? "Verslag niet bewaren" : "Verslag bewaren";
  ui.transcript.setAttribute("aria-pressed", String(keep));
  ui.transcriptNote.textContent = keep ? "Het verslag wordt bewaard als het gesprek eindigt (versleuteld, via de kiosk);"
    + " het komt als zaak \u201cGespreksverslag videogesprek\u201d in de lijst. De bewoner ziet dat het bewaard wordt." : "";
  ui.captions.hidden = !captions;
  // "no captions" only once the kiosk has spoken (it says its captions' state before the intake): never a guess
  const heard = Boolean(state.call && state.call.intakeSeen);
  ui.captionsNote.textContent = !state.call || (!captions && !heard) ? "" : !captions ? "Deze kiosk maakt geen ondertiteling."
    : captions.on ? "Ondertiteling aan: de kiosk zet gesproken woorden om in tekst en vertaalt ze."
    : "Ondertiteling uit.";
  if (captions) {
    ui.captions.textContent = captions.on ? "Ondertiteling uit" : "Ondertiteling aan";
    ui.captions.setAttribute("aria-pressed", String(!captions.on));
  }
}

function speechNote(message) {
  const parts = [`Spraakherkenning (${message.speech_model})`];
  if (message.translated && message.machine_translated) parts.push(`machinevertaling${message.hops.length ? ` (${model(message)})` : ""}`);
  if (!message.translated) parts.push(message.reason ? `niet vertaald (${message.reason})` : "niet vertaald");
  const low = message.low_confidence || message.speech_low_confidence;
  return el("p", { class: low ? "call-note low" : "call-note" }, parts.join(" · "), low ? " · onzeker, controleer" : "");
}

function showCaption(message) {
  const mine = message.speaker === "officer";
  const item = el("li", { class: `call-line caption ${mine ? "officer" : "resident"}`, "data-caption": message.caption_id },
    el("p", { class: "call-who" }, mine ? "U (gesproken, zoals de kiosk het verstond)" : "Bewoner (gesproken)"));
  if (mine) {
    item.append(el("p", { class: "call-text", lang: "nl" }, message.original),
      el("p", { class: "call-shown", lang: message.target_language, dir: "auto" },
        `Getoond aan bewoner: ${message.translated || message.original}`));
  } else {
    item.append(el("p", { class: "call-original", lang: message.source_language, dir: "auto" }, message.original),
      el("p", { class: "call-dutch", lang: "nl" }, message.translated || "(geen vertaling)"));
  }
  item.append(speechNote(message));
  ui.chat.append(item);
  item.scrollIntoView({ block: "nearest" });
}

// ----- chat and intake -----------------------------------------------------------------------------------
function sendChat(event) {
  event.preventDefault();
  const call = state.call;
  const text = ui.input.value.trim();
  if (!call || !text) return;
  if (!call.channel || call.channel.readyState !== "open") { callStatus("Nog geen verbinding: bericht niet verstuurd."); return; }
  const message = { kind: "chat", message_id: crypto.randomUUID().replaceAll("-", ""), sender: "officer",
    original: text, source_language: "nl", translated: null, target_language: null, hops: [], pivot: null,
    low_confidence: false, reason: null, machine_translated: false };
  call.channel.send(JSON.stringify(message));
  ui.input.value = "";
  showChat(message);
}

function model(message) {
  return message.hops.map((hop) => `${hop.package} ${hop.version}`).join(" + ");
}

function translationNote(message) {
  if (!message.translated) return el("p", { class: "call-note" }, message.reason ? `Niet vertaald (${message.reason}).` : "");
  const parts = [message.machine_translated ? "Machinevertaling" : "Niet vertaald"];
  if (message.hops.length) parts.push(model(message));
  if (message.pivot) parts.push(`via ${message.pivot}`);
  return el("p", { class: message.low_confidence ? "call-note low" : "call-note" },
    parts.join(" · "), message.low_confidence ? " · onzeker, controleer" : "");
}

function showChat(message) {
  const mine = message.sender === "officer";
  const item = el("li", { class: mine ? "call-line officer" : "call-line resident", "data-message": message.message_id },
    el("p", { class: "call-who" }, mine ? "U" : "Bewoner"));
  if (mine) {
    item.append(el("p", { class: "call-text", lang: "nl" }, message.original));
    if (message.target_language) {
      item.append(el("p", { class: "call-shown", lang: message.target_language, dir: "auto" },
        `Getoond aan bewoner: ${message.translated || message.original}`), translationNote(message));
    }
  } else {
    item.append(el("p", { class: "call-original", lang: message.source_language, dir: "auto" }, message.original),
      el("p", { class: "call-dutch", lang: "nl" }, message.translated || "(geen vertaling)"), translationNote(message));
  }
  const existing = ui.chat.querySelector(`[data-message="${CSS.escape(message.message_id)}"]`);
  if (existing) existing.replaceWith(item); else ui.chat.append(item);
  item.scrollIntoView({ block: "nearest" });
}

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filedCase(summary) {
  // The resident called from the receipt of a report just filed: open it beside the call (a new tab keeps the
  // call here) to check the identity document the resident holds to the camera.
  if (!summary.case_id || !CASE_ID.test(summary.case_id)) return null;
  if (!summary.reference) return "ingediend, nog niet bij de politie binnen";
  return el("span", {}, el("a", { href: `/console/cases/${summary.case_id}`, target: "_blank", rel: "noopener",
    id: "call-case-link" }, summary.reference), " (opent in een nieuw tabblad: identiteit controleren)");
}

function showIntake(summary) {
  const header = [["Taal", state.labels.languages[summary.language] || summary.language]];
  if (summary.case_type) header.push(["Soort", state.labels.services[summary.case_type] || summary.case_type]);
  const filed = filedCase(summary);
  if (filed) header.unshift(["Zaak", filed]);
  records.filed(summary.reference && CASE_ID.test(summary.case_id || "") ? summary.case_id : null);
  const rows = [];
  for (const [label, value] of header) rows.push(el("dt", {}, label), el("dd", {}, value));
  for (const item of summary.items) {
    rows.push(el("dt", {}, item.label),
      el("dd", { "data-field": item.field_id }, el("span", { lang: summary.language, dir: "auto" }, item.value),
        item.dutch ? el("span", { class: item.low_confidence ? "call-dutch low" : "call-dutch" }, ` — ${item.dutch}`) : null));
  }
  if (!summary.items.length) rows.push(el("dt", {}, "Ingevuld"), el("dd", {}, "Nog niets"));
  ui.intake.replaceChildren(el("dl", {}, rows));
}

// ----- page ----------------------------------------------------------------------------------------------
function status(text) { ui.status.textContent = text; }
function callStatus(text) { ui.callStatus.textContent = text; }

let counting = 0;
function countFrames() {
  // Counts frames shown (data-frames, for the tests and the benchmark); callbacks are re-armed for every
  // new stream because a media element's load drops the pending ones.
  const video = ui.remote;
  if (!("requestVideoFrameCallback" in video)) return;
  const generation = ++counting;
  const step = () => {
    if (generation !== counting) return;
    video.dataset.frames = String(Number(video.dataset.frames || 0) + 1);
    video.requestVideoFrameCallback(step);
  };
  video.requestVideoFrameCallback(step);
}

function build() {
  ui.title = document.title;
  ui.status = el("p", { id: "call-service", class: "note", role: "status" });
  ui.ringing = el("ul", { id: "ringing", class: "call-ringing", "aria-live": "assertive" });
  ui.ringingEmpty = el("p", { class: "note" }, "Er wacht niemand op een videogesprek.");
  ui.remote = el("video", { id: "call-remote", autoplay: true, playsinline: true, "data-frames": "0" });
  ui.local = el("video", { id: "call-local", autoplay: true, playsinline: true, muted: true });
  ui.local.muted = true;
  ui.mute = el("button", { type: "button", "aria-pressed": "false", onclick: toggleMute }, "Microfoon uit");
  ui.captions = el("button", { type: "button", id: "call-captions", hidden: true, onclick: toggleCaptions }, "Ondertiteling uit");
  ui.captionsNote = el("p", { id: "call-captions-note", class: "note" });
  ui.transcript = el("button", { type: "button", id: "call-transcript", hidden: true, onclick: toggleTranscript }, "Verslag bewaren");
  ui.transcriptNote = el("p", { id: "call-transcript-note", class: "note", role: "status" });
  records = callRecords({ video: ui.remote, csrf: () => state.csrf });
  ui.callStatus = el("p", { id: "call-status", role: "status" });
  ui.chat = el("ol", { id: "call-chat", class: "call-chat", "aria-live": "polite" });
  ui.input = el("input", { id: "call-input", maxlength: "500", autocomplete: "off", lang: "nl" });
  ui.intake = el("div", { id: "call-intake" });
  ui.panel = el("div", { id: "call-panel", class: "call-panel", hidden: true },
    el("div", { class: "call-media" }, ui.remote, ui.local, ui.callStatus,
      ui.captionsNote, ui.transcriptNote, ...records.above,
      el("div", { class: "actions" }, ui.mute, ui.captions, ui.transcript, ...records.buttons,
        el("button", { type: "button", id: "call-hangup", class: "danger", onclick: hangUp }, "Ophangen")),
      records.editor),
    el("section", { class: "call-side", "aria-labelledby": "call-intake-title" },
      el("h3", { id: "call-intake-title" }, "Intake tot nu toe"), ui.intake),
    el("section", { class: "call-side", "aria-labelledby": "call-chat-title" },
      el("h3", { id: "call-chat-title" }, "Chat en ondertiteling (de kiosk vertaalt)"), ui.chat,
      el("form", { id: "call-chat-form", onsubmit: sendChat },
        el("label", { for: "call-input" }, "Bericht in het Nederlands"), ui.input,
        el("button", { type: "submit" }, "Versturen"))));
  const section = el("section", { id: "calls", class: "calls", "aria-labelledby": "calls-title" },
    el("h2", { id: "calls-title" }, "Videogesprekken"), ui.status, ui.ringing, ui.ringingEmpty, ui.panel);
  const host = document.getElementById("calls-host") || document.querySelector("main") || document.body;
  host.prepend(section);
  const style = el("link", { rel: "stylesheet", href: "/console/static/console/css/call.css" });
  document.head.append(style);
  setInterval(() => { if (state.ringing.length) renderRinging(); }, 1000);
}

async function start() {
  build();
  try {
    const [session, labels] = await Promise.all([api("/api/console/session", { poll: true }),
      api("/api/console/labels", { poll: true })]);
    if (session.user && session.user.role && session.user.role !== "officer") return;
    state.csrf = session.csrf_token;
    state.officer = session.user && session.user.name;
    state.labels = labels;
  } catch {
    status("Videogesprekken zijn niet beschikbaar.");
    return;
  }
  connect();
}

start();
