// Registers the service worker on the inspector's pages and asks it to keep, for offline
// work, this page, its styles and scripts, and the form of every inspection the page lists.
// Service workers need a secure context: https, or http://localhost; on a plain-http LAN
// address nothing happens and the pages work online only.
(function () {
  "use strict";
  var element = document.getElementById("field-offline");
  if (!element || !("serviceWorker" in navigator) || !window.isSecureContext) { return; }

  function absolute(url) { return new URL(url, location.href).href; }

  function wanted() {
    var urls = [location.href.split("#")[0]];
    document.querySelectorAll('link[rel="stylesheet"][href], script[src]').forEach(function (node) {
      urls.push(node.href || node.src);
    });
    document.querySelectorAll("[data-offline-url]").forEach(function (node) {
      urls.push(absolute(node.dataset.offlineUrl));
    });
    document.querySelectorAll(".photo-thumb[src], .signature-image[src]").forEach(function (img) {
      if (img.src.indexOf("blob:") !== 0) { urls.push(img.src); }
    });
    return urls.filter(function (url, i) { return urls.indexOf(url) === i; });
  }

  function ask(registration) {
    var worker = registration.active || navigator.serviceWorker.controller;
    if (!worker) { return; }
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      document.documentElement.dataset.offlineReady = event.data && event.data.cached;
    };
    worker.postMessage({ type: "keep", owner: element.dataset.owner, urls: wanted() },
                       [channel.port2]);
  }

  navigator.serviceWorker.register(element.dataset.sw, { scope: element.dataset.scope })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(function (registration) { if (navigator.onLine) { ask(registration); } })
    .catch(function () { /* the pages keep working online */ });
})();
