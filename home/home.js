// The root page: links point at the origin each page belongs on. `python3 build.py serve`
// answers /serve.json with the two origins it runs (its ports may not be the defaults); a
// static host without it keeps the defaults written in the page.
const DEFAULTS = { lobby: "http://127.0.0.1:8000", game: "http://localhost:8001" };

function point(origins) {
  for (const link of document.querySelectorAll("a[data-on]")) {
    link.href = new URL(link.getAttribute("href"), origins[link.dataset.on]).href;
  }
  for (const code of document.querySelectorAll("code[data-origin]")) {
    code.textContent = origins[code.dataset.origin];
  }
}

fetch("/serve.json", { cache: "no-store" })
  .then((r) => (r.ok ? r.json() : DEFAULTS))
  .catch(() => DEFAULTS)
  .then((origins) => point({ ...DEFAULTS, ...origins }))
  .finally(() => { document.body.dataset.ready = "true"; });
