// Shared by the photos pages: page size, image widths, and a photo's date, camera and place in words.

export const PAGE = 100;
const STEP_PX = 160; // image widths are asked in steps, so sizes repeat and cache well

// Device pixels for a box `cssWidth` wide, rounded up to a step, within the server's limit.
export function devicePixels(cssWidth) {
  const wanted = Math.ceil((cssWidth * (window.devicePixelRatio || 1)) / STEP_PX) * STEP_PX;
  return Math.max(STEP_PX, Math.min(4096, wanted));
}

// "2024-07-06T09:15:00" is the camera's wall-clock time, with no zone: shown as written.
export function takenText(taken) {
  if (!taken) return "";
  const when = new Date(`${taken}Z`);
  if (Number.isNaN(when.getTime())) return taken;
  const day = when.toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "long" });
  const time = when.toLocaleTimeString(undefined, { timeZone: "UTC", timeStyle: "short" });
  return `${day}, ${time}`;
}

export function cameraText(photo) {
  const make = (photo.camera_make || "").trim();
  const model = (photo.camera_model || "").trim();
  if (make && model.toLowerCase().startsWith(make.toLowerCase())) return model;
  return [make, model].filter(Boolean).join(" ");
}

function coordinate(value, positive, negative) {
  return `${Math.abs(value).toFixed(5)}° ${value >= 0 ? positive : negative}`;
}

export function locationText(detail) {
  if (!detail) return "";
  if (!detail.locations_shown) return "Hidden (the library's owner has not shown locations)";
  const place = detail.location;
  if (!place) return "Not recorded";
  const parts = [coordinate(place.latitude, "N", "S"), coordinate(place.longitude, "E", "W")];
  if (typeof place.altitude === "number") parts.push(`${Math.round(place.altitude)} m`);
  return parts.join(", ");
}
