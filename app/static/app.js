// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline script: confirmations before destructive posts, and selects that submit.
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
})();
