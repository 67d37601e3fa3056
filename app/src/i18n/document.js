// The document and the device follow the app's language: <html lang dir>, the manifest,
// and a cookie and local note so the next page load (the offline shell too) starts in it.
export function applyLanguage(lang, dir, manifest) {
  const html = document.documentElement;
  html.lang = lang;
  html.dir = dir;
  const link = document.querySelector("link[rel=manifest]");
  if (link) link.href = manifest;
  document.cookie = "hamrah_lang=" + lang + ";path=/;max-age=31536000;samesite=lax";
  try {
    localStorage.setItem("hamrah_lang", lang);
  } catch (_) {
    // Storage can be off (private windows); the cookie still carries the choice.
  }
}
