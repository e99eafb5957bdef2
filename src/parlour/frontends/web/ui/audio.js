// The music player's entry point: re-exports the player, its bar and the icons.
//
// The player (music/player.js) holds the queue and plays through one <audio> element in
// the bar at the foot of the page (music/bar.js), outside `main`, so it keeps playing
// while the views change; music/session.js tells the Media Session API what plays.
//
// Views use `player`: `player.playQueue(tracks, startIndex)`, `player.enqueue(tracks)`,
// `player.playNext(tracks)`, and `player.subscribe(fn)` to hear of changes. A track is
// `{id, title, artist_name, album_id, album_title, cover_id, duration_ms}`; only `id` is
// needed: what is missing is asked of the server when the track comes to play.

export { icon } from "./icons.js";
export { mountPlayerBar } from "./music/bar.js";
export { player } from "./music/player.js";
