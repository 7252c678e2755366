// The tablet field form: N/A clears and locks the item's value; Submit asks for confirmation.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) { return; }

  function applyNa(box) {
    var controls = form.querySelectorAll('[name="' + box.dataset.target + '"]');
    controls.forEach(function (control) {
      if (box.checked) {
        if (control.type === "radio") { control.checked = false; } else { control.value = ""; }
      }
      control.disabled = box.checked;
    });
  }

  form.querySelectorAll(".na-toggle").forEach(function (box) {
    applyNa(box);
    box.addEventListener("change", function () { applyNa(box); });
  });

  var submit = document.getElementById("submit-inspection");
  if (submit) {
    submit.addEventListener("click", function (event) {
      if (!window.confirm(submit.dataset.confirm)) { event.preventDefault(); }
    });
  }
})();
