// A typeahead for a choice with too many rows to list (a city's ~500 providers, ~3,000
// contracts): what is typed is looked up at <div data-typeahead="URL">, which answers
// {"providers": [{id, name}], "more": bool} (or its rows under the name data-key gives);
// picking one fills the hidden input the form sends. A filter's box is hidden until this
// script shows it, so that without script the page keeps its plain search box; a form's box
// is shown, and without script the server reads the text typed in it.
// Keyboard: up and down move through the suggestions (the first is highlighted), Enter picks,
// Escape closes (the WAI-ARIA combobox pattern: focus stays in the text box,
// aria-activedescendant follows).
(function () {
  "use strict";
  const WAIT_MS = 150;

  function typeahead(box) {
    const url = box.getAttribute("data-typeahead");
    const key = box.getAttribute("data-key") || "providers";
    const input = box.querySelector("[role=combobox]");
    const chosen = box.querySelector("input[type=hidden]");
    const list = box.querySelector("[role=listbox]");
    let timer = null;
    let pending = null;
    let options = [];
    let active = -1;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function note(text) {
      const item = document.createElement("li");
      item.className = "list-group-item small text-muted";
      item.setAttribute("role", "option");
      item.setAttribute("aria-disabled", "true");
      item.textContent = text;
      return item;
    }

    function show(found, more) {
      close();
      if (document.activeElement !== input) return;  // an answer after the box was left
      found.forEach(function (row, index) {
        const item = document.createElement("li");
        item.className = "list-group-item list-group-item-action";
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = row.name;  // text, never markup
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // the text box keeps the focus
          pick(row);
        });
        list.appendChild(item);
        options.push({ item: item, row: row });
      });
      if (!found.length) list.appendChild(note(box.getAttribute("data-none")));
      if (more) list.appendChild(note(box.getAttribute("data-more")));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      // the first is ready for Enter: typing a name and pressing Enter must not send the
      // form without the row typed
      highlight(0);
    }

    function highlight(index) {
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.item.classList.toggle("active", i === active);
        option.item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].item.id);
    }

    function pick(row) {
      clearTimeout(timer);
      if (pending) pending.abort();  // an answer still on its way must not reopen the list
      chosen.value = String(row.id);
      chosen.disabled = false;
      input.value = row.name;
      close();
    }

    function lookUp() {
      if (pending) pending.abort();
      pending = new AbortController();
      const query = url + "?q=" + encodeURIComponent(input.value.trim());
      fetch(query, { credentials: "same-origin", headers: { Accept: "application/json" },
                     signal: pending.signal })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (body) { show(body[key] || [], Boolean(body.more)); })
        .catch(function (error) { if (error.name !== "AbortError") close(); });
    }

    input.addEventListener("input", function () {
      // what is typed is no longer the row picked
      chosen.value = "";
      chosen.disabled = true;
      clearTimeout(timer);
      if (!input.value.trim()) {
        if (pending) pending.abort();
        close();
        return;
      }
      timer = setTimeout(lookUp, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) return;
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();  // picks; the next Enter sends the form
        pick(options[active].row);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    box.hidden = false;
  }

  document.querySelectorAll("[data-typeahead]").forEach(typeahead);
})();
