#include "console_page.hpp"

namespace cimbus::operations {

namespace {

// The page. Numbers shown come from /metrics as Prometheus would read them: counters since the
// process started, rates from two scrapes two seconds apart, percentiles from the histograms'
// buckets (linear within a bucket, as histogram_quantile does).
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cimbus console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1d2733}
header{background:#1d3557;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0;font-weight:600}
.badge{padding:2px 10px;border-radius:10px;font-weight:600}
.badge.ok{background:#2a9d8f;color:#fff}.badge.bad{background:#e63946;color:#fff}.badge.unknown{background:#999;color:#fff}
main{padding:16px 20px;display:grid;gap:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.card{background:#fff;border-radius:6px;padding:10px 12px;box-shadow:0 1px 2px #0002}
.card .v{font-size:22px;font-weight:600}.card .k{color:#556;font-size:12px}
section{background:#fff;border-radius:6px;padding:10px 12px;box-shadow:0 1px 2px #0002}
h2{font-size:15px;margin:4px 0 8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e5e8eb;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
#checks li{list-style:none}#checks{padding:0;margin:0}
input{font:inherit;padding:4px 8px;width:340px}button{font:inherit;padding:4px 12px}
.muted{color:#778}
</style></head>
<body>
<header><h1 id="title">cimbus</h1><span id="health" class="badge unknown">?</span><span id="updated" class="muted"></span></header>
<main>
<div class="cards">
 <div class="card"><div class="v" id="rate-in">-</div><div class="k">messages in / s</div></div>
 <div class="card"><div class="v" id="rate-out">-</div><div class="k">messages out / s</div></div>
 <div class="card"><div class="v" id="total-in">-</div><div class="k">taken in since start</div></div>
 <div class="card"><div class="v" id="outbox-depth">-</div><div class="k">outbox (waiting)</div></div>
 <div class="card"><div class="v" id="outbox-age">-</div><div class="k">oldest in outbox, s</div></div>
 <div class="card"><div class="v" id="inbox">-</div><div class="k">inbox entries</div></div>
 <div class="card"><div class="v" id="dead">-</div><div class="k">dead letters</div></div>
 <div class="card"><div class="v" id="reconnects">-</div><div class="k">broker reconnects</div></div>
 <div class="card"><div class="v" id="timeouts">-</div><div class="k">request time-outs</div></div>
</div>
<section><h2>Health</h2><ul id="checks"></ul></section>
<section><h2>Messages by noun and verb</h2>
<table id="messages"><thead><tr><th>dir</th><th>noun</th><th>verb</th><th class="n">total</th><th class="n">ok / sent</th><th class="n">other</th><th class="n">/ s</th><th class="n">handler p50 ms</th><th class="n">p99 ms</th></tr></thead><tbody></tbody></table></section>
<section><h2>Requests this adapter sent, to the final reply</h2>
<table id="requests"><thead><tr><th>noun</th><th>verb</th><th class="n">replies</th><th class="n">p50 ms</th><th class="n">p99 ms</th></tr></thead><tbody></tbody></table></section>
<section><h2>Dead letters by reason</h2><table id="dead-letters"><tbody></tbody></table></section>
<section><h2>Trace across the systems</h2>
<form id="trace-form"><input id="trace-id" placeholder="a MessageID, CorrelationID or mRID (e.g. a ticket's)"> <button id="trace-go">trace</button> <span id="trace-note" class="muted"></span></form>
<table id="trace"><thead><tr><th>time</th><th>instance</th><th>dir</th><th>kind</th><th>verb</th><th>noun</th><th>MessageID</th><th>result</th><th>peer</th></tr></thead><tbody></tbody></table></section>
</main>
<script>
"use strict";
const $ = id => document.getElementById(id);
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels = {};
    if (m[2]) for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    out.push({name: m[1], labels, value: m[3] === "+Inf" ? Infinity : parseFloat(m[3])});
  }
  return out;
}
function sum(samples, name, where) {
  let s = 0;
  for (const x of samples) if (x.name === name && Object.entries(where || {}).every(([k, v]) => x.labels[k] === v)) s += x.value;
  return s;
}
function quantile(q, buckets) {  // buckets: [[le, cumulative]] ascending
  if (!buckets.length) return NaN;
  const total = buckets[buckets.length - 1][1];
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0, prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + (le - prevLe) * (count === prevCount ? 0 : (rank - prevCount) / (count - prevCount));
    }
    prevLe = le; prevCount = count;
  }
  return prevLe;
}
function histograms(samples, name) {
  const by = {};
  for (const x of samples) {
    if (x.name !== name + "_bucket") continue;
    const key = x.labels.noun + "|" + x.labels.verb;
    (by[key] = by[key] || []).push([x.labels.le === "+Inf" ? Infinity : parseFloat(x.labels.le), x.value]);
  }
  for (const k in by) by[k].sort((a, b) => a[0] - b[0]);
  return by;
}
const ms = s => isNaN(s) ? "-" : (s * 1000).toFixed(s < 0.01 ? 2 : 1);
let previous = null;
function cell(text, numeric, cls) { const td = document.createElement("td"); td.textContent = text; if (numeric) td.className = "n"; if (cls) td.classList.add(cls); return td; }
async function refresh() {
  try {
    const [ready, metricsText] = await Promise.all([fetch("health/ready").then(r => r.json()), fetch("metrics").then(r => r.text())]);
    $("title").textContent = "cimbus " + ready.system + " — " + ready.instance;
    document.title = "cimbus " + ready.instance;
    const h = $("health");
    h.textContent = ready.ready ? "ready" : "NOT READY";
    h.className = "badge " + (ready.ready ? "ok" : "bad");
    $("checks").replaceChildren(...ready.checks.map(c => { const li = document.createElement("li"); li.dataset.check = c.name; li.textContent = (c.ok ? "✔ " : "✘ ") + c.name + ": " + c.detail; return li; }));
    const m = parseMetrics(metricsText);
    const now = performance.now();
    const totalIn = sum(m, "cimbus_messages_total", {direction: "in"}), totalOut = sum(m, "cimbus_messages_total", {direction: "out"});
    const rows = {};
    for (const x of m) {
      if (x.name !== "cimbus_messages_total") continue;
      const key = x.labels.direction + "|" + x.labels.noun + "|" + x.labels.verb;
      const r = rows[key] = rows[key] || {dir: x.labels.direction, noun: x.labels.noun, verb: x.labels.verb, total: 0, ok: 0};
      r.total += x.value;
      if (x.labels.result === "ok" || x.labels.result === "sent") r.ok += x.value;
    }
    const dt = previous ? (now - previous.at) / 1000 : 0;
    const rate = (key, total) => previous && dt > 0 ? ((total - (previous.rows[key] || 0)) / dt).toFixed(1) : "-";
    $("rate-in").textContent = previous && dt > 0 ? ((totalIn - previous.totalIn) / dt).toFixed(1) : "-";
    $("rate-out").textContent = previous && dt > 0 ? ((totalOut - previous.totalOut) / dt).toFixed(1) : "-";
    $("total-in").textContent = totalIn;
    $("outbox-depth").textContent = sum(m, "cimbus_outbox_depth");
    $("outbox-age").textContent = sum(m, "cimbus_outbox_oldest_age_seconds").toFixed(1);
    $("inbox").textContent = sum(m, "cimbus_inbox_entries");
    $("dead").textContent = sum(m, "cimbus_dead_letters_total");
    $("reconnects").textContent = sum(m, "cimbus_broker_reconnects_total");
    $("timeouts").textContent = sum(m, "cimbus_request_timeouts_total");
    const handler = histograms(m, "cimbus_handler_duration_seconds");
    const body = $("messages").tBodies[0];
    body.replaceChildren(...Object.keys(rows).sort().map(key => {
      const r = rows[key], tr = document.createElement("tr");
      tr.dataset.key = key;
      const b = r.dir === "in" ? handler[r.noun + "|" + r.verb] || [] : [];
      tr.append(cell(r.dir), cell(r.noun), cell(r.verb), cell(r.total, true, "total"), cell(r.ok, true, "ok"), cell(r.total - r.ok, true, "other"),
                cell(rate(key, r.total), true, "rate"), cell(ms(quantile(0.5, b)), true, "p50"), cell(ms(quantile(0.99, b)), true, "p99"));
      return tr;
    }));
    const requests = histograms(m, "cimbus_request_duration_seconds");
    $("requests").tBodies[0].replaceChildren(...Object.keys(requests).sort().map(key => {
      const [noun, verb] = key.split("|"), b = requests[key], tr = document.createElement("tr");
      tr.dataset.key = key;
      tr.append(cell(noun), cell(verb), cell(b[b.length - 1][1], true, "count"), cell(ms(quantile(0.5, b)), true, "p50"), cell(ms(quantile(0.99, b)), true, "p99"));
      return tr;
    }));
    $("dead-letters").tBodies[0].replaceChildren(...m.filter(x => x.name === "cimbus_dead_letters_total").map(x => {
      const tr = document.createElement("tr"); tr.dataset.reason = x.labels.reason; tr.append(cell(x.labels.reason), cell(x.value, true)); return tr; }));
    const flat = {};
    for (const k in rows) flat[k] = rows[k].total;
    previous = {at: now, totalIn, totalOut, rows: flat};
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.refreshed = String((parseInt(document.body.dataset.refreshed || "0", 10)) + 1);
  } catch (e) {
    $("health").textContent = "endpoint not answering";
    $("health").className = "badge bad";
  }
}
$("trace-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const id = $("trace-id").value.trim();
  if (!id) return;
  $("trace-note").textContent = "tracing…";
  const t = await fetch("trace?id=" + encodeURIComponent(id)).then(r => r.json());
  $("trace").tBodies[0].replaceChildren(...t.rows.map(r => {
    const tr = document.createElement("tr");
    tr.append(cell(r.at.replace(/^.*T/, "")), cell(r.instance), cell(r.direction), cell(r.kind), cell(r.verb), cell(r.noun), cell(r.message_id.slice(0, 8)), cell(r.result), cell(r.peer));
    return tr;
  }));
  $("trace-note").textContent = t.rows.length + " messages across the systems" + (t.errors.length ? "; not answering: " + t.errors.join("; ") : "");
});
refresh();
setInterval(refresh, 2000);
</script>
</body></html>
)html";

}  // namespace

std::string_view console_page() { return kPage; }

}  // namespace cimbus::operations
