// The procurement form shows the justification only for a single-source purchase (the server
// checks it anyway).
(function () {
  "use strict";
  const method = document.getElementById("method");
  const box = document.getElementById("justification");
  if (!method || !box) return;
  const group = box.closest(".mb-3") || box.parentNode;
  function sync() { group.hidden = method.value !== "single_source"; }
  method.addEventListener("change", sync);
  sync();
})();
