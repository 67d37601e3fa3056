// Registers the service worker, asks to keep the device's data, and tells the app when a
// new version is ready (the app shows "Update available — reload").
(function () {
  // A sign-out made while offline: finished before anything else talks to the server.
  try {
    if (localStorage.getItem("hamrah_signed_out")) {
      fetch("/api/auth/sign_out", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: "{}",
        credentials: "same-origin",
      })
        .then((answer) => {
          if (answer.ok || answer.status === 401) {
            localStorage.removeItem("hamrah_signed_out");
            if (location.pathname !== "/sign-in") location.replace("/sign-in");
          }
        })
        .catch(() => {});
    }
  } catch (e) {}
})();

(function () {
  if (!("serviceWorker" in navigator)) return;
  const hadController = !!navigator.serviceWorker.controller;
  const ready = (registration) => {
    if (registration.waiting && navigator.serviceWorker.controller) {
      window.hamrahUpdateReady = true;
      window.dispatchEvent(new Event("hamrah-update"));
    }
  };
  // Installing the worker precaches the app for offline use: it waits until the page has
  // loaded and the browser is idle, so a first visit downloads what it shows first.
  const register = () =>
    navigator.serviceWorker.register("/sw.js").then((registration) => {
      ready(registration);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        if (worker) worker.addEventListener("statechange", () => worker.state === "installed" && ready(registration));
      });
      setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
    });
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(register, { timeout: 10000 }) : setTimeout(register, 2000));
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
  window.hamrahApplyUpdate = () =>
    navigator.serviceWorker.getRegistration().then((r) => r && r.waiting && r.waiting.postMessage("skip-waiting"));
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
})();
