// The field form's store on the device (IndexedDB), so that nothing typed is lost to a reload,
// a crash or a lost connection.
//
// Two object stores:
//   forms   — one record per user and inspection: the items changed on this device and not yet
//             acknowledged by the server ({value, na, note, base, seq, stamp, conflict?}), and
//             the server photos to delete. Every tab of the form merges its own into it.
//   uploads — photos and signatures waiting to be uploaded, as Blobs, by the device's id.
// Records stay until the server has them; nothing expires by time.
(function () {
  "use strict";
  var DB_NAME = "careprocure-field";
  var DB_VERSION = 1;
  var opening = null;

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var req = window.indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("forms")) {
          db.createObjectStore("forms", { keyPath: "key" });
        }
        if (!db.objectStoreNames.contains("uploads")) {
          var uploads = db.createObjectStore("uploads", { keyPath: "clientId" });
          uploads.createIndex("form", "form", { unique: false });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return opening;
  }

  function withStore(name, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result;
        Promise.resolve(action(tx.objectStore(name))).then(function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function formKey(owner, inspection) { return "u" + owner + ":i" + inspection; }

  var FieldStore = {
    formKey: formKey,
    loadForm: function (key) {
      return withStore("forms", "readonly", function (store) {
        return request(store.get(key));
      }).then(function (record) {
        return record || { key: key, items: {}, deletions: [], seq: 0 };
      });
    },
    saveForm: function (record) {
      record.updated = new Date().toISOString();
      return withStore("forms", "readwrite", function (store) {
        return request(store.put(record));
      });
    },
    // Read the stored record and put what `change(stored or null)` returns, in ONE
    // transaction: two tabs of one form each save what they hold, and neither drops the
    // other's changes stored meanwhile (the browser runs such transactions one at a time).
    updateForm: function (key, change) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction("forms", "readwrite");
          var store = tx.objectStore("forms");
          var result;
          var get = store.get(key);
          get.onsuccess = function () {
            result = change(get.result || null);
            result.updated = new Date().toISOString();
            store.put(result);
          };
          tx.oncomplete = function () { resolve(result); };
          tx.onerror = function () { reject(tx.error); };
          tx.onabort = function () { reject(tx.error); };
        });
      });
    },
    deleteForm: function (key) {
      return withStore("forms", "readwrite", function (store) {
        return request(store["delete"](key));
      });
    },
    putUpload: function (upload) {
      return withStore("uploads", "readwrite", function (store) {
        return request(store.put(upload));
      });
    },
    deleteUpload: function (clientId) {
      return withStore("uploads", "readwrite", function (store) {
        return request(store["delete"](clientId));
      });
    },
    uploadsOf: function (key) {
      return withStore("uploads", "readonly", function (store) {
        return request(store.index("form").getAll(key));
      }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      });
    },
    newId: function () {
      if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    }
  };
  window.FieldStore = FieldStore;
})();
