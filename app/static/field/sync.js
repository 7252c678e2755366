// Sync of the field form with the server: a few seconds after a change, when the connection
// returns, and after a failure with growing pauses. Per-item changes go with the version each
// was based on and the server merges them (conflicts come back with both values); photo
// deletions and uploads follow, uploads with the device's id so that a retry is never stored
// twice. One sync runs at a time.
(function () {
  "use strict";
  var Field = window.Field;
  if (!Field) { return; }
  var config = Field.config;
  var form = Field.form;
  var csrf = (form.querySelector('input[name="csrf_token"]') || {}).value || "";
  var versionInput = form.querySelector('input[name="version"]');
  var AUTOSAVE_MS = 1500;
  var fresh = false;      // the server's state was read since the page opened or the line came back
  var again = false;
  var timer = null;
  var retryMs = 2000;

  function failure(kind, extra) { var e = extra || {}; e.kind = kind; return e; }

  function call(url, options, retried) {
    options.headers = Object.assign({ "Accept": "application/json", "X-CSRFToken": csrf },
                                    options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).catch(function () { throw failure("network"); }).then(function (response) {
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
      if (!isJson) {
        if (response.status === 400 && !retried) {      // an expired CSRF token: fetch a new one
          return loadState().then(function () { return call(url, options, true); });
        }
        if (response.status >= 500) { throw failure("server"); }
        throw failure("signin");                          // the login page, or another user
      }
      return response.json().then(function (data) {
        if (response.ok) { return data; }
        if (response.status >= 500) { throw failure("server"); }
        throw failure("refused", { status: response.status, error: data.error || {} });
      });
    });
  }

  function postJson(url, body) {
    return call(url, { method: "POST", body: JSON.stringify(body),
                       headers: { "Content-Type": "application/json" } });
  }

  function loadState() {
    return call(config.dataset.stateUrl, { method: "GET" }).then(applyState);
  }

  // ---- the server's state over the items this device has not changed ------------------------
  // The last state seen is kept on the device too: a page kept for offline use may be older
  // than what the device already synced, and must not show less after a reload.
  function applyState(state, remembered) {
    if (!remembered) {
      if (state.csrf_token) { csrf = state.csrf_token; }
      if (!state.editable) { Field.closed = true; }
      Field.record.server = { version: state.version, answers: state.answers,
                              photos: state.photos, signatures: state.signatures };
      Field.save();
      fresh = true;
    }
    versionInput.value = state.version;
    var byItem = {};
    state.answers.forEach(function (a) { byItem[a.item_id] = a; });
    Object.keys(Field.items).forEach(function (id) {
      var el = Field.items[id];
      if (Field.record.items[id]) { return; }
      el.dataset.base = byItem[id] ? byItem[id].version : 0;
      Field.writeItem(el, Field.fromServer(byItem[id]));
    });
    applyPhotos(state.photos);
    state.signatures.forEach(function (signature) {
      var queued = Field.uploads.some(function (u) { return u.kind === "signature" && u.role === signature.role; });
      if (!queued) { Field.showSignature(null, signature); }
    });
    return state;
  }

  Field.hooks.booted.push(function () {
    var kept = Field.record.server;
    if (kept && kept.version > Number(versionInput.value || 0)) { applyState(kept, true); }
  });

  function applyPhotos(photos) {
    var known = {};
    photos.forEach(function (photo) {
      known[photo.id] = true;
      if (photo.client_id) {                 // uploaded, though this device never heard back
        var queued = Field.uploads.filter(function (u) { return u.clientId === photo.client_id; })[0];
        if (queued) { forget(queued); Field.uploaded(queued, photo); }
      }
      if (Field.record.deletions.indexOf(photo.id) >= 0) { return; }
      if (!form.querySelector('.field-photo[data-photo-id="' + photo.id + '"]')) {
        var box = Field.items[photo.item_id] && Field.items[photo.item_id].querySelector(".field-photos");
        if (box) {
          var figure = Field.photoFigure({ photoId: photo.id, clientId: photo.client_id, src: photo.url });
          if (Field.showFlags) { Field.showFlags(figure, photo.flags); }
          box.appendChild(figure);
        }
      }
    });
    form.querySelectorAll(".field-photo[data-photo-id]").forEach(function (figure) {
      if (!known[figure.dataset.photoId]) { figure.remove(); }   // removed on another device
    });
  }

  function forget(upload) {
    Field.uploads = Field.uploads.filter(function (u) { return u !== upload; });
    return window.FieldStore.deleteUpload(upload.clientId);
  }

  // ---- answers ------------------------------------------------------------------------------
  function change(id, pending) {
    var el = Field.items[id];
    var body = { item_id: Number(id), base_version: pending.base, note: pending.note, na: pending.na };
    if (pending.na) { return body; }
    if (el.dataset.kind === "yes_no" && (pending.value === "yes" || pending.value === "no")) {
      body.yes = pending.value === "yes";
    } else if (pending.value !== "" && el.dataset.kind === "reading") {
      body.reading = pending.value;
    } else if (pending.value !== "") {
      body.points = pending.value;
    }
    return body;
  }

  // A save whose answer never came back (a dropped line, a proxy's 502) may have been stored:
  // what it sent stays with the change, so that finding it on the server later is known for
  // this device's own save, not another device's change to resolve by hand.
  var UNHEARD_KEPT = 10;

  function unheard(items, sent) {
    sent.forEach(function (s) {
      var p = items[s.id];
      if (p) { p.unheard = (p.unheard || []).concat([s.values]).slice(-UNHEARD_KEPT); }
    });
  }

  function sameAnswer(values, theirs) {
    var server = Field.fromServer(theirs);
    if (!!values.na !== server.na || (values.note || "").trim() !== server.note) { return false; }
    if (values.na || values.value === server.value) { return true; }
    return values.value !== "" && server.value !== "" && Number(values.value) === Number(server.value);
  }

  function ownUnheard(p, theirs) {
    return (p.unheard || []).some(function (values) { return sameAnswer(values, theirs); });
  }

  // A change the server refused says why at its item, until the item is changed: refused in
  // silence, it stayed "waiting to sync" for ever and the inspector could not tell which or why.
  Field.renderRejected = function (id) {
    var el = Field.items[id];
    var pending = Field.record.items[id];
    var box = el.querySelector(".field-rejected");
    var rejected = pending && pending.rejected && pending.rejected.seq === pending.seq;
    if (!rejected) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.className = "text-danger mt-1 item-error field-rejected";
      box.setAttribute("role", "alert");
      el.querySelector(".field-conflict").before(box);
    }
    box.textContent = pending.rejected.message;
  };

  function sendAnswers() {
    var items = Field.record.items;
    var sent = Object.keys(items).filter(function (id) {
      var p = items[id];
      return !p.conflict && !(p.rejected && p.rejected.seq === p.seq);
    }).map(function (id) {
      var p = items[id];
      return { id: id, seq: p.seq, values: { value: p.value, na: p.na, note: p.note } };
    });
    if (!sent.length) { return fresh ? Promise.resolve() : loadState(); }
    return postJson(config.dataset.answersUrl, {
      answers: sent.map(function (s) { return change(s.id, items[s.id]); })
    }).then(function (result) {
      var conflicts = {}, byItem = {};
      result.conflicts.forEach(function (c) { conflicts[c.item_id] = c; });
      result.answers.forEach(function (a) { byItem[a.item_id] = a; });
      sent.forEach(function (s) {
        var p = items[s.id];
        if (!p) { return; }
        var conflict = conflicts[s.id];
        if (conflict && ownUnheard(p, conflict.theirs)) {   // this device's own save: go on from it
          p.base = conflict.theirs.version;
          delete p.unheard;
          again = true;
        }
        else if (conflict) { p.conflict = { theirs: conflict.theirs, version: conflict.theirs.version }; }
        else if (p.seq === s.seq) { Field.forget(s.id); }
        else if (byItem[s.id]) { p.base = byItem[s.id].version; delete p.unheard; }
        Field.renderConflict(s.id);
      });
      Field.save();
      applyState(result);
    }, function (error) {
      if (error.kind === "refused" && error.status === 422) {   // name the refused items
        Object.keys(error.error.fields || {}).forEach(function (key) {
          var match = /^answers\[(\d+)\]/.exec(key);
          var s = match && sent[Number(match[1])];
          if (s && items[s.id]) {
            items[s.id].rejected = { seq: s.seq, message: error.error.fields[key].join(" ") };
            Field.renderRejected(s.id);
          }
        });
        Field.save();
        again = true;
        return;
      }
      if (error.kind === "network" || error.kind === "server") { unheard(items, sent); Field.save(); }
      throw error;
    });
  }

  // ---- photo deletions and uploads -----------------------------------------------------------
  function sendDeletions() {
    var url = config.dataset.photoDeleteUrl;
    return Field.record.deletions.slice().reduce(function (chain, photoId) {
      return chain.then(function () {
        return postJson(url.replace(/\/0\/delete$/, "/" + photoId + "/delete"), {}).catch(function (error) {
          if (!(error.kind === "refused" && error.status === 404)) { throw error; }
        }).then(function () {
          Field.deleted(photoId);
          return Field.save();
        });
      });
    }, Promise.resolve());
  }

  function sendUpload(upload) {
    var data = new FormData();
    data.append("client_id", upload.clientId);
    if (upload.kind === "signature") {
      data.append("role", upload.role);
      data.append("signer_name", upload.signerName);
      data.append("signed_at", upload.signedAt);
      data.append("file", upload.blob, "signature.png");
    } else {
      data.append("item_id", upload.itemId);
      data.append("file", upload.blob, upload.name || "photo.jpg");
    }
    var url = upload.kind === "signature" ? config.dataset.signaturesUrl : config.dataset.photosUrl;
    return call(url, { method: "POST", body: data }).then(function (saved) {
      return forget(upload).then(function () { Field.uploaded(upload, saved); });
    }, function (error) {
      // refused for what the file is (422) or how large (413): shown beside it, not sent again
      if (error.kind === "refused" && (error.status === 422 || error.status === 413)) {
        upload.error = error.error.message || "";
        Field.renderUpload(upload);
        return window.FieldStore.putUpload(upload);
      }
      throw error;
    });
  }

  function sendUploads() {
    return Field.uploads.filter(function (u) { return !u.error; }).reduce(function (chain, upload) {
      return chain.then(function () { return sendUpload(upload); });
    }, Promise.resolve());
  }

  // ---- one sync at a time ---------------------------------------------------------------------
  Field.sync = function () {
    clearTimeout(timer);
    if (!Field.record || Field.closed || Field.signedOut) { Field.update(); return Promise.resolve(); }
    if (Field.syncing) { again = true; return Field.running; }
    if (!navigator.onLine) { Field.online = false; Field.update(); return Promise.resolve(); }
    Field.syncing = true;
    Field.update();
    var photosBefore = Field.record.deletions.length + Field.uploads.length;
    Field.running = sendAnswers().then(sendDeletions).then(sendUploads).then(function () {
      if (photosBefore) { return loadState(); }
      return null;
    }).then(function () {
      Field.online = true; Field.synced = true; retryMs = 2000;
    }, function (error) {
      if (error.kind === "network" || error.kind === "server") {
        Field.online = error.kind !== "network";
        fresh = false;
        timer = setTimeout(Field.sync, retryMs);
        retryMs = Math.min(retryMs * 2, 60000);
      } else if (error.kind === "signin") {
        Field.signedOut = true;
      } else if (error.kind === "refused" && (error.status === 409 || error.status === 404)) {
        Field.closed = true;
      }
    }).then(function () {
      Field.syncing = false;
      Field.update();
      if (again) { again = false; return Field.sync(); }
      return null;
    });
    return Field.running;
  };

  Field.hooks.changed.push(function () {
    clearTimeout(timer);
    timer = setTimeout(Field.sync, AUTOSAVE_MS);
  });
  window.addEventListener("online", function () { Field.online = true; fresh = false; Field.sync(); });
  window.addEventListener("offline", function () { Field.online = false; Field.update(); });

  // ---- the save and submit buttons ------------------------------------------------------------
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[type=submit]");
    if (!button || !Field.record || button.classList.contains("photo-delete")) { return; }
    if (button.id === "submit-inspection") { return; }
    event.preventDefault();   // saving is automatic; the button asks for it now
    Field.sync();
  });
  document.getElementById("bar-save").addEventListener("click", function (event) {
    if (!Field.record) { return; }
    event.preventDefault();
    Field.sync();
  });

  var submit = document.getElementById("submit-inspection");
  submit.addEventListener("click", function (event) {
    if (!Field.record) { return; }
    event.preventDefault();
    var gaps = Field.gaps();
    if (Field.showGaps(gaps)) { Field.jumpTo(gaps[0].links[0].anchor); return; }
    var status = document.getElementById("field-status");
    if (!navigator.onLine) { status.textContent = Field.msg("submit-offline"); return; }
    if (!window.confirm(submit.dataset.confirm)) { return; }
    Field.sync().then(function () {
      return Field.pendingCount() || Field.closed || Field.signedOut ? null
        : loadState().catch(function () { return null; });
    }).then(function () {
      if (Field.pendingCount() > 0 || Field.closed || Field.signedOut) {
        if (!Field.closed && !Field.signedOut) { status.textContent = Field.msg("submit-unsynced"); }
        return;
      }
      Field.submitting = true;
      var action = document.createElement("input");
      action.type = "hidden"; action.name = "action"; action.value = "submit";
      form.appendChild(action);
      window.FieldStore.deleteForm(Field.key).then(function () {
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  });
})();
