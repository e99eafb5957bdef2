// The video player page (route /play/:id): the <video>, its controls, and playback reports.

// Playing: POST /items/{id}/playback answers a URL — the file itself (direct play) or an
// HLS master playlist — and the text subtitles as WebVTT, shown through <track> elements.
// Chromium and Safari play HLS natively (MPEG-TS segments); a browser without it (Firefox)
// asks with the "firefox" profile for fMP4 segments and plays them through mse.js. Choosing an audio track
// or a quality asks for a new playback and carries on from the same moment. The position
// goes back to the server on start, every ten seconds, on pause and on stop.

import { api } from "../../api.js";
import { clear, duration, errorBox, h } from "../../dom.js";
import { link } from "../../router.js";
import { DECISIONS, describeStream, languageName, playbackAnswer } from "./common.js";
import { hasMse, hasNativeHls, playHls } from "./mse.js";
import { SEEK_STEP_S, askWhereToStart, csrfToken, episodeTitle, iconButton, playerKeys, setIcon, subtitleLabel, whereBack } from "./controls.js";

const REPORT_EVERY_MS = 10_000;
const QUALITIES = [2160, 1440, 1080, 720, 480, 360, 240];

// Which built-in profile this browser is. Safari must say so: it plays HLS natively but
// no Matroska or WebM files, which Chromium's profile would send it directly.
function browserProfile(video) {
  if (!hasNativeHls(video)) return "firefox";
  return /^((?!chrome|chromium|android|crios|fxios).)*safari/i.test(navigator.userAgent) ? "safari" : "chromium";
}

export async function videoPlayer({ params, query, main }) {
  const id = params.id;
  const item = await api(`/api/v1/items/${encodeURIComponent(id)}`);
  const sourceVideo = (item.streams || []).find((stream) => stream.type === "video");
  const audioStreams = (item.streams || []).filter((stream) => stream.type === "audio");
  const imageSubtitles = (item.streams || []).filter(
    (stream) => stream.type === "subtitle" && /pgs|dvd|dvb|xsub|vobsub/i.test(stream.codec || ""),
  );

  const video = h("video", { class: "screen", playsinline: true, preload: "auto", "aria-label": item.title });
  const stage = h("div", { class: "stage" }, video);
  const playButton = iconButton("Play", "play", () => togglePlay());
  const seek = h("input", { type: "range", min: 0, max: 1000, step: 1, value: 0, class: "seek", "aria-label": "Seek" });
  const clock = h("span", { class: "clock", "aria-live": "off", text: "0:00 / 0:00" });
  const muteButton = iconButton("Mute", "sound", () => toggleMute());
  const volume = h("input", { type: "range", min: 0, max: 1, step: 0.05, value: 1, class: "volume", "aria-label": "Volume" });
  const subtitleSelect = h("select", { name: "subtitles" });
  const audioSelect = h("select", { name: "audio" });
  const qualitySelect = h("select", { name: "quality" });
  const fullButton = iconButton("Full screen", "full", () => toggleFullScreen());
  const status = h("p", { class: "player-status muted", role: "status" });
  const how = h("details", { class: "how-it-plays" }, h("summary", { text: "How it plays" }));
  const controls = h(
    "div",
    { class: "controls", role: "group", "aria-label": "Player controls" },
    playButton,
    h("button", { type: "button", class: "control", "aria-label": `Back ${SEEK_STEP_S} seconds`, title: `Back ${SEEK_STEP_S} seconds`, onclick: () => skip(-SEEK_STEP_S) }, "⟲ 10"),
    h("button", { type: "button", class: "control", "aria-label": `Forward ${SEEK_STEP_S} seconds`, title: `Forward ${SEEK_STEP_S} seconds`, onclick: () => skip(SEEK_STEP_S) }, "10 ⟳"),
    seek,
    clock,
    muteButton,
    volume,
    h("label", { class: "menu" }, "Subtitles", subtitleSelect),
    h("label", { class: "menu", hidden: audioStreams.length < 2 }, "Audio", audioSelect),
    h("label", { class: "menu" }, "Quality", qualitySelect),
    fullButton,
  );
  // The player's arrows seek (see playerKeys), so the page's arrow navigation stays out.
  const player = h("div", { class: "player", tabindex: "-1", "data-own-keys": true }, stage, controls);
  clear(
    main,
    h(
      "div",
      { class: "video-player" },
      h(
        "div",
        { class: "player-head" },
        h("a", { class: "back", href: link(whereBack(item)) }, "← Back"),
        h("h1", {}, item.kind === "episode" && item.show_title ? h("span", { class: "muted", text: `${item.show_title} · ` }) : null, episodeTitle(item)),
      ),
      player,
      status,
      how,
      h("p", { class: "muted shortcuts", text: "Keys: space or k play/pause · ← → 10 s · f full screen · m mute · c subtitles" }),
    ),
  );

  // What the viewer chose; a new playback is asked for when audio or quality changes.
  const wanted = { audio: null, subtitle: null, maxHeight: null };
  const session = { id: null, started: false, timer: null, closed: false, answer: null, mse: null };
  const profile = browserProfile(video);
  let seeking = false;

  // -- menus -------------------------------------------------------------------------------
  audioStreams.forEach((stream, index) => {
    const name = languageName(stream.language) || `Track ${index + 1}`;
    audioSelect.append(h("option", { value: String(stream.stream_index), text: `${name} — ${describeStream(stream)}` }));
  });
  audioSelect.addEventListener("change", () => {
    wanted.audio = Number(audioSelect.value);
    restart("Changing the sound track…");
  });
  qualitySelect.append(h("option", { value: "", text: "Original" }));
  const sourceHeight = (sourceVideo && sourceVideo.height) || 0;
  for (const height of QUALITIES) {
    if (height < sourceHeight) qualitySelect.append(h("option", { value: String(height), text: `${height}p` }));
  }
  qualitySelect.disabled = qualitySelect.options.length < 2;
  qualitySelect.addEventListener("change", () => {
    wanted.maxHeight = qualitySelect.value ? Number(qualitySelect.value) : null;
    restart("Changing the quality…");
  });
  subtitleSelect.addEventListener("change", () => chooseSubtitle(subtitleSelect.value));

  // Text subtitles are <track>s beside the picture (value "t<index>"); image ones can only
  // be burned in by a new playback (value "b<ref>").
  function fillSubtitles(answer) {
    for (const old of video.querySelectorAll("track")) old.remove();
    const keep = subtitleSelect.value;
    clear(subtitleSelect, h("option", { value: "", text: "Off" }));
    (answer.subtitles || []).forEach((track, index) => {
      video.append(h("track", { kind: "subtitles", src: track.url, srclang: track.language || "und", label: subtitleLabel(track, index) }));
      subtitleSelect.append(h("option", { value: `t${index}`, text: subtitleLabel(track, index) }));
    });
    for (const stream of imageSubtitles) {
      subtitleSelect.append(h("option", { value: `b${stream.stream_index}`, text: `${languageName(stream.language) || "Subtitles"} (burned into the picture)` }));
    }
    subtitleSelect.disabled = subtitleSelect.options.length < 2;
    if (answer.burned_subtitle && wanted.subtitle) subtitleSelect.value = `b${wanted.subtitle.ref}`;
    else if ([...subtitleSelect.options].some((option) => option.value === keep)) subtitleSelect.value = keep;
    showTrack(subtitleSelect.value);
  }

  function showTrack(value) {
    const chosen = value && value.startsWith("t") ? Number(value.slice(1)) : -1;
    Array.from(video.textTracks).forEach((track, index) => {
      track.mode = index === chosen ? "showing" : "disabled";
    });
  }

  function chooseSubtitle(value) {
    if (value.startsWith("b")) {
      wanted.subtitle = { source: "embedded", ref: value.slice(1) };
      restart("Burning the subtitles in…");
      return;
    }
    const wasBurned = session.answer && session.answer.burned_subtitle;
    wanted.subtitle = null;
    showTrack(value);
    if (wasBurned) restart("Taking the subtitles out…");
  }

  function cycleSubtitles() {
    if (subtitleSelect.disabled) return;
    const options = [...subtitleSelect.options].filter((option) => !option.value.startsWith("b"));
    const at = options.findIndex((option) => option.value === subtitleSelect.value);
    subtitleSelect.value = options[(at + 1) % options.length].value;
    chooseSubtitle(subtitleSelect.value);
    status.textContent = `Subtitles: ${subtitleSelect.selectedOptions[0].textContent}`;
  }

  // -- playback and reports ----------------------------------------------------------------
  const base = `/api/v1/items/${encodeURIComponent(id)}`;

  function positionMs() {
    return Math.max(0, Math.round((video.currentTime || 0) * 1000));
  }

  function report(event, extra = {}) {
    if (!session.id) return Promise.resolve();
    const body = { event, position_ms: positionMs(), session_id: session.id, ...extra };
    return api(`${base}/playback/report`, { method: "POST", body }).catch((error) => console.warn(error));
  }

  function stopReporting() {
    clearInterval(session.timer);
    session.timer = null;
  }

  // A fresh playback: ask the server, point the <video> at the answer, start at startMs.
  async function begin(startMs) {
    const body = { profile };
    if (wanted.audio !== null) body.audio = wanted.audio;
    if (wanted.subtitle) Object.assign(body, { subtitle: wanted.subtitle, burn_subtitle: true });
    if (wanted.maxHeight) body.max_height = wanted.maxHeight;
    const answer = await api(`${base}/playback`, { method: "POST", body });
    if (session.closed) {
      api(`${base}/playback/report`, { method: "POST", body: { event: "stop", session_id: answer.session_id } }).catch(() => {});
      return;
    }
    session.answer = answer;
    session.id = answer.session_id;
    session.started = false;
    clear(how, h("summary", { text: `How it plays: ${DECISIONS[answer.decision] || answer.decision}` }), playbackAnswer(answer));
    if (session.mse) session.mse.close();
    session.mse = null;
    if (profile === "firefox" && answer.url.endsWith(".m3u8")) {
      if (!hasMse()) throw new Error("This browser can play neither HLS nor Media Source Extensions.");
      const failed = (error) => status.replaceChildren(errorBox(error));
      session.mse = await playHls(video, answer.url, { startS: startMs / 1000, onError: failed });
      if (session.closed) session.mse.close();
    } else {
      video.src = answer.url;
      if (startMs > 0) {
        video.addEventListener("loadedmetadata", () => { video.currentTime = startMs / 1000; }, { once: true });
      }
    }
    fillSubtitles(answer);
    try {
      await video.play();
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "Press play to start.";
    }
  }

  // Audio, quality or a burned subtitle changed: end this playback, start one at the same spot.
  async function restart(message) {
    const at = positionMs();
    status.textContent = message;
    stopReporting();
    await report("stop");
    video.pause();
    try {
      await begin(at);
      status.textContent = "";
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  }

  video.addEventListener("playing", () => {
    if (!session.started) {
      session.started = true;
      report("start");
    }
    if (!session.timer) session.timer = setInterval(() => report("position"), REPORT_EVERY_MS);
  });
  video.addEventListener("pause", () => {
    stopReporting();
    if (session.started && !video.ended) report("position");
  });
  video.addEventListener("ended", () => {
    stopReporting();
    report("position", { position_ms: Math.round((video.duration || 0) * 1000) });
  });
  video.addEventListener("error", () => {
    const problem = video.error;
    if (problem && video.getAttribute("src")) status.replaceChildren(errorBox(new Error(`The video could not be played (${problem.message || `code ${problem.code}`}).`)));
  });

  // -- controls ----------------------------------------------------------------------------
  function togglePlay() {
    if (video.paused || video.ended) video.play().catch(() => {});
    else video.pause();
  }
  function skip(seconds) {
    const end = Number.isFinite(video.duration) ? video.duration : (item.file && item.file.duration_ms) / 1000 || 0;
    video.currentTime = Math.max(0, Math.min(end || Infinity, (video.currentTime || 0) + seconds));
  }
  function toggleMute() {
    video.muted = !video.muted;
  }
  function toggleFullScreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else player.requestFullscreen().catch(() => {});
  }
  function totalSeconds() {
    if (Number.isFinite(video.duration) && video.duration > 0) return video.duration;
    return ((item.file && item.file.duration_ms) || 0) / 1000;
  }
  function paint() {
    const total = totalSeconds();
    if (!seeking && total) seek.value = String(Math.round((video.currentTime / total) * 1000));
    clock.textContent = `${duration(video.currentTime * 1000)} / ${duration(total * 1000)}`;
    seek.setAttribute("aria-valuetext", `${duration(video.currentTime * 1000)} of ${duration(total * 1000)}`);
  }
  video.addEventListener("timeupdate", paint);
  video.addEventListener("durationchange", paint);
  video.addEventListener("play", () => setIcon(playButton, "pause", "Pause"));
  video.addEventListener("pause", () => setIcon(playButton, "play", "Play"));
  video.addEventListener("volumechange", () => {
    const silent = video.muted || video.volume === 0;
    setIcon(muteButton, silent ? "muted" : "sound", video.muted ? "Unmute" : "Mute");
    volume.value = String(video.muted ? 0 : video.volume);
  });
  volume.addEventListener("input", () => {
    video.volume = Number(volume.value);
    video.muted = video.volume === 0;
  });
  seek.addEventListener("input", () => {
    seeking = true;
    const total = totalSeconds();
    clock.textContent = `${duration((Number(seek.value) / 1000) * total * 1000)} / ${duration(total * 1000)}`;
  });
  seek.addEventListener("change", () => {
    seeking = false;
    const total = totalSeconds();
    if (total) video.currentTime = (Number(seek.value) / 1000) * total;
  });
  video.addEventListener("click", togglePlay);
  video.addEventListener("dblclick", toggleFullScreen);
  const onFullScreen = () => {
    const on = document.fullscreenElement === player;
    setIcon(fullButton, on ? "leave" : "full", on ? "Leave full screen" : "Full screen");
    player.classList.toggle("full", on);
  };
  document.addEventListener("fullscreenchange", onFullScreen);

  const onKey = playerKeys(seek, { togglePlay, skip, toggleFullScreen, toggleMute, cycleSubtitles });
  document.addEventListener("keydown", onKey);

  // Leaving the page (closing the tab) still tells the server where the viewer stopped.
  const onPageHide = () => {
    if (!session.id) return;
    fetch(`${base}/playback/report`, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ event: "stop", position_ms: positionMs(), session_id: session.id }),
    }).catch(() => {});
  };
  window.addEventListener("pagehide", onPageHide);

  const cleanup = () => {
    session.closed = true;
    stopReporting();
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("fullscreenchange", onFullScreen);
    window.removeEventListener("pagehide", onPageHide);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    report("stop");
    video.pause();
    if (session.mse) session.mse.close();
    video.removeAttribute("src");
    video.load();
  };

  // Where to start: the link's ?t= (ms), else ask when there is a resume point. The view
  // returns at once, so leaving while the question is open still cleans up.
  const asked = query.get("t");
  const resumeAt = (item.state && item.state.position_ms) || 0;
  const start = async () => {
    let startMs = /^\d+$/.test(asked || "") ? Number(asked) : null;
    if (startMs === null) startMs = resumeAt > 0 ? await askWhereToStart(stage, resumeAt) : 0;
    for (const prompt of stage.querySelectorAll(".resume-prompt")) prompt.remove();
    if (session.closed) return;
    player.focus({ preventScroll: true });
    await begin(startMs);
  };
  start().catch((error) => status.replaceChildren(errorBox(error)));
  return cleanup;
}
