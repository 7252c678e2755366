// CareProcure's service worker: the inspector's pages open without a connection.
//
// What it keeps (one cache): the pages the inspector's pages name (their home, the list, the
// forms of the inspections listed), their styles and scripts, and the photos and signatures
// shown on those forms. Everything is fetched from the network first; the copy is used only
// when the network fails or is slower than a few seconds. A page is kept only when the server
// marks it as the current owner's (header X-Offline-Owner), so nobody else's pages are stored;
// a page that now redirects (the inspection was submitted) or is refused is dropped. When
// another inspector's pages ask, and on logout, the kept pages are dropped. Answers typed
// offline are not here: the form keeps them in IndexedDB until the server has them.
"use strict";

var CACHE = "careprocure-field-1";
var OWNER_KEY = "/__careprocure_field_owner__";
var SLOW_MS = 4000;
var KEPT = [
  /^\/$/,
  /^\/evaluations\/inspections$/,
  /^\/evaluations\/inspections\/\d+\/form$/,
  /^\/evaluations\/inspections\/\d+\/photos\/\d+$/,
  /^\/evaluations\/inspections\/\d+\/signatures\/[a-z]+$/,
  /^\/static\//,
  /^\/bootstrap\/static\//
];

function kept(url) {
  return url.origin === self.location.origin && KEPT.some(function (re) { return re.test(url.pathname); });
}

function isPage(url) { return !/^\/(static|bootstrap)\//.test(url.pathname); }

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("careprocure-field-") === 0 && n !== CACHE; })
      .map(function (n) { return caches["delete"](n); }));
  }).then(function () { return self.clients.claim(); }));
});

function store(cache, request, response) {
  var url = new URL(request.url || request);
  if (response.redirected || response.status === 404 || response.status === 403) {
    return cache["delete"](url.href);             // no longer the inspector's to fill
  }
  if (!response.ok || response.type !== "basic") { return Promise.resolve(); }
  if (!isPage(url)) { return cache.put(url.href, response.clone()); }
  return owner(cache).then(function (current) {
    var marked = response.headers.get("X-Offline-Owner");
    if (marked && marked === current) { return cache.put(url.href, response.clone()); }
    return cache["delete"](url.href);
  });
}

function dropPages(cache) {
  return cache.keys().then(function (requests) {
    return Promise.all(requests.filter(function (r) { return isPage(new URL(r.url)); })
      .map(function (r) { return cache["delete"](r); }));
  });
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      return store(cache, request, response).then(function () { return response; });
    });
    var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS); }).then(function () {
      return cache.match(request.url).then(function (hit) { return hit || network; });
    });
    return Promise.race([network, slow]).catch(function () {
      return cache.match(request.url).then(function (hit) {
        return hit || Response.error();
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var path = new URL(request.url).pathname;
  if (request.method === "POST" && path === "/logout") {   // the request itself goes on as usual
    event.waitUntil(caches.open(CACHE).then(dropPages));
    return;
  }
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!kept(url)) { return; }
  event.respondWith(networkFirst(request));
});

function owner(cache) {
  return cache.match(OWNER_KEY).then(function (hit) { return hit ? hit.text() : null; });
}

// {type: "keep", owner, urls}: fetch and keep the named pages and assets of `owner`. One
// request at a time, so that a change of owner never runs beside another keep.
var queue = Promise.resolve();
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep") { return; }
  var port = event.ports && event.ports[0];
  queue = queue.then(function () { return keep(data); }).then(function (count) {
    if (port) { port.postMessage({ cached: count }); }
  }, function () {
    if (port) { port.postMessage({ cached: 0 }); }
  });
  event.waitUntil(queue);
});

function keep(data) {
  return caches.open(CACHE).then(function (cache) {
    return owner(cache).then(function (previous) {
      if (previous === String(data.owner)) { return null; }
      return dropPages(cache).then(function () {
        return cache.put(OWNER_KEY, new Response(String(data.owner)));
      });
    }).then(function () {
      var urls = (data.urls || []).filter(function (u) { return kept(new URL(u)); });
      return Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (response) {
          return store(cache, u, response);
        }).catch(function () { return null; });
      })).then(function () { return urls.length; });
    });
  });
}
