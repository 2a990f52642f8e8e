// The canvasser's device: what it keeps (IndexedDB), what it sends (POST /api/v1/submissions),
// and the panel that shows what is waiting, what the server confirmed and when it last synced.
// An item leaves the device only when the server answered "stored" or "duplicate" for it.
//
// A tablet is shared. Everything kept belongs to the canvasser who recorded it (its `user`), and
// only the signed-in canvasser's items are shown and sent, under their own token. When anyone else
// signs in here, and at sign-out, what a canvasser left is locked: their unsent items and
// unfinished interviews are encrypted (AES-GCM) with their own key, which only their signed-in
// pages hand out (`vault_key`), and their token, kept pages (walk lists, addresses) and
// confirmations are removed. Their next sign-in on this device unlocks it and sends it in their
// name. On the sign-in page (`user` null) this script only does that clearing.
(() => {
  "use strict";
  const device = JSON.parse(document.getElementById("canvass-device").textContent);
  const texts = device.texts || {};
  const DB_NAME = "buurtpeiling-canvass";
  const CACHE = "canvass-v1"; // the same name as in sw.js
  const BATCH = 50; // items per request; halved when the server finds a request too large
  const KEEP_CONFIRMED = 1000; // entries of the confirmation log kept for the panel
  const TIMEOUT = 30000;

  // --- IndexedDB -------------------------------------------------------------------------------
  let opened;
  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 2);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        if (event.oldVersion < 1) {
          db.createObjectStore("drafts", { keyPath: "id" }); // interviews being given
          db.createObjectStore("queue", { keyPath: "uuid" }); // finished, waiting or rejected
          db.createObjectStore("confirmed", { keyPath: "uuid" }); // what the server confirmed
          db.createObjectStore("meta", { keyPath: "key" }); // tokens and keys, last sync, whose pages are kept
        }
        if (event.oldVersion < 2) db.createObjectStore("vault", { keyPath: "user" }); // locked, per canvasser
      };
      request.onsuccess = () => {
        request.result.onversionchange = () => request.result.close(); // a newer page upgrades it
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  // Whether this browser ever kept canvassing data (the sign-in page must not create any).
  async function databaseExists() {
    if (!indexedDB.databases) return true;
    return (await indexedDB.databases()).some((entry) => entry.name === DB_NAME);
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
  const mine = (entry) => String(entry.user) === String(device.user);

  async function keepToken() {
    const key = `token:${device.user}`;
    const known = await get("meta", key);
    // A page served from the cache carries an older token than one already kept.
    if (!known || known.issued < device.issued) {
      await put("meta", { key, token: device.token, issued: device.issued, vault: device.vault_key });
    }
  }

  // --- A shared tablet: one canvasser's data at a time -------------------------------------------
  const bytes = (hex) => new Uint8Array((hex.match(/../g) || []).map((pair) => parseInt(pair, 16)));
  const cryptoKey = (hex) => crypto.subtle.importKey("raw", bytes(hex), "AES-GCM", false, ["encrypt", "decrypt"]);
  // Bound to its canvasser: a locked box opens only as the one it was made for.
  const sealFor = (user, iv) => ({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(`canvass:${user}`) });

  async function seal(user, hex, value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(sealFor(user, iv), await cryptoKey(hex), new TextEncoder().encode(JSON.stringify(value)));
    return { iv, data };
  }

  async function unseal(user, hex, box) {
    const plain = await crypto.subtle.decrypt(sealFor(user, box.iv), await cryptoKey(hex), box.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // One tab at a time locks or unlocks, so that two open pages never move the same items twice.
  const exclusively = (work) => (navigator.locks ? navigator.locks.request("canvass-device", work) : work());

  const merged = (key, older, newer) => [...new Map([...older, ...newer].map((entry) => [entry[key], entry])).values()];

  // Locks what `user` left here with their key (from their token entry), and removes their token,
  // key and confirmations. Nothing is deleted unless its encrypted copy is written in the same
  // transaction. Without a key (kept before locking existed) the items stay, shown to no one else.
  async function lockAway(user) {
    user = String(user);
    const [queue, drafts, confirmed, entry, earlier] = await Promise.all([getAll("queue"), getAll("drafts"),
      getAll("confirmed"), get("meta", `token:${user}`), get("vault", user)]);
    const owned = (item) => String(item.user) === user;
    const items = queue.filter(owned);
    const unfinished = drafts.filter(owned);
    const hex = entry && entry.vault;
    let box = null;
    if (hex && (items.length || unfinished.length)) {
      const kept = earlier ? await unseal(user, hex, earlier) : { queue: [], drafts: [] };
      const all = { queue: merged("uuid", kept.queue, items), drafts: merged("id", kept.drafts, unfinished) };
      box = { user, ...(await seal(user, hex, all)), count: all.queue.length + all.drafts.length, lockedAt: new Date().toISOString() };
    }
    await transact(["queue", "drafts", "confirmed", "meta", "vault"], "readwrite", (s) => {
      if (box) {
        s.vault.put(box);
        items.forEach((item) => s.queue.delete(item.uuid));
        unfinished.forEach((draft) => s.drafts.delete(draft.id));
      }
      confirmed.filter((log) => log.user === undefined || owned(log)).forEach((log) => s.confirmed.delete(log.uuid));
      ["token", "lastSync"].forEach((name) => s.meta.delete(`${name}:${user}`));
      s.meta.delete("lastSync"); // kept for everyone before the device knew whose it was
    });
  }

  // Everyone's but `keep`'s (null: everyone's).
  async function lockOthers(keep) {
    const [meta, queue, drafts] = await Promise.all([getAll("meta"), getAll("queue"), getAll("drafts")]);
    const users = new Set([...meta.filter((entry) => entry.key.startsWith("token:")).map((entry) => entry.key.slice(6)),
      ...queue.map((item) => String(item.user)), ...drafts.map((draft) => String(draft.user))]);
    users.delete(String(keep));
    for (const user of users) await lockAway(user);
  }

  // The signed-in canvasser's own locked items come back (merged with what is here).
  async function unlockOwn() {
    const user = String(device.user);
    const box = await get("vault", user);
    if (!box || !device.vault_key) return 0;
    const kept = await unseal(user, device.vault_key, box);
    const [queue, drafts] = await Promise.all([getAll("queue"), getAll("drafts")]);
    const queued = new Set(queue.map((item) => item.uuid));
    const started = new Map(drafts.map((draft) => [draft.id, draft]));
    await transact(["queue", "drafts", "vault"], "readwrite", (s) => {
      kept.queue.forEach((item) => { if (!queued.has(item.uuid)) s.queue.put(item); });
      kept.drafts.forEach((draft) => {
        const here = started.get(draft.id);
        if (!here || (here.updatedAt || "") < (draft.updatedAt || "")) s.drafts.put(draft);
      });
      s.vault.delete(user);
    });
    return kept.queue.length + kept.drafts.length;
  }

  // Kept pages hold one canvasser's walk lists and token: another canvasser's go at once. A device
  // that kept pages before it knew whose they were keeps them while no one else was here.
  async function keepPagesOf(user) {
    const owner = await get("meta", "pagesOf");
    if (owner ? owner.user !== String(user) : (await othersWereHere(user))) await dropKeptPages();
    await put("meta", { key: "pagesOf", user: String(user) });
  }

  async function othersWereHere(user) {
    return (await getAll("meta")).some((entry) => entry.key.startsWith("token:") && entry.key !== `token:${user}`);
  }

  async function dropKeptPages() {
    if ("caches" in window) await caches.delete(CACHE);
  }

  async function dropWorker() {
    if (!("serviceWorker" in navigator)) return;
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      const worker = registration.active || registration.waiting || registration.installing;
      if (worker && new URL(worker.scriptURL).pathname === device.worker) await registration.unregister();
    }
  }

  // Sign-in page and sign-out: lock everyone's leftovers, drop kept pages and the service worker.
  async function clearDevice() {
    try {
      if (await databaseExists()) {
        await exclusively(() => lockOthers(null));
        await transact("meta", "readwrite", (s) => { s.meta.delete("pagesOf"); });
      }
    } finally { // the pages go even if locking failed (what was not locked stays, unshown)
      await dropKeptPages();
      await dropWorker();
    }
  }

  // A canvasser page: others' leftovers locked, their pages gone, this canvasser's own back.
  async function prepare() {
    const back = await exclusively(async () => {
      await keepPagesOf(device.user); // first: it looks at whose tokens were here
      await lockOthers(device.user);
      try {
        return await unlockOwn();
      } catch (error) { // it stays locked, and is tried again on the next page
        say(texts.unlock_failed);
        return 0;
      }
    });
    if (back) say(fill(texts.unlocked, { count: back }));
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
    // Only the signed-in canvasser's: what others left is locked, and never sent in this name.
    const waiting = (await getAll("queue")).filter((item) => item.state === "waiting" && mine(item));
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
        if (response.status === 400 && batch.length > 1) {
          // The server could not read this batch at all: send smaller ones, to find the item.
          size = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        if (response.status === 400) {
          // One item the server cannot read: set it aside, visible with the reason, and go on
          // with the rest. It never blocks the queue.
          await settle(batch, [{ uuid: batch[0].uuid, status: "rejected", code: body.code || "malformed",
            reason: body.message || texts.unreachable }]);
          items = items.slice(1);
          continue;
        }
        if (!response.ok) {
          say(body.message || body.detail || texts.unreachable); // busy or down: all is kept, tried later
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
            uuid: item.uuid, user: item.user, kind: item.kind, label: item.label, door: item.door || null,
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
    await put("meta", { key: `lastSync:${device.user}`, at: new Date().toISOString() });
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
    const [everyone, confirmedHere, last, vault] = await Promise.all([getAll("queue"), getAll("confirmed"),
      get("meta", `lastSync:${device.user}`), getAll("vault")]);
    const queue = everyone.filter(mine);
    const confirmed = confirmedHere.filter(mine);
    const locked = vault.filter((box) => !mine(box)).reduce((sum, box) => sum + box.count, 0);
    const lockedBox = $("[data-locked]"); // (not on pages kept before locking existed)
    if (lockedBox) {
      lockedBox.textContent = locked ? fill(texts.locked_others, { count: locked }) : "";
      lockedBox.hidden = !locked;
    }
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

  // --- Signing out on a shared tablet ---------------------------------------------------------
  // Warns while this canvasser's items have not reached the server and offers to send them; then
  // locks them, clears the device and signs out. The sign-in page clears again, in case.
  function guardSignOut() {
    const form = document.querySelector("[data-sign-out]");
    if (!form) return;
    const warning = document.querySelector("[data-sign-out-warning]");
    const button = form.querySelector("[data-sign-out-button]");
    let warned = false;
    const pending = async () => (await getAll("queue")).filter(mine).length + (await getAll("drafts")).filter(mine).length;

    async function showPending() {
      const count = await pending();
      warning.hidden = !count;
      warning.querySelector("[data-sign-out-count]").textContent = count ? fill(texts.not_sent, { count }) : "";
      button.textContent = count ? texts.sign_out_anyway : texts.sign_out;
      warned = count > 0;
      return count;
    }

    document.addEventListener("canvass:refreshed", () => { showPending(); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!navigator.onLine) { document.querySelector("[data-sign-out-offline]").hidden = false; return; }
      const seen = warned;
      if ((await showPending()) && !seen) { warning.focus(); return; }
      button.disabled = true;
      say(texts.clearing);
      // This canvasser's items are locked with everyone else's; the sign-in page tries again if
      // this failed (nothing is ever deleted unlocked).
      await clearDevice().catch(() => null);
      form.submit(); // no submit event: this handler does not run again
    });
  }

  // --- Start -----------------------------------------------------------------------------------
  if (!device.user) {
    clearDevice()
      .catch(() => null)
      .then(() => { document.documentElement.dataset.deviceCleared = "true"; });
    return;
  }

  // Until this canvasser's own items are back and others' locked away, the pages' scripts wait.
  const prepared = prepare().catch((error) => say(`${texts.save_failed} ${error}`));
  const ready = (work) => async (...args) => { await prepared; return work(...args); };
  window.Canvass = { device, texts, getAll: ready(getAll), get: ready(get), put: ready(put), remove: ready(remove),
    finishDraft: ready(finishDraft), send: ready(send), refresh: ready(refresh), fill, when };

  document.querySelectorAll("[data-send-now]").forEach((sendButton) => sendButton.addEventListener("click", () => window.Canvass.send()));
  window.addEventListener("online", () => { window.Canvass.refresh(); window.Canvass.send(); });
  window.addEventListener("offline", () => window.Canvass.refresh());
  setInterval(() => { if (navigator.onLine) window.Canvass.send(); }, 60000);
  if (device.signing_out) guardSignOut();

  prepared
    .then(() => keepToken())
    .then(() => Promise.all([refresh(), listDrafts()]))
    .then(() => { document.documentElement.dataset.deviceReady = "true"; if (navigator.onLine) send(); })
    .catch((error) => say(`${texts.save_failed} ${error}`));
  if (!device.signing_out) {
    prepared.then(() => keepOffline()).catch(() => { const box = $("[data-offline-status]"); if (box) box.textContent = texts.cache_failed; });
  }
})();
