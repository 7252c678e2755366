// The contract form shows the target inputs of the chosen service type only; the others are
// hidden and disabled, so that a value typed before changing the type is not sent (the server
// checks the targets anyway).
(function () {
  "use strict";
  const type = document.getElementById("service_type");
  const inputs = document.querySelectorAll("[data-target-of]");
  if (!type || !inputs.length) return;
  function sync() {
    inputs.forEach(function (input) {
      const offered = !type.value || input.dataset.targetOf.split(" ").indexOf(type.value) >= 0;
      const box = input.closest("[data-target-box]") || input.parentNode;
      box.hidden = !offered;
      input.disabled = !offered;
    });
  }
  type.addEventListener("change", sync);
  sync();
})();
