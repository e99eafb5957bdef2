// The music player's state: the queue, playback, and what it tells server and browser.
//
// It plays through one <audio> element in the bar at the foot of the page, outside
// `main`, so it keeps playing while the views change. It holds the queue (add, reorder,
// remove, clear), next and previous, shuffle, repeat (off, all, one), seek and volume;
// tells the Media Session API what plays so media keys and lock screens control it; and
// reports a play once a track has passed half its length.
//
// Views use `player`: `player.playQueue(tracks, startIndex)`, `player.enqueue(tracks)`,
// `player.playNext(tracks)`, and `player.subscribe(fn)` to hear of changes. A track is
// `{id, title, artist_name, album_id, album_title, cover_id, duration_ms}`; only `id` is
// needed: what is missing is asked of the server when the track comes to play.

import { api } from "../api.js";
import { describe, position } from "./session.js";
import { fillIn, shuffled, withStart, wrap } from "./util.js";

const REPEATS = ["off", "all", "one"];
const PREVIOUS_RESTARTS_AFTER_S = 3;

class Player {
  constructor() {
    this.audio = new Audio();
    this.audio.preload = "auto";
    this.entries = []; // [{key, track}] in the order they play
    this.index = -1; // the entry playing (or paused), -1: none
    this.shuffle = false;
    this.unshuffled = null; // the entries' order before shuffling
    this.repeat = "off";
    this.offer = null; // the playback answer for the entry loaded
    this.offsetS = 0; // where a transcoded stream started (it cannot seek itself)
    this.reported = false; // this play has been reported
    this.loading = 0; // sequence of loads: an older one that answers late is dropped
    this.listeners = new Set();
    this.error = "";
    this.audio.addEventListener("ended", () => this.ended());
    this.audio.addEventListener("timeupdate", () => this.progress());
    this.audio.addEventListener("error", () => this.failed());
    for (const name of ["play", "pause", "durationchange", "volumechange", "loadedmetadata"]) {
      this.audio.addEventListener(name, () => this.changed());
    }
  }

  // -- what views call ---------------------------------------------------------------

  get current() {
    return this.entries[this.index]?.track || null;
  }

  get playing() {
    return !this.audio.paused;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  playQueue(tracks, startIndex = 0) {
    if (!tracks.length) return;
    this.entries = tracks.map(wrap);
    this.unshuffled = null;
    let start = Math.min(Math.max(0, startIndex), this.entries.length - 1);
    if (this.shuffle) {
      // The chosen track first, the rest in a random order; unshuffling restores the list.
      this.unshuffled = this.entries.slice();
      const [first] = this.entries.splice(start, 1);
      this.entries = [first, ...shuffled(this.entries)];
      start = 0;
    }
    this.load(start, true);
  }

  enqueue(tracks) {
    const added = tracks.map(wrap);
    this.entries.push(...added);
    if (this.unshuffled) this.unshuffled.push(...added);
    if (this.index < 0) this.load(0, true);
    else this.changed();
  }

  playNext(tracks) {
    const added = tracks.map(wrap);
    this.entries.splice(this.index + 1, 0, ...added);
    if (this.unshuffled) this.unshuffled.push(...added);
    if (this.index < 0) this.load(0, true);
    else this.changed();
  }

  toggle() {
    if (this.index < 0) return;
    if (this.audio.paused) this.resume();
    else this.audio.pause();
  }

  resume() {
    if (this.index < 0) return;
    if (!this.audio.src) {
      this.load(this.index, true);
      return;
    }
    this.audio.play().catch((error) => this.refused(error));
  }

  next() {
    if (!this.entries.length) return;
    if (this.index + 1 < this.entries.length) this.load(this.index + 1, true);
    else if (this.repeat !== "off") this.load(0, true);
  }

  previous() {
    if (this.index < 0) return;
    if (this.time() > PREVIOUS_RESTARTS_AFTER_S || this.index === 0) {
      this.seek(0);
      if (this.audio.paused) this.resume();
      return;
    }
    this.load(this.index - 1, true);
  }

  jump(index) {
    if (index >= 0 && index < this.entries.length) this.load(index, true);
  }

  // The position in the track, in seconds.
  time() {
    return this.offsetS + (this.audio.currentTime || 0);
  }

  length() {
    const known = this.current?.duration_ms;
    if (known) return known / 1000;
    const own = this.audio.duration;
    return Number.isFinite(own) ? this.offsetS + own : 0;
  }

  seek(seconds) {
    if (this.index < 0) return;
    const target = Math.max(0, Math.min(seconds, this.length() || seconds));
    if (this.offer && this.offer.url.includes("/audio")) {
      // A transcode is one stream from where it started: ask for one from the new place.
      const wasPlaying = !this.audio.paused;
      this.offsetS = target;
      this.audio.src = withStart(this.offer.url, Math.round(target * 1000));
      if (wasPlaying) this.audio.play().catch((error) => this.refused(error));
    } else {
      this.audio.currentTime = target;
    }
    this.changed();
  }

  setVolume(value) {
    this.audio.volume = Math.max(0, Math.min(1, value));
    if (this.audio.volume > 0) this.audio.muted = false;
  }

  toggleMute() {
    this.audio.muted = !this.audio.muted;
  }

  setShuffle(on) {
    if (on === this.shuffle) return;
    this.shuffle = on;
    const playing = this.entries[this.index];
    if (on) {
      this.unshuffled = this.entries.slice();
      const before = this.entries.slice(0, this.index + 1);
      const after = shuffled(this.entries.slice(this.index + 1));
      this.entries = [...before, ...after];
    } else if (this.unshuffled) {
      const still = new Set(this.entries.map((entry) => entry.key));
      this.entries = this.unshuffled.filter((entry) => still.has(entry.key));
      this.unshuffled = null;
      this.index = playing ? this.entries.indexOf(playing) : -1;
    }
    this.changed();
  }

  cycleRepeat() {
    this.repeat = REPEATS[(REPEATS.indexOf(this.repeat) + 1) % REPEATS.length];
    this.changed();
  }

  move(index, by) {
    const to = index + by;
    if (index < 0 || to < 0 || index >= this.entries.length || to >= this.entries.length) return;
    const playing = this.entries[this.index];
    const [entry] = this.entries.splice(index, 1);
    this.entries.splice(to, 0, entry);
    this.index = playing ? this.entries.indexOf(playing) : -1;
    this.changed();
  }

  remove(index) {
    if (index < 0 || index >= this.entries.length) return;
    const [gone] = this.entries.splice(index, 1);
    if (this.unshuffled) this.unshuffled = this.unshuffled.filter((entry) => entry !== gone);
    if (index < this.index) {
      this.index -= 1;
      this.changed();
    } else if (index === this.index) {
      if (!this.entries.length) this.clear();
      else if (index < this.entries.length) this.load(index, !this.audio.paused);
      else this.stopAt(this.entries.length - 1);
    } else {
      this.changed();
    }
  }

  clear() {
    this.release();
    this.loading += 1;
    this.audio.pause();
    this.audio.removeAttribute("src");
    this.audio.load();
    this.entries = [];
    this.unshuffled = null;
    this.index = -1;
    this.offer = null;
    this.offsetS = 0;
    this.error = "";
    if ("mediaSession" in navigator) navigator.mediaSession.metadata = null;
    this.changed();
  }

  // -- inside ---------------------------------------------------------------------------

  changed() {
    for (const listener of this.listeners) {
      try {
        listener(this);
      } catch (error) {
        console.error(error);
      }
    }
  }

  // Leaves the queue at its last entry, loaded but not playing (the end of the queue).
  stopAt(index) {
    this.load(index, false);
  }

  async load(index, play, startS = 0) {
    this.release();
    const ticket = ++this.loading;
    this.index = index;
    this.reported = false;
    this.error = "";
    this.offsetS = 0;
    this.offer = null;
    this.audio.pause();
    const entry = this.entries[index];
    this.changed();
    try {
      await fillIn(entry.track);
      const offer = await api(`/api/v1/items/${encodeURIComponent(entry.track.id)}/playback`, {
        method: "POST",
        body: { profile: "chromium" },
      });
      if (ticket !== this.loading) return;
      this.offer = offer;
      const transcoded = offer.url.includes("/audio");
      this.offsetS = transcoded ? startS : 0;
      this.audio.src = transcoded && startS ? withStart(offer.url, Math.round(startS * 1000)) : offer.url;
      if (!transcoded && startS) this.audio.currentTime = startS;
      describe(entry.track);
      this.changed();
      if (play) await this.audio.play();
    } catch (error) {
      if (ticket !== this.loading) return;
      if (error && error.name === "AbortError") return;
      this.refused(error);
    }
  }

  refused(error) {
    if (error && error.name === "AbortError") return; // a newer load took over
    if (error && error.name === "NotAllowedError") {
      this.error = "Press play to start (the browser asks for a click first).";
    } else {
      this.error = `Cannot play this track: ${error?.message || error}`;
    }
    this.changed();
  }

  // A ticket lasts hours, not forever: when the file is refused, ask for a new one and go
  // on from where it stopped.
  failed() {
    if (!this.offer || this.index < 0) return;
    const at = this.time();
    const entry = this.entries[this.index];
    if (entry.retried) {
      this.error = "This track could not be played.";
      this.changed();
      return;
    }
    entry.retried = true;
    this.load(this.index, true, at);
  }

  // A transcode runs on the server until told to stop.
  release() {
    const offer = this.offer;
    const track = this.current;
    if (!offer || !track || !offer.url.includes("/audio")) return;
    api(`/api/v1/items/${encodeURIComponent(track.id)}/playback/report`, {
      method: "POST",
      body: { event: "stop", session_id: offer.session_id },
    }).catch(() => {});
  }

  progress() {
    const total = this.length();
    if (!this.reported && total > 0 && this.time() >= total / 2) this.report();
    position(this);
    this.changed();
  }

  ended() {
    if (!this.reported) this.report();
    if (this.repeat === "one") {
      this.reported = false;
      this.seek(0);
      this.audio.play().catch((error) => this.refused(error));
      return;
    }
    if (this.index + 1 < this.entries.length) this.load(this.index + 1, true);
    else if (this.repeat === "all") this.load(0, true);
    else this.changed();
  }

  report() {
    const track = this.current;
    if (!track) return;
    this.reported = true;
    api(`/api/v1/items/${encodeURIComponent(track.id)}/plays`, {
      method: "POST",
      body: { played_at: Math.floor(Date.now() / 1000) },
    }).catch((error) => console.warn("the play was not recorded", error));
  }
}

export const player = new Player();
