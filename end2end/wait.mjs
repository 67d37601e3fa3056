// Shared by the bench scripts: waits until a server started by the script answers.
export async function waitForServer(base) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/sign-in`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}
