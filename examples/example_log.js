// Shared by the JS example pages: one #event-log line per journal entry, and the status line.
// (The stable hooks the end-to-end tests read: data-type, data-direction, data-status, data-via.)
function logEntry(e) {
  const li = document.createElement("li");
  li.dataset.type = e.type;
  li.dataset.direction = e.direction;
  li.dataset.status = e.status;
  li.dataset.via = e.via;
  if (e.reason) li.dataset.reason = e.reason;
  li.textContent = `${e.direction} ${e.status} ${e.via || "-"} ${e.type}` +
    (e.payload && "data" in e.payload ? " " + JSON.stringify(e.payload.data) : "") +
    (e.reason ? ` (${e.reason}: ${e.detail})` : "");
  document.getElementById("event-log").append(li);
}

function showStatus(s) {
  document.getElementById("bridge-status").textContent = s.status;
  document.getElementById("bridge-mode").textContent = s.mode || "";
}
