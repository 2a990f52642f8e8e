// The canvasser's device: what it keeps (IndexedDB), what it sends (POST /api/v1/submissions),
// and the panel that shows what is waiting, what the server confirmed and when it last synced.
// An item leaves the device only when the server answered "stored" or "duplicate" for it.
(() => {
  "use strict";
  const device = JSON.parse(document.getElementById("canvass-device").textContent);
  const texts = device.texts;
  const DB_NAME = "buurtpeiling-canvass";
  const CACHE = "canvass-v1"; // the same name as in sw.js
  const BATCH = 50; // items per request; halved when the server finds a request too large
  const KEEP_CONFIRMED = 1000; // entries of the confirmation log kept for the panel
  const TIMEOUT = 30000;

  // --- IndexedDB -------------------------------------------------------------------------------
  let opened;
  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("drafts", { keyPath: "id" }); // interviews being given
        db.createObjectStore("queue", { keyPath: "uuid" }); // finished, waiting or rejected
        db.createObjectStore("confirmed", { keyPath: "uuid" }); // what the server confirmed
        db.createObjectStore("meta", { keyPath: "key" }); // tokens, last sync
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  // Runs `work(stores)` in one transaction; resolves with its result once the transaction has
  // committed (so "saved" is only said of what is really on disk).
  async function transact(names, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode, { durability: "strict" });
      const stores = {};
      [].concat(names).forEach((name) => { stores[name] = tx.objectStore(name); });
      let result;
      try { result = work(stores, tx); } catch (error) { tx.abort(); reject(error); return; }
      tx.oncomplete = () => resolve(result && result.value !== undefined ? result.value : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    });
  }

  const getAll = (name) => transact(name, "readonly", (s) => {
    const box = {}; s[name].getAll().onsuccess = (e) => { box.value = e.target.result; }; return box;
  });
  const get = (name, key) => transact(name, "readonly", (s) => {
    const box = {}; s[name].get(key).onsuccess = (e) => { box.value = e.target.result || null; }; return box;
  });
  const put = (name, value) => transact(name, "readwrite", (s) => { s[name].put(value); });
  const remove = (name, key) => transact(name, "readwrite", (s) => { s[name].delete(key); });

  // A finished interview (and its door's outcome) enters the queue and leaves the drafts at once.
  const finishDraft = (draftId, items) => transact(["queue", "drafts"], "readwrite", (s) => {
    items.forEach((item) => s.queue.put(item));
    if (draftId) s.drafts.delete(draftId);
  });

  // --- Tokens: each item is sent in the name of the canvasser who recorded it ------------------
  async function keepToken() {
    const key = `token:${device.user}`;
    const known = await get("meta", key);
    // A page served from the cache carries an older token than one already kept.
    if (!known || known.issued < device.issued) await put("meta", { key, token: device.token, issued: device.issued });
  }

  // --- Sending ---------------------------------------------------------------------------------
  let sending = false;
  async function send() {
    if (sending) return;
    sending = true;
    try {
      if (navigator.locks) await navigator.locks.request("canvass-send", () => sendAll());
      else await sendAll();
    } finally {
      sending = false;
      refresh();
    }
  }

  async function sendAll() {
    const waiting = (await getAll("queue")).filter((item) => item.state === "waiting");
    if (!waiting.length) { say(texts.nothing_waiting); return; }
    say(texts.sending);
    const totals = { stored: 0, duplicate: 0, rejected: 0 };
    const users = [...new Set(waiting.map((item) => item.user))];
    for (const user of users) {
      const tokenEntry = await get("meta", `token:${user}`);
      let items = waiting.filter((item) => item.user === user);
      let size = BATCH;
      while (items.length) {
        const batch = items.slice(0, size);
        let response;
        try {
          response = await post(batch, tokenEntry ? tokenEntry.token : "");
        } catch (error) {
          say(texts.unreachable);
          return;
        }
        if (response.status === 413 && size > 1) { size = Math.max(1, Math.floor(size / 2)); continue; }
        const body = await response.json().catch(() => ({}));
        if (response.status === 401 || response.status === 403) {
          say(body.message || texts.unreachable); // this canvasser signs in again; the others go on
          break;
        }
        if (!response.ok) {
          say(body.message || body.detail || texts.unreachable);
          return;
        }
        await settle(batch, body.results || []);
        ["stored", "duplicate", "rejected"].forEach((key) => { totals[key] += body[key] || 0; });
        items = items.slice(batch.length);
      }
    }
    if (totals.stored + totals.duplicate + totals.rejected) {
      await markSynced();
      say(fill(texts.sent, totals));
    }
  }

  async function post(batch, token) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT);
    try {
      return await fetch(device.api, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "Accept-Language": device.lang,
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ items: batch.map((item) => item.payload) }),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  // Applies the server's answer, item by item, in one transaction.
  function settle(batch, results) {
    const now = new Date().toISOString();
    return transact(["queue", "confirmed"], "readwrite", (s) => {
      batch.forEach((item, index) => {
        const result = results[index];
        if (!result || (result.uuid && result.uuid !== item.uuid)) return; // not answered: keep
        if (result.status === "stored" || result.status === "duplicate") {
          s.queue.delete(item.uuid);
          s.confirmed.put({
            uuid: item.uuid, kind: item.kind, label: item.label, door: item.door || null,
            outcome: item.payload.outcome || null, come_back_at: item.payload.come_back_at || null,
            language: item.payload.language || null, recorded: item.createdAt, status: result.status, at: now,
          });
        } else if (result.status === "rejected") {
          s.queue.put({ ...item, state: "rejected", code: result.code, reason: result.reason });
        }
      });
    });
  }

  async function markSynced() {
    await put("meta", { key: "lastSync", at: new Date().toISOString() });
    const confirmed = await getAll("confirmed");
    if (confirmed.length > KEEP_CONFIRMED) {
      confirmed.sort((a, b) => a.at.localeCompare(b.at));
      await transact("confirmed", "readwrite", (s) => {
        confirmed.slice(0, confirmed.length - KEEP_CONFIRMED).forEach((entry) => s.confirmed.delete(entry.uuid));
      });
    }
  }

  // --- The panel -------------------------------------------------------------------------------
  const panel = document.getElementById("sync-panel");
  const $ = (selector) => (panel ? panel.querySelector(selector) : null);
  const when = (iso) => new Intl.DateTimeFormat(device.lang, { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? values[name] : `{${name}}`));

  function say(message) {
    const box = $("[data-sync-message]");
    if (box) box.textContent = message;
  }

  async function refresh() {
    if (!panel) return;
    const [queue, confirmed, last] = await Promise.all([getAll("queue"), getAll("confirmed"), get("meta", "lastSync")]);
    const waiting = queue.filter((item) => item.state === "waiting");
    const rejected = queue.filter((item) => item.state === "rejected");
    $("[data-count=waiting]").textContent = String(waiting.length);
    $("[data-count=confirmed]").textContent = String(confirmed.length);
    $("[data-count=last-sync]").textContent = last ? when(last.at) : texts.never;
    $("[data-connection]").textContent = navigator.onLine ? texts.online : texts.offline;
    panel.classList.toggle("is-offline", !navigator.onLine);

    const waitingList = $("[data-waiting-list]");
    waitingList.replaceChildren(...waiting.map((item) => listItem(`${item.label} · ${when(item.createdAt)}`)));
    $("[data-waiting-details]").hidden = !waiting.length;

    const rejectedList = $("[data-rejected-list]");
    rejectedList.replaceChildren(...rejected.map((item) => {
      const li = listItem(`${item.label} · ${when(item.createdAt)}: `);
      const reason = document.createElement("strong");
      reason.textContent = item.reason || item.code;
      li.append(reason, " ", button(texts.retry, async () => {
        await put("queue", { ...item, state: "waiting", code: null, reason: null });
        send();
      }), " ", button(texts.remove, async () => {
        if (window.confirm(texts.remove_confirm)) { await remove("queue", item.uuid); refresh(); }
      }));
      li.dataset.rejected = item.uuid;
      return li;
    }));
    $("[data-rejected]").hidden = !rejected.length;
    document.dispatchEvent(new CustomEvent("canvass:refreshed", { detail: { queue, confirmed } }));
  }

  function listItem(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "secondary small";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  // --- Unfinished interviews -------------------------------------------------------------------
  async function listDrafts() {
    const box = document.querySelector("[data-drafts]");
    if (!box) return;
    const drafts = (await getAll("drafts")).filter((draft) => draft.user === device.user
      && (!device.area || draft.area === device.area));
    box.querySelector("[data-drafts-list]").replaceChildren(...drafts.map((draft) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = `${draft.url}?draft=${encodeURIComponent(draft.id)}`;
      link.textContent = `${texts.resume}: ${draft.doorLabel || draft.areaName || draft.area}`;
      li.append(link, ` (${fill(texts.started, { time: when(draft.startedAt) })})`);
      return li;
    }));
    box.hidden = !drafts.length;
  }

  // --- Working without a connection ------------------------------------------------------------
  async function keepOffline() {
    const status = $("[data-offline-status]") || { set textContent(_) {} };
    if (!("serviceWorker" in navigator) || !("caches" in window)) { status.textContent = texts.no_offline_support; return; }
    try {
      await navigator.serviceWorker.register(device.worker, { scope: "/" });
    } catch (error) {
      status.textContent = texts.no_offline_support;
      return;
    }
    const cache = await caches.open(CACHE);
    const urls = device.offline_urls || [];
    const missing = [];
    for (const url of urls) if (!(await cache.match(url))) missing.push(url);
    // Online, the walk list's overview refreshes every page it keeps; other pages add what is missing.
    const wanted = navigator.onLine ? (device.refresh_offline ? urls : missing) : [];
    if (wanted.length) {
      status.textContent = texts.caching;
      const outcomes = await Promise.allSettled(wanted.map(async (url) => {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || response.redirected) throw new Error(`${url}: ${response.status}`);
        await cache.put(url, response);
      }));
      if (outcomes.some((outcome) => outcome.status === "rejected")) {
        status.textContent = texts.cache_failed;
        return;
      }
    } else if (missing.length) {
      status.textContent = texts.cache_failed;
      return;
    }
    await navigator.serviceWorker.ready;
    status.textContent = texts.cached;
    document.documentElement.dataset.offlineReady = "true";
  }

  // --- Start -----------------------------------------------------------------------------------
  window.Canvass = { device, texts, getAll, get, put, remove, finishDraft, send, refresh, fill, when };

  const sendButton = $("[data-send-now]");
  if (sendButton) sendButton.addEventListener("click", () => send());
  window.addEventListener("online", () => { refresh(); send(); });
  window.addEventListener("offline", () => refresh());
  setInterval(() => { if (navigator.onLine) send(); }, 60000);

  keepToken()
    .then(() => Promise.all([refresh(), listDrafts()]))
    .then(() => { if (navigator.onLine) send(); })
    .catch((error) => say(`${texts.save_failed} ${error}`));
  keepOffline().catch(() => { const box = $("[data-offline-status]"); if (box) box.textContent = texts.cache_failed; });
})();
