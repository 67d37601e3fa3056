// The import page's two browser-only steps: sending the chosen file as it is (the server
// detects its encoding, so the browser must not decode it), and following a run's progress
// through the server's event stream.

// Sends the file chosen in input `inputId` as import of `kind`; answers the server's JSON
// text, or throws "<status>\n<body>".
export async function upload_file(inputId, kind) {
  const input = document.getElementById(inputId);
  const file = input && input.files && input.files[0];
  if (!file) throw "0\n";
  const url = `/import/upload?kind=${encodeURIComponent(kind)}&name=${encodeURIComponent(file.name)}`;
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: file,
      credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream" },
    });
  } catch (_) {
    throw "0\n";
  }
  const text = await response.text();
  if (!response.ok) throw `${response.status}\n${text}`;
  return text;
}

// Calls `onStatus` with each status (JSON text) of import `id` until it has finished;
// answers a function that stops following.
export function follow(id, onStatus) {
  const events = new EventSource(`/import/${encodeURIComponent(id)}/events`);
  events.addEventListener("status", (event) => onStatus(event.data));
  events.addEventListener("end", () => events.close());
  // The stream ended or the network went away: the page asks for the status itself.
  events.onerror = () => {
    events.close();
    onStatus("");
  };
  return () => events.close();
}
