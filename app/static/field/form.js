// The field form on the device: every change is kept in IndexedDB the moment it is made, the
// progress, each section's completion and the gaps are kept current, the status line says
// where the work is, and conflicts show both values. field/sync.js talks to the server and
// field/media.js handles photos and signatures; they share the `Field` object made here.
(function () {
  "use strict";
  var config = document.getElementById("field-config");
  var form = document.getElementById("inspection-form");
  if (!config || !form || !window.FieldStore) { return; }

  var Field = window.Field = {
    config: config,
    form: form,
    key: window.FieldStore.formKey(config.dataset.owner, config.dataset.inspection),
    record: null,         // the device's record of this form (see store.js)
    uploads: [],          // photos and signatures waiting to be uploaded
    items: {},            // item id → its <li>
    online: navigator.onLine,
    syncing: false,
    synced: false,        // a sync completed since the page opened
    closed: false,        // the server no longer accepts changes
    signedOut: false,
    submitting: false,
    hooks: { changed: [], booted: [] }
  };

  Field.msg = function (name, values) {
    var camel = name.replace(/-([a-z])/g, function (_m, c) { return c.toUpperCase(); });
    var text = config.dataset["msg" + camel.charAt(0).toUpperCase() + camel.slice(1)] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  };

  form.querySelectorAll(".field-item").forEach(function (el) { Field.items[el.dataset.itemId] = el; });

  // ---- reading and writing an item's controls ----------------------------------------------
  function applyNa(box) {
    form.querySelectorAll('[name="' + box.dataset.target + '"]').forEach(function (control) {
      if (box.checked) {
        if (control.type === "radio") { control.checked = false; } else { control.value = ""; }
      }
      control.disabled = box.checked;
    });
  }

  Field.readItem = function (el) {
    var id = el.dataset.itemId;
    var checked = el.querySelector('input[name="a-' + id + '"]:checked');
    var input = el.querySelector('input[type="number"][name="a-' + id + '"]');
    var na = el.querySelector("#na-" + id);
    var note = el.querySelector('textarea[name="note-' + id + '"]');
    return { value: checked ? checked.value : (input ? input.value.trim() : ""),
             na: !!(na && na.checked), note: note ? note.value : "" };
  };

  Field.writeItem = function (el, state) {
    var id = el.dataset.itemId;
    var na = el.querySelector("#na-" + id);
    if (na) { na.checked = !!state.na; applyNa(na); }
    el.querySelectorAll('input[name="a-' + id + '"]').forEach(function (control) {
      if (control.type === "radio") { control.checked = control.value === state.value; }
      else { control.value = state.value || ""; }
    });
    var note = el.querySelector('textarea[name="note-' + id + '"]');
    if (note && typeof state.note === "string") { note.value = state.note; }
  };

  Field.fromServer = function (answer) {
    if (!answer) { return { value: "", na: false, note: "" }; }
    var value = "";
    if (!answer.na && answer.yes !== null && answer.yes !== undefined) { value = answer.yes ? "yes" : "no"; }
    // a reading item's points follow from the reading: the reading is what the inspector typed
    else if (!answer.na && answer.reading !== null && answer.reading !== undefined) { value = String(answer.reading); }
    else if (!answer.na && answer.points !== null && answer.points !== undefined) { value = String(answer.points); }
    return { value: value, na: !!answer.na, note: answer.note || "" };
  };

  Field.describe = function (state) {
    var text = state.na ? Field.msg("na") : state.value === "yes" ? Field.msg("yes")
      : state.value === "no" ? Field.msg("no") : state.value === "" ? "—" : state.value;
    return state.note ? text + " · " + state.note : text;
  };

  // ---- the device's record -----------------------------------------------------------------
  // Another tab of the same form on this device writes the same record. Every save merges
  // (FieldStore.updateForm): of an item changed in both, the later change (its `stamp`) is
  // kept; an item this tab no longer holds is dropped only when this tab dropped that very
  // change (synced or replaced by the other device's value: `forgotten`); a change only the
  // other tab made is taken into this one, controls included, and synced from here too.
  // Saving the tab's record whole dropped the other tab's changes made while offline.
  var saving = Promise.resolve();
  var forgotten = {};         // item id → stamp of the change this tab dropped since its save
  var deleted = [];           // photo ids this tab's removals reached the server for

  Field.stamp = function () { return Date.now() + Math.random(); };

  Field.forget = function (id) {
    var pending = Field.record.items[id];
    if (!pending) { return; }
    forgotten[id] = Math.max(forgotten[id] || 0, pending.stamp || 0);
    delete Field.record.items[id];
  };

  Field.deleted = function (photoId) {
    Field.record.deletions = Field.record.deletions.filter(function (id) { return id !== photoId; });
    deleted.push(photoId);
  };

  function merge(stored) {
    var mine = Field.record;
    var taken = [];
    Object.keys((stored && stored.items) || {}).forEach(function (id) {
      var theirs = stored.items[id], own = mine.items[id], stamp = theirs.stamp || 0;
      var known = own ? stamp <= (own.stamp || 0) : id in forgotten && stamp <= forgotten[id];
      if (!Field.items[id] || known) { return; }
      mine.seq += 1;
      mine.items[id] = Object.assign({}, theirs, { seq: mine.seq });
      delete mine.items[id].rejected;
      taken.push(id);
    });
    ((stored && stored.deletions) || []).forEach(function (photoId) {
      if (mine.deletions.indexOf(photoId) < 0 && deleted.indexOf(photoId) < 0) {
        mine.deletions.push(photoId);
      }
    });
    if (stored && stored.server && (!mine.server || stored.server.version > mine.server.version)) {
      mine.server = stored.server;
    }
    forgotten = {};
    deleted = [];
    taken.forEach(function (id) {
      Field.writeItem(Field.items[id], mine.items[id]);
      Field.renderConflict(id);
    });
    if (taken.length) { Field.update(); }
    return mine;
  }

  Field.save = function () {
    saving = saving.then(function () { return window.FieldStore.updateForm(Field.key, merge); })
      .catch(function () { /* a full disk must not stop the form; the status says so */ });
    return saving;
  };

  Field.pendingCount = function () {
    if (!Field.record) { return 0; }
    return Object.keys(Field.record.items).length + Field.record.deletions.length +
      Field.uploads.filter(function (u) { return !u.error; }).length;
  };

  function recordChange(el) {
    var id = el.dataset.itemId;
    var pending = Field.record.items[id];
    var state = Field.readItem(el);
    Field.record.seq += 1;
    Field.record.items[id] = { value: state.value, na: state.na, note: state.note,
                               base: pending ? pending.base : Number(el.dataset.base || 0),
                               seq: Field.record.seq, stamp: Field.stamp(),
                               conflict: pending ? pending.conflict : undefined,
                               unheard: pending ? pending.unheard : undefined };
    Field.save();
    Field.renderConflict(id);
    if (Field.renderRejected) { Field.renderRejected(id); }
    Field.update("saved-local");
    Field.hooks.changed.forEach(function (fn) { fn(); });
  }

  function onEdit(event) {
    var el = event.target.closest(".field-item");
    if (!el || !Field.record || !event.target.name) { return; }
    if (event.target.classList.contains("na-toggle")) { applyNa(event.target); }
    if (/^(a|na|note)-/.test(event.target.name)) { recordChange(el); }
  }
  form.addEventListener("change", onEdit);
  form.addEventListener("input", onEdit);
  form.querySelectorAll(".na-toggle").forEach(applyNa);

  // ---- conflicts: both values side by side, the inspector chooses --------------------------
  function button(cls, text, handler) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "btn " + cls; b.textContent = text;
    b.addEventListener("click", handler);
    return b;
  }

  function column(label, cls, text) {
    var col = document.createElement("div");
    col.className = "col-sm-6";
    var head = document.createElement("div");
    head.className = "small text-muted"; head.textContent = label;
    var value = document.createElement("div");
    value.className = "fw-semibold " + cls; value.textContent = text;
    col.appendChild(head); col.appendChild(value);
    return col;
  }

  Field.renderConflict = function (id) {
    var el = Field.items[id];
    var box = el.querySelector(".field-conflict");
    var pending = Field.record.items[id];
    box.textContent = "";
    if (!pending || !pending.conflict) { box.hidden = true; el.classList.remove("has-conflict"); return; }
    var conflict = pending.conflict;
    var title = document.createElement("div");
    title.className = "mb-2"; title.textContent = Field.msg("conflict-title");
    var row = document.createElement("div");
    row.className = "row g-2";
    row.appendChild(column(Field.msg("this-device"), "conflict-mine", Field.describe(pending)));
    row.appendChild(column(Field.msg("other-device"), "conflict-theirs",
                           Field.describe(Field.fromServer(conflict.theirs))));
    var actions = document.createElement("div");
    actions.className = "d-flex flex-wrap gap-2 mt-2";
    actions.appendChild(button("btn-warning conflict-keep", Field.msg("keep-mine"), function () {
      pending.base = conflict.version;
      delete pending.conflict;
      Field.record.seq += 1; pending.seq = Field.record.seq; pending.stamp = Field.stamp();
      Field.save(); Field.renderConflict(id); Field.update(); Field.sync();
    }));
    actions.appendChild(button("btn-outline-secondary conflict-take", Field.msg("take-theirs"), function () {
      Field.writeItem(el, Field.fromServer(conflict.theirs));
      el.dataset.base = conflict.version;
      Field.forget(id);
      Field.save(); Field.renderConflict(id); Field.update();
    }));
    box.appendChild(title); box.appendChild(row); box.appendChild(actions);
    box.hidden = false;
    el.classList.add("has-conflict");
  };

  // ---- progress, section completion and the gaps -------------------------------------------
  function photoCount(el) { return el.querySelectorAll(".field-photo:not(.upload-failed)").length; }

  Field.gaps = function () {
    var groups = [];
    form.querySelectorAll(".inspection-section").forEach(function (section) {
      var group = { title: section.querySelector(".card-header strong").textContent, links: [] };
      section.querySelectorAll(".field-item").forEach(function (el) {
        var state = Field.readItem(el);
        var reason = null;
        if (!state.na && state.value === "") { reason = Field.msg("gap-answer"); }
        else if (el.dataset.evidence === "1" && !state.na && !photoCount(el)) { reason = Field.msg("gap-photo"); }
        if (reason) { group.links.push({ anchor: el.id, label: el.dataset.label, reason: reason }); }
      });
      if (group.links.length) { groups.push(group); }
    });
    if (config.dataset.signaturesRequired === "1") {
      var signatures = { title: Field.msg("signatures"), links: [] };
      form.querySelectorAll(".signature-block").forEach(function (block) {
        if (block.dataset.signed !== "1") {
          signatures.links.push({ anchor: block.id, label: block.querySelector("h3").textContent,
                                  reason: Field.msg("gap-signature") });
        }
      });
      if (signatures.links.length) { groups.push(signatures); }
    }
    return groups;
  };

  Field.showGaps = function (groups) {
    var panel = document.getElementById("gaps");
    var list = document.getElementById("gap-groups");
    var count = groups.reduce(function (n, g) { return n + g.links.length; }, 0);
    list.textContent = "";
    groups.forEach(function (group) {
      var head = document.createElement("h3");
      head.className = "h6 mt-2 mb-1"; head.textContent = group.title;
      var ul = document.createElement("ul");
      ul.className = "mb-1";
      group.links.forEach(function (link) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.className = "alert-link gap-link"; a.href = "#" + link.anchor; a.textContent = link.label;
        li.appendChild(a); li.appendChild(document.createTextNode(" — " + link.reason));
        ul.appendChild(li);
      });
      list.appendChild(head); list.appendChild(ul);
    });
    var heading = document.getElementById("gap-count");
    heading.textContent = Field.msg("gaps", { n: count });
    heading.dataset.count = count;
    document.getElementById("gap-first").href = count ? "#" + groups[0].links[0].anchor : "#";
    panel.hidden = !count;
    return count;
  };

  Field.jumpTo = function (anchor) {
    var target = document.getElementById(anchor);
    if (!target) { return; }
    target.scrollIntoView({ block: "center" });
    var control = target.querySelector("input:not([disabled]):not([type=hidden]), textarea, canvas");
    if (control && control.focus) { control.focus({ preventScroll: true }); }
    target.classList.add("gap-flash");
  };

  document.getElementById("gaps").addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link || link.getAttribute("href").length < 2) { return; }
    event.preventDefault();
    Field.jumpTo(link.getAttribute("href").slice(1));
  });

  Field.updateProgress = function () {
    var answered = 0, total = 0, photosMissing = 0, bySection = {};
    Object.keys(Field.items).forEach(function (id) {
      var el = Field.items[id];
      var state = Field.readItem(el);
      var done = state.na || state.value !== "";
      var s = el.dataset.section;
      bySection[s] = bySection[s] || { a: 0, t: 0 };
      bySection[s].t += 1; total += 1;
      if (done) { bySection[s].a += 1; answered += 1; }
      var missing = el.dataset.evidence === "1" && !state.na && !photoCount(el);
      if (missing) { photosMissing += 1; }
      var badge = el.querySelector(".evidence-missing");
      if (badge) { badge.hidden = !missing; }
    });
    document.querySelectorAll(".section-progress").forEach(function (badge) {
      var p = bySection[badge.dataset.section];
      if (p) { badge.textContent = p.a + "/" + p.t; }
    });
    var bar = document.getElementById("field-progress");
    bar.max = total; bar.value = answered;
    document.getElementById("progress-text").textContent = Field.msg("answered", { a: answered, t: total });
    var photos = document.getElementById("photos-missing");
    photos.textContent = Field.msg("photos-missing", { n: photosMissing });
    photos.hidden = !photosMissing;
  };

  // ---- the status line ----------------------------------------------------------------------
  Field.update = function (hint) {
    if (!Field.record) { return; }
    Field.updateProgress();
    var status = document.getElementById("field-status");
    var n = Field.pendingCount();
    var conflicts = Object.keys(Field.record.items).filter(function (id) {
      return Field.record.items[id].conflict;
    }).length;
    var state, text;
    if (Field.closed) { state = "closed"; text = Field.msg("closed", { n: n }); }
    else if (Field.signedOut) { state = "signin"; text = Field.msg("signin"); }
    else if (conflicts) { state = "conflict"; text = Field.msg("conflict", { n: conflicts }); }
    else if (n && !Field.online) { state = "offline"; text = Field.msg("offline", { n: n }); }
    else if (n && hint === "saved-local") { state = "saved-local"; text = Field.msg("saved-local"); }
    else if (n && Field.syncing) { state = "syncing"; text = Field.msg("syncing"); }
    else if (n) { state = "waiting"; text = Field.msg("waiting", { n: n }); }
    else if (Field.synced) { state = "synced"; text = Field.msg("synced"); }
    else { state = "server"; text = Field.msg("server"); }
    status.dataset.state = state;
    status.dataset.pending = n;
    status.textContent = text;
  };

  window.addEventListener("beforeunload", function (event) {
    if (!Field.submitting && Field.pendingCount() > 0) {
      event.preventDefault();
      event.returnValue = Field.msg("leave");
      return Field.msg("leave");
    }
    return undefined;
  });

  // ---- start: the device's copy over the page as it was served -----------------------------
  function boot() {
    window.FieldStore.loadForm(Field.key).then(function (record) {
      Field.record = record;
      Object.keys(record.items).forEach(function (id) {
        if (!Field.items[id]) { delete record.items[id]; return; }
        Field.writeItem(Field.items[id], record.items[id]);
        Field.renderConflict(id);
        if (Field.renderRejected) { Field.renderRejected(id); }
      });
      return window.FieldStore.uploadsOf(Field.key);
    }).then(function (uploads) {
      Field.uploads = uploads;
      Field.hooks.booted.forEach(function (fn) { fn(); });
      Field.update();
      form.dataset.booted = "1";
      var panel = document.getElementById("gaps");
      if (!panel.hidden) { Field.jumpTo(document.getElementById("gap-first").getAttribute("href").slice(1)); }
      if (Field.sync) { Field.sync(); }
    }).catch(function () {
      document.getElementById("field-status").dataset.state = "no-storage";
    });
  }
  document.addEventListener("DOMContentLoaded", boot);
})();
