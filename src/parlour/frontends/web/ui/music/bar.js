// The player bar at the foot of the page: now playing, controls, seek, volume, queue.

import { artworkUrl } from "../api.js";
import { clear, duration, h } from "../dom.js";
import { icon } from "../icons.js";
import { link } from "../router.js";
import { player } from "./player.js";
import { handleActions } from "./session.js";

function iconButton(label, name, onclick, extra = {}) {
  return h(
    "button",
    { type: "button", class: "quiet icon", "aria-label": label, title: label, onclick, ...extra },
    icon(name),
  );
}

function setIcon(button, label, name) {
  if (button.getAttribute("aria-label") !== label) {
    button.setAttribute("aria-label", label);
    button.title = label;
  }
  if (button.dataset.icon !== name) {
    button.dataset.icon = name;
    button.replaceChildren(icon(name));
  }
}

function queuePanel(bar) {
  const list = h("ol", { class: "queue-list" });
  const empty = h("p", { class: "muted", text: "The queue is empty." });
  const panel = h(
    "section",
    { id: "play-queue", class: "queue-panel", "aria-label": "Queue", hidden: true },
    h(
      "div",
      { class: "queue-head" },
      h("h2", { text: "Queue" }),
      h("button", { type: "button", onclick: () => player.clear() }, "Clear queue"),
      h("button", { type: "button", class: "quiet", onclick: () => bar.closeQueue() }, "Close"),
    ),
    empty,
    list,
  );
  let drawn = "";
  function draw() {
    const signature = JSON.stringify([player.index, player.entries.map((e) => e.key)]);
    if (signature === drawn) return;
    drawn = signature;
    empty.hidden = player.entries.length > 0;
    const last = player.entries.length - 1;
    clear(
      list,
      player.entries.map(({ track }, i) => {
        const name = track.title || "Track";
        return h(
          "li",
          { class: i === player.index ? "now" : "", "aria-current": i === player.index ? "true" : null },
          h(
            "button",
            { type: "button", class: "quiet entry", "aria-label": `Play ${name}`, onclick: () => player.jump(i) },
            h("span", { class: "entry-title", text: name }),
            h("span", { class: "muted", text: track.artist_name || "" }),
          ),
          h(
            "span",
            { class: "entry-actions" },
            iconButton(`Move ${name} up`, "up", () => player.move(i, -1), { disabled: i === 0 }),
            iconButton(`Move ${name} down`, "down", () => player.move(i, 1), { disabled: i === last }),
            iconButton(`Remove ${name} from the queue`, "remove", () => player.remove(i)),
          ),
        );
      }),
    );
  }
  return { panel, draw };
}

export function mountPlayerBar(node) {
  node.setAttribute("role", "region");
  node.setAttribute("aria-label", "Player");
  const audio = player.audio;
  audio.setAttribute("aria-hidden", "true");

  const cover = h("span", { class: "np-cover", "aria-hidden": "true" });
  const title = h("a", { class: "np-title", href: link("/music") });
  const artist = h("span", { class: "np-artist muted" });
  const status = h("span", { class: "np-error error", role: "status" });
  const nowPlaying = h(
    "div",
    { class: "now-playing" },
    cover,
    h("div", { class: "np-text" }, h("span", { class: "visually-hidden", text: "Now playing: " }), title, artist, status),
  );

  const shuffle = iconButton("Shuffle", "shuffle", () => player.setShuffle(!player.shuffle), {
    "aria-pressed": "false",
  });
  const previous = iconButton("Previous track", "previous", () => player.previous());
  const play = iconButton("Play", "play", () => player.toggle(), { class: "icon play-pause" });
  const next = iconButton("Next track", "next", () => player.next());
  const repeat = iconButton("Repeat: off", "repeat", () => player.cycleRepeat());
  const controls = h("div", { class: "controls" }, shuffle, previous, play, next, repeat);

  const elapsed = h("span", { class: "time", text: "0:00" });
  const total = h("span", { class: "time", text: "0:00" });
  const seek = h("input", { type: "range", min: 0, max: 0, step: "any", value: 0, "aria-label": "Seek" });
  let dragging = false;
  seek.addEventListener("input", () => {
    dragging = true;
    elapsed.textContent = duration(Number(seek.value) * 1000);
  });
  seek.addEventListener("change", () => {
    dragging = false;
    player.seek(Number(seek.value));
  });
  const seekRow = h("div", { class: "seek" }, elapsed, seek, total);

  const mute = iconButton("Mute", "volume", () => player.toggleMute());
  const volume = h("input", { type: "range", min: 0, max: 1, step: 0.05, value: 1, "aria-label": "Volume" });
  volume.addEventListener("input", () => player.setVolume(Number(volume.value)));
  const queueToggle = h(
    "button",
    { type: "button", class: "quiet queue-toggle", "aria-expanded": "false", "aria-controls": "play-queue" },
    icon("queue"),
    h("span", { text: "Queue" }),
  );
  const extras = h("div", { class: "extras" }, mute, volume, queueToggle);

  const bar = {
    closeQueue() {
      queue.panel.hidden = true;
      queueToggle.setAttribute("aria-expanded", "false");
      queueToggle.focus();
    },
  };
  const queue = queuePanel(bar);
  queueToggle.addEventListener("click", () => {
    const open = queue.panel.hidden;
    queue.panel.hidden = !open;
    queueToggle.setAttribute("aria-expanded", String(open));
    if (open) queue.draw();
  });
  queue.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") bar.closeQueue();
  });

  clear(node, audio, nowPlaying, h("div", { class: "middle" }, controls, seekRow), extras, queue.panel);
  node.hidden = true;

  let shownTrack = null;
  function render() {
    const track = player.current;
    node.hidden = player.entries.length === 0;
    if (track !== shownTrack) {
      shownTrack = track;
      title.textContent = track ? track.title || "…" : "";
      title.href = link(track && track.album_id ? `/albums/${track.album_id}` : "/music");
      clear(
        cover,
        track && track.cover_id ? h("img", { src: artworkUrl(track.cover_id, 96), alt: "", decoding: "async" }) : "♪",
      );
    }
    if (track) {
      if (title.textContent !== (track.title || "…")) title.textContent = track.title || "…";
      if (track.album_id) title.href = link(`/albums/${track.album_id}`);
      if (track.cover_id && !cover.querySelector("img")) {
        clear(cover, h("img", { src: artworkUrl(track.cover_id, 96), alt: "", decoding: "async" }));
      }
      artist.textContent = track.artist_name || "";
    } else {
      artist.textContent = "";
    }
    status.textContent = player.error;
    setIcon(play, player.playing ? "Pause" : "Play", player.playing ? "pause" : "play");
    shuffle.setAttribute("aria-pressed", String(player.shuffle));
    setIcon(repeat, `Repeat: ${player.repeat}`, player.repeat === "one" ? "repeatOne" : "repeat");
    repeat.dataset.mode = player.repeat;
    previous.disabled = player.index < 0;
    next.disabled = player.index < 0 || (player.index >= player.entries.length - 1 && player.repeat === "off");
    const length = player.length();
    seek.max = String(length || 0);
    total.textContent = duration(length * 1000);
    if (!dragging) {
      seek.value = String(Math.min(player.time(), length || 0));
      elapsed.textContent = duration(player.time() * 1000);
    }
    seek.setAttribute("aria-valuetext", `${elapsed.textContent} of ${total.textContent}`);
    if (document.activeElement !== volume) volume.value = String(audio.volume);
    setIcon(mute, audio.muted ? "Unmute" : "Mute", audio.muted || audio.volume === 0 ? "mute" : "volume");
    if ("mediaSession" in navigator) {
      navigator.mediaSession.playbackState = track ? (player.playing ? "playing" : "paused") : "none";
    }
    if (!queue.panel.hidden) queue.draw();
  }
  player.subscribe(render);
  render();

  handleActions(player);
}
