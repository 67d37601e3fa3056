// Which crates weigh in a wasm module: each function's body size, summed by the crate its
// name starts with, plus the data segments. Reads the module's own name section, so run it
// on the unoptimised release module (names intact), split or not; twiggy 0.7 (the newest on
// the crate registry) sums the same way but cannot read the split module's element segments.
// Usage: node wasm-crates.mjs <app.wasm> [count]
import { readFileSync } from "node:fs";

const [file, count = "10"] = process.argv.slice(2);
const bytes = readFileSync(file);
let at = 8;
const u8 = () => bytes[at++];
function leb() {
  let result = 0, shift = 0, b;
  do { b = bytes[at++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return result;
}
const str = () => { const n = leb(); const s = bytes.toString("utf8", at, at + n); at += n; return s; };
function limits() { const flags = leb(); leb(); if (flags & 1) leb(); }

let imported = 0;
const bodies = [];
const names = new Map();
let data = 0;
while (at < bytes.length) {
  const id = u8();
  const size = leb();
  const end = at + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      str(); str();
      const kind = u8();
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { u8(); limits(); }
      else if (kind === 2) limits();
      else if (kind === 3) { u8(); u8(); }
      else if (kind === 4) { u8(); leb(); }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(len); at += len; }
  } else if (id === 11) {
    data += size;
  } else if (id === 0 && str() === "name") {
    while (at < end) {
      const sub = u8(), len = leb(), subEnd = at + len;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); names.set(i, str()); }
      at = subEnd;
    }
  }
  at = end;
}

// `<T as tachys::view::IntoAny>::into_any` belongs to tachys, `core::ptr::drop_in_place<app::X>`
// to core: the first path a name starts with, after any `<`, `&` or `T as `.
const ESCAPES = { LT: "<", GT: ">", RF: "&", BP: "*", C: ",", SP: "@", LP: "(", RP: ")" };
/** The first path segment of a legacy-mangled name (`_ZN4core3ptr…`), unescaped. */
function firstSegment(name) {
  const m = name.slice(3).match(/^(\d+)/);
  if (!m) return name;
  return name
    .slice(3 + m[1].length, 3 + m[1].length + Number(m[1]))
    .replace(/^_\$/, "$")
    .replace(/\$u([0-9a-f]+)\$/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/\$([A-Z]+)\$/g, (all, k) => ESCAPES[k] ?? all)
    .replace(/\.\./g, "::");
}
/** The crate of a v0-mangled name (`_RNv…Cs<hash>_4core3num…`): its first crate root. */
function v0Crate(name) {
  const m = name.match(/C(?:s[0-9A-Za-z]*_)?(\d+)/);
  return m ? name.substr(m.index + m[0].length, Number(m[1])) : "(other)";
}
function crateOf(raw) {
  if (raw.startsWith("_R")) return v0Crate(raw);
  const name = raw.startsWith("_ZN") ? firstSegment(raw) + "::" : raw;
  const m = name
    .replace(/^[<&\s]+/, "")
    .replace(/^(dyn |impl |mut )+/, "")
    .replace(/^([A-Za-z_][A-Za-z0-9_]*|\([^)]*\)) as /, "")
    .match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  return m ? m[1] : "(other)";
}

const sums = new Map([["(data)", data]]);
let total = data;
bodies.forEach((size, i) => {
  const name = names.get(imported + i) ?? "(unnamed)";
  const crate = name === "(unnamed)" ? name : crateOf(name);
  sums.set(crate, (sums.get(crate) ?? 0) + size);
  total += size;
});
const rows = [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
console.log(`| crate | KiB | share |`);
console.log(`|---|---|---|`);
for (const [crate, size] of rows) console.log(`| ${crate} | ${(size / 1024).toFixed(1)} | ${((100 * size) / total).toFixed(1)} % |`);
console.log(`| all code and data (${bodies.length} functions) | ${(total / 1024).toFixed(1)} | 100 % |`);
