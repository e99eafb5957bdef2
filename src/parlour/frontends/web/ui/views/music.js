// Music: the views app.js routes to, gathered from views/music/ (one file a page).
//
// Albums (a cover grid), artists, genres and playlists with their sorts; an album's
// page, an artist's, and a playlist's. Playing goes through the player in audio.js, which
// lives in the bar at the foot of the page and keeps playing while these views change.

export { asTrack } from "./music/common.js";
export { album } from "./music/album.js";
export { artist } from "./music/artist.js";
export { music } from "./music/library.js";
export { playlist } from "./music/playlist.js";
