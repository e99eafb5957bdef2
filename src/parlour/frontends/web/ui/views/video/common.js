// Shared by the video pages: language names, a stream in words, the server's playback answer.

import { h } from "../../dom.js";

export const DECISIONS = {
  direct: "Plays directly",
  remux: "Repackaged, not converted",
  "transcode-audio": "Sound converted",
  transcode: "Converted (transcoded)",
};

const LANGUAGES = {
  en: "English", eng: "English", fr: "French", fre: "French", fra: "French", de: "German",
  ger: "German", deu: "German", es: "Spanish", spa: "Spanish", it: "Italian", ita: "Italian",
  nl: "Dutch", nld: "Dutch", dut: "Dutch", no: "Norwegian", nor: "Norwegian", nb: "Norwegian",
  sv: "Swedish", swe: "Swedish", da: "Danish", dan: "Danish", fi: "Finnish", fin: "Finnish",
  ja: "Japanese", jpn: "Japanese", pt: "Portuguese", por: "Portuguese", pl: "Polish", pol: "Polish",
};

export function languageName(code) {
  if (!code) return "";
  return LANGUAGES[code.toLowerCase()] || code;
}

export function describeStream(stream) {
  const parts = [(stream.codec || "unknown").toUpperCase()];
  if (stream.profile) parts.push(stream.profile);
  if (stream.type === "video") {
    if (stream.width && stream.height) parts.push(`${stream.width}×${stream.height}`);
    if (stream.frame_rate) parts.push(`${Math.round(stream.frame_rate * 100) / 100} fps`);
    if (stream.bit_depth && stream.bit_depth > 8) parts.push(`${stream.bit_depth}-bit`);
    if (stream.hdr) parts.push("HDR");
  } else if (stream.type === "audio") {
    if (stream.channel_layout) parts.push(stream.channel_layout);
    else if (stream.channels) parts.push(`${stream.channels} channels`);
  }
  if (stream.title) parts.push(`“${stream.title}”`);
  if (stream.is_forced) parts.push("forced");
  return parts.join(", ");
}

// The server's answer to "how does this play here": the method, and its reasons in words.
export function playbackAnswer(answer) {
  return h(
    "div",
    { class: `decision ${answer.decision}` },
    h("p", {}, h("strong", { class: "method", text: DECISIONS[answer.decision] || answer.decision })),
    h("ul", { class: "reasons" }, (answer.reasons || []).map((reason) => h("li", { text: reason }))),
  );
}
