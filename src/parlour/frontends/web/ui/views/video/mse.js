// HLS through Media Source Extensions, for browsers with no HLS of their own (Firefox).
//
// It reads what this server writes, not every HLS there is: a master playlist whose first
// variant is the best the playback allows (the quality menu asks the server for less), its
// default audio rendition, and media playlists of fMP4 segments that list every segment up
// front. Each fragment carries the film's own time, so a segment lands where it belongs
// whichever ffmpeg run made it, and one init segment per track serves the whole playback.
// The video and the audio are fetched separately, each kept AHEAD_S ahead of the playhead
// and trimmed BEHIND_S behind it; a seek drops what is in flight and starts from there.

const AHEAD_S = 30;
const BEHIND_S = 30;
const TRIES = 6; // per segment, for a busy server (503) or a dropped connection
const GAP_S = 0.5; // a hole this small at the playhead (encoder delay at 0) is jumped

export function hasNativeHls(video) {
  return video.canPlayType("application/vnd.apple.mpegurl") !== "";
}

export function hasMse() {
  return typeof MediaSource !== "undefined" && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"');
}

function attributes(line) {
  const found = {};
  for (const match of line.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    found[match[1]] = match[2].replace(/^"|"$/g, "");
  }
  return found;
}

function parseMaster(text, base) {
  const lines = text.split(/\r?\n/);
  let variant = null;
  const audio = {};
  lines.forEach((line, index) => {
    if (line.startsWith("#EXT-X-MEDIA:")) {
      const media = attributes(line);
      if (media.TYPE === "AUDIO" && media.URI && (media.DEFAULT === "YES" || !audio[media["GROUP-ID"]])) {
        audio[media["GROUP-ID"]] = new URL(media.URI, base).href;
      }
    } else if (line.startsWith("#EXT-X-STREAM-INF:") && !variant) {
      const uri = lines.slice(index + 1).find((next) => next && !next.startsWith("#"));
      variant = { ...attributes(line), uri: new URL(uri, base).href };
    }
  });
  if (!variant) throw new Error("The playlist names no video.");
  const codecs = (variant.CODECS || "").split(",").map((codec) => codec.trim()).filter(Boolean);
  const isVideo = (codec) => /^(avc|hvc|hev|av01|vp0)/.test(codec);
  return {
    video: { uri: variant.uri, codec: codecs.find(isVideo) || "avc1.640028" },
    audio: variant.AUDIO && audio[variant.AUDIO] ? { uri: audio[variant.AUDIO], codec: codecs.find((c) => !isVideo(c)) || "mp4a.40.2" } : null,
  };
}

function parseMedia(text, base) {
  const segments = [];
  let init = null;
  let start = 0;
  let length = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("#EXT-X-MAP:")) init = new URL(attributes(line).URI, base).href;
    else if (line.startsWith("#EXTINF:")) length = parseFloat(line.slice(8));
    else if (line && !line.startsWith("#") && length !== null) {
      segments.push({ url: new URL(line, base).href, start, end: start + length });
      start += length;
      length = null;
    }
  }
  if (!init || !segments.length) throw new Error("The stream is not one this player reads (fMP4 HLS).");
  return { init, segments, duration: start };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A GET that waits out a busy server (503 with Retry-After) and a dropped connection a
// few times; other failures (401, 404) are final.
async function fetchBytes(url, signal) {
  for (let attempt = 1; ; attempt += 1) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", signal });
    } catch (error) {
      if (error.name === "AbortError" || attempt >= TRIES) throw error;
      await pause(1000 * attempt);
      continue;
    }
    if (response.ok) return response.arrayBuffer();
    if (response.status !== 503 || attempt >= TRIES) throw new Error(`The server answered ${response.status} for part of the video.`);
    await pause(1000 * Math.min(30, Number(response.headers.get("Retry-After")) || attempt));
  }
}

async function fetchText(url) {
  return new TextDecoder().decode(await fetchBytes(url));
}

function whenDone(buffer) {
  return new Promise((resolve, reject) => {
    const done = () => { buffer.removeEventListener("error", failed); resolve(); };
    const failed = () => { buffer.removeEventListener("updateend", done); reject(new Error("The browser could not take part of the video.")); };
    buffer.addEventListener("updateend", done, { once: true });
    buffer.addEventListener("error", failed, { once: true });
  });
}

class Track {
  constructor(source, mime, playlist) {
    this.buffer = source.addSourceBuffer(mime);
    this.playlist = playlist;
    this.appended = new Set(); // segment numbers now in the buffer
    this.hasInit = false;
    this.busy = false;
  }

  // The first segment at or after `at` that is not buffered yet, or -1 when none is left.
  next(at) {
    return this.playlist.segments.findIndex((segment, number) => segment.end > at + 0.05 && !this.appended.has(number));
  }

  // Everything from `at` to the end is in the buffer.
  complete(at) {
    return this.next(at) === -1;
  }

  async append(data) {
    const done = whenDone(this.buffer);
    this.buffer.appendBuffer(data);
    await done;
  }

  // Drop what lies outside [from, to], and forget the segments that held it.
  async trim(from, to) {
    const segments = this.playlist.segments;
    const gone = [...this.appended].filter((n) => segments[n].end < from || segments[n].start > to);
    if (!gone.length) return;
    for (const n of gone) this.appended.delete(n);
    if (from > 0) {
      const done = whenDone(this.buffer);
      this.buffer.remove(0, from);
      await done;
    }
    if (to < this.playlist.duration) {
      const done = whenDone(this.buffer);
      this.buffer.remove(to, Infinity);
      await done;
    }
  }
}

// Plays the master playlist at `url` in `video`, from `startS`. `onError(error)` hears of
// a failure the player cannot get past. Returns { close() }.
export async function playHls(video, url, { startS = 0, onError = () => {} } = {}) {
  const master = parseMaster(await fetchText(url), new URL(url, location.href));
  const [videoList, audioList] = await Promise.all([
    fetchText(master.video.uri).then((text) => parseMedia(text, master.video.uri)),
    master.audio ? fetchText(master.audio.uri).then((text) => parseMedia(text, master.audio.uri)) : null,
  ]);
  const videoType = `video/mp4; codecs="${master.video.codec}"`;
  const audioType = master.audio ? `audio/mp4; codecs="${master.audio.codec}"` : null;
  for (const type of [videoType, audioType].filter(Boolean)) {
    if (!MediaSource.isTypeSupported(type)) throw new Error(`This browser cannot play ${type}.`);
  }

  const source = new MediaSource();
  const objectUrl = URL.createObjectURL(source);
  let closed = false;
  let controller = new AbortController();
  let tracks = [];
  const failed = (error) => {
    if (closed || error.name === "AbortError") return;
    close();
    onError(error);
  };

  const position = () => (video.readyState > 0 ? video.currentTime : startS);

  async function pump(track) {
    if (track.busy || closed) return;
    track.busy = true;
    try {
      while (!closed) {
        const signal = controller.signal;
        const at = position();
        await track.trim(at - BEHIND_S, at + 2 * AHEAD_S);
        const number = track.next(at);
        if (number === -1 || track.playlist.segments[number].start > at + AHEAD_S) break;
        let data;
        let init = null;
        try {
          // The segment first, then the init: asked in that order, the server starts its
          // ffmpeg where the segment is, not at the start of the film.
          data = await fetchBytes(track.playlist.segments[number].url, signal);
          if (!track.hasInit) init = await fetchBytes(track.playlist.init, signal);
        } catch (error) {
          if (error.name === "AbortError") continue; // a seek: start again from there
          throw error;
        }
        if (closed) break;
        if (init) {
          await track.append(init);
          track.hasInit = true;
        }
        if (signal.aborted) continue;
        await track.append(data);
        track.appended.add(number);
      }
      const at = position();
      if (!closed && source.readyState === "open" && tracks.every((t) => t.complete(at) && !t.buffer.updating)) {
        source.endOfStream();
      }
    } catch (error) {
      failed(error);
    } finally {
      track.busy = false;
    }
  }

  const pumpAll = () => tracks.forEach(pump);
  const onSeeking = () => {
    controller.abort();
    controller = new AbortController();
    pumpAll();
  };
  // A small hole at the playhead (the first frame of a film is shown a few frames in)
  // would stall playback for good; step over it.
  const onWaiting = () => {
    const at = video.currentTime;
    const ranges = video.buffered;
    for (let i = 0; i < ranges.length; i += 1) {
      if (ranges.start(i) <= at && at < ranges.end(i)) return pumpAll();
    }
    for (let i = 0; i < video.buffered.length; i += 1) {
      const start = video.buffered.start(i);
      if (start > at && start - at < GAP_S) {
        video.currentTime = start;
        return;
      }
    }
    pumpAll();
  };

  function close() {
    if (closed) return;
    closed = true;
    controller.abort();
    video.removeEventListener("seeking", onSeeking);
    video.removeEventListener("timeupdate", pumpAll);
    video.removeEventListener("waiting", onWaiting);
    video.removeEventListener("canplay", onWaiting);
    URL.revokeObjectURL(objectUrl);
  }

  source.addEventListener(
    "sourceopen",
    () => {
      if (closed) return;
      try {
        source.duration = videoList.duration;
        tracks = [new Track(source, videoType, videoList)];
        if (audioList) tracks.push(new Track(source, audioType, audioList));
      } catch (error) {
        failed(error);
        return;
      }
      if (startS > 0) video.currentTime = startS;
      pumpAll();
    },
    { once: true },
  );
  video.addEventListener("seeking", onSeeking);
  video.addEventListener("timeupdate", pumpAll);
  video.addEventListener("waiting", onWaiting);
  video.addEventListener("canplay", onWaiting);
  video.src = objectUrl;
  return { close };
}
