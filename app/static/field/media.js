// Photos and signatures of the field form: taken or drawn on the device, made small, kept in
// IndexedDB with an id made here (so that a retried upload is never stored twice), shown at
// once, and uploaded by field/sync.js. Removing a photo asks first and never touches answers.
(function () {
  "use strict";
  var Field = window.Field;
  if (!Field) { return; }
  var form = Field.form;
  var urls = {};

  function blobUrl(upload) {
    if (!urls[upload.clientId]) { urls[upload.clientId] = URL.createObjectURL(upload.blob); }
    return urls[upload.clientId];
  }

  Field.photoFigure = function (options) {
    var figure = document.createElement("figure");
    figure.className = "figure mb-0 text-center field-photo";
    if (options.photoId) { figure.dataset.photoId = options.photoId; }
    if (options.clientId) { figure.dataset.clientId = options.clientId; }
    var img = document.createElement("img");
    img.className = "img-thumbnail d-block photo-thumb";
    img.src = options.src; img.alt = Field.msg("photo");
    var caption = document.createElement("figcaption");
    caption.className = "figure-caption photo-caption";
    caption.textContent = options.caption || "";
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "btn btn-outline-danger photo-delete";
    remove.textContent = Field.msg("remove-photo");
    figure.appendChild(img); figure.appendChild(caption); figure.appendChild(remove);
    return figure;
  };

  // the photo's integrity signs (server words, set as text): reasons to look, not verdicts
  Field.showFlags = function (figure, flags) {
    var old = figure.querySelector(".photo-integrity");
    if (old) { old.remove(); }
    if (!flags || !flags.length) { return; }
    var box = document.createElement("div");
    box.className = "photo-integrity small text-warning-emphasis text-start";
    box.setAttribute("role", "note");
    var badge = document.createElement("span");
    badge.className = "badge text-bg-warning";
    badge.textContent = Field.msg("look-again");
    var list = document.createElement("ul");
    list.className = "mb-0 ps-3";
    flags.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    box.appendChild(badge); box.appendChild(list);
    figure.insertBefore(box, figure.querySelector(".photo-delete"));
  };

  function photosBox(itemId) {
    var el = Field.items[itemId];
    return el ? el.querySelector(".field-photos") : null;
  }

  Field.renderUpload = function (upload) {
    if (upload.kind === "signature") { Field.showSignature(upload); return; }
    var box = photosBox(upload.itemId);
    if (!box) { return; }
    var figure = box.querySelector('[data-client-id="' + upload.clientId + '"]');
    if (!figure) {
      figure = Field.photoFigure({ clientId: upload.clientId, src: blobUrl(upload) });
      box.appendChild(figure);
    }
    var caption = figure.querySelector("figcaption");
    figure.classList.toggle("upload-failed", !!upload.error);
    figure.classList.add("photo-queued");
    caption.textContent = upload.error ? Field.msg("upload-failed") + " " + upload.error
      : Field.msg("upload-waiting");
  };

  // a queued photo reached the server: its figure becomes the server's photo
  Field.uploaded = function (upload, photo) {
    if (urls[upload.clientId]) { URL.revokeObjectURL(urls[upload.clientId]); delete urls[upload.clientId]; }
    if (upload.kind === "signature") { Field.showSignature(null, photo); return; }
    var figure = form.querySelector('.field-photo[data-client-id="' + upload.clientId + '"]');
    if (figure) {
      figure.dataset.photoId = photo.id;
      figure.classList.remove("photo-queued");
      figure.querySelector("img").src = photo.url;
      figure.querySelector("figcaption").textContent = "";
      Field.showFlags(figure, photo.flags);
    }
  };

  // ---- adding photos --------------------------------------------------------------------------
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("photo-input") || !Field.record) { return; }
    var itemId = input.closest(".field-item").dataset.itemId;
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";  // queued below; the plain form post must not send them a second time
    files.reduce(function (chain, file) {
      return chain.then(function () { return window.FieldImages.prepare(file); }).then(function (ready) {
        var upload = { clientId: window.FieldStore.newId(), form: Field.key, kind: "photo",
                       itemId: itemId, blob: ready.blob, name: ready.name || "photo.jpg",
                       created: new Date().toISOString() };
        Field.uploads.push(upload);
        return window.FieldStore.putUpload(upload).then(function () {
          Field.renderUpload(upload);
          Field.update("saved-local");
        });
      });
    }, Promise.resolve()).then(function () { Field.sync(); });
  });

  // ---- removing photos: asked first; answers stay as they are --------------------------------
  form.addEventListener("click", function (event) {
    var remove = event.target.closest(".photo-delete");
    if (!remove || !Field.record) { return; }
    event.preventDefault();
    if (!window.confirm(Field.msg("delete-confirm"))) { return; }
    var figure = remove.closest(".field-photo");
    var clientId = figure.dataset.clientId;
    var queued = Field.uploads.filter(function (u) { return u.clientId === clientId; })[0];
    if (queued && !figure.dataset.photoId) {
      Field.uploads = Field.uploads.filter(function (u) { return u !== queued; });
      window.FieldStore.deleteUpload(clientId);
    } else if (figure.dataset.photoId) {
      Field.record.deletions.push(Number(figure.dataset.photoId));
      Field.save();
    }
    figure.remove();
    Field.update("saved-local");
    Field.sync();
  });

  // ---- signatures -----------------------------------------------------------------------------
  Field.showSignature = function (upload, saved) {
    var role = upload ? upload.role : saved.role;
    var block = document.getElementById("signature-" + role);
    if (!block) { return; }
    var current = block.querySelector(".signature-current");
    var name = upload ? upload.signerName : saved.signer_name;
    var time = new Date(upload ? upload.signedAt : saved.signed_at).toLocaleString();
    current.querySelector("img").src = upload ? blobUrl(upload) : saved.url;
    current.querySelector(".signature-caption").textContent = Field.msg("signed", { name: name, time: time });
    current.hidden = false;
    block.dataset.signed = "1";
    var status = block.querySelector(".signature-status");
    status.textContent = upload ? (upload.error ? Field.msg("upload-failed") + " " + upload.error
      : Field.msg("upload-waiting")) : "";
    status.classList.toggle("text-danger", !!(upload && upload.error));
  };

  form.querySelectorAll(".signature-block").forEach(function (block) {
    var pad = new window.FieldSignature.Pad(block.querySelector("canvas"));
    var status = block.querySelector(".signature-status");
    block.querySelector(".signature-clear").addEventListener("click", function () { pad.clear(); });
    block.querySelector(".signature-save").addEventListener("click", function () {
      var name = block.querySelector(".signature-name").value.trim();
      if (!name) { status.textContent = Field.msg("sign-name"); status.classList.add("text-danger"); return; }
      if (!pad.drawn) { status.textContent = Field.msg("sign-first"); status.classList.add("text-danger"); return; }
      pad.toBlob().then(function (blob) {
        var role = block.dataset.role;
        var upload = { clientId: window.FieldStore.newId(), form: Field.key, kind: "signature",
                       role: role, signerName: name, signedAt: new Date().toISOString(),
                       blob: blob, created: new Date().toISOString() };
        // only the newest drawing of a role is uploaded
        Field.uploads.filter(function (u) { return u.kind === "signature" && u.role === role; })
          .forEach(function (old) { window.FieldStore.deleteUpload(old.clientId); });
        Field.uploads = Field.uploads.filter(function (u) { return !(u.kind === "signature" && u.role === role); });
        Field.uploads.push(upload);
        return window.FieldStore.putUpload(upload).then(function () {
          pad.clear();
          Field.showSignature(upload);
          Field.update("saved-local");
          Field.sync();
        });
      });
    });
  });

  Field.hooks.booted.push(function () {
    Field.record.deletions.forEach(function (photoId) {
      var figure = form.querySelector('.field-photo[data-photo-id="' + photoId + '"]');
      if (figure) { figure.remove(); }
    });
    Field.uploads.forEach(Field.renderUpload);
  });
})();
