// Photos: each photos library's folders as albums, a folder's photos as a grid of
// lazy-loaded thumbnails, and a full-screen viewer (a modal dialog) with previous/next
// buttons, the keyboard (←/→, Home/End, Escape), swipes and a slideshow. A photo shows
// its date taken and camera; its location only when the library's owner (an admin)
// shows locations for that library, which the server decides (GET /api/v1/items/{id}).
//
// Each part is in views/photos/: the Photos page (library.js), a folder (folder.js), the album
// grid (albums.js), the viewer (viewer.js), and the helpers they share (common.js).

export { cameraText, takenText } from "./photos/common.js";
export { folder } from "./photos/folder.js";
export { photos } from "./photos/library.js";
