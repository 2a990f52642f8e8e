// Service worker of the canvasser pages, served as /canvass-sw.js so that its scope covers
// /<lang>/canvass/ in every language. It answers only canvasser pages and the assets the pages
// asked it to keep (canvass.js puts them in the cache); every other request goes its usual way.
"use strict";

const CACHE = "canvass-v1"; // the same name as in canvass.js
const CANVASS_PAGE = /^\/[A-Za-z_]{2,8}\/canvass\//;
const NETWORK_WAIT = 4000; // a stairwell's one bar of signal: after this, the kept page is shown

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("canvass-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // the sync API and forms always go to the server
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && CANVASS_PAGE.test(url.pathname)) {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(event, request));
  }
});

// Pages: the server's fresh copy when it answers in time (kept for later), else the kept one.
async function page(event, url) {
  const cache = await caches.open(CACHE);
  const key = url.origin + url.pathname; // "?draft=…" and "?door=…" are read by the page's script
  const network = fetch(event.request).then(async (response) => {
    if (response.ok && !response.redirected && response.type === "basic") await cache.put(key, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => null));
  const timeout = new Promise((resolve) => { setTimeout(resolve, NETWORK_WAIT, null); });
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (error) {
    // No connection: fall through to the kept copy.
  }
  const kept = await cache.match(key);
  if (kept) return kept;
  try {
    return await network;
  } catch (error) {
    const home = await cache.match(`${url.origin}/${url.pathname.split("/")[1]}/canvass/`);
    return home || new Response("Offline: this page was not kept on this device.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

// Assets: the kept copy at once (refreshed in the background), else the network.
async function asset(event, request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (!kept) return fetch(request);
  event.waitUntil(fetch(request).then((response) => {
    if (response.ok) return cache.put(request.url.split("?")[0], response);
    return null;
  }).catch(() => null));
  return kept;
}
