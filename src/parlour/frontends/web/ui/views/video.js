// The video player (route /play/:id) and the pieces the film and show pages share with it:
// watched/favourite toggles, the viewer's rating, and the server's playback answer in words.
//
// The player is in views/video/player.js; the pieces shared with the film and show pages are
// in views/video/common.js (stream and language words) and views/video/toggles.js.

export { describeStream, languageName, playbackAnswer } from "./video/common.js";
export { ratingControl, watchToggles } from "./video/toggles.js";
export { videoPlayer } from "./video/player.js";
