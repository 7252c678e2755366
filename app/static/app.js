// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline script: confirmations before destructive posts, selects that submit, and
// selects narrowed by typing.
(function () {
  "use strict";
  // <form data-confirm="..."> asks before it is sent; <button data-confirm-submit="...">
  // asks only when that button sends its form.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    const message = (button && button.getAttribute("data-confirm-submit"))
      || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // <select data-autosubmit> sends its form as soon as a choice is made.
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  // <select data-searchable="placeholder">: a text box before it keeps only the options
  // containing what is typed, and picks the one left when one is. A city has ~500 providers,
  // and a Chinese name cannot be reached by typing its first letter into a select. The
  // select stays what the form sends.
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    const filter = document.createElement("input");
    filter.type = "search";
    filter.autocomplete = "off";
    filter.className = "form-control form-control-sm mb-1";
    filter.placeholder = select.getAttribute("data-searchable");
    filter.setAttribute("aria-label", filter.placeholder);
    filter.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(filter, select);
    filter.addEventListener("input", function () {
      const text = filter.value.trim().toLowerCase();
      const left = [];
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = Boolean(text && option.value)
          && option.text.toLowerCase().indexOf(text) < 0;
        if (option.value && !option.hidden) left.push(option);
      });
      if (text && left.length === 1 && !left[0].selected) {
        left[0].selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
