// Signature pads: a canvas to sign on with a finger (or mouse, or pen), cleared on request,
// turned into a PNG when saved. The form's script queues the PNG like a photo.
(function () {
  "use strict";

  function Pad(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.drawn = false;
    this.last = null;
    this.context.lineWidth = 3;
    this.context.lineCap = "round";
    this.context.lineJoin = "round";
    this.context.strokeStyle = "#111";
    var pad = this;
    canvas.addEventListener("pointerdown", function (event) {
      canvas.setPointerCapture(event.pointerId);
      pad.last = pad.point(event);
      pad.dot(pad.last);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!pad.last) { return; }
      var point = pad.point(event);
      pad.line(pad.last, point);
      pad.last = point;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { pad.last = null; });
    });
  }

  Pad.prototype.point = function (event) {
    var box = this.canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * (this.canvas.width / box.width),
             y: (event.clientY - box.top) * (this.canvas.height / box.height) };
  };

  Pad.prototype.dot = function (p) {
    this.context.beginPath();
    this.context.arc(p.x, p.y, 1.5, 0, Math.PI * 2);
    this.context.fillStyle = "#111";
    this.context.fill();
    this.drawn = true;
  };

  Pad.prototype.line = function (a, b) {
    this.context.beginPath();
    this.context.moveTo(a.x, a.y);
    this.context.lineTo(b.x, b.y);
    this.context.stroke();
    this.drawn = true;
  };

  Pad.prototype.clear = function () {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawn = false;
  };

  Pad.prototype.toBlob = function () {
    var canvas = this.canvas;
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
  };

  window.FieldSignature = { Pad: Pad };
})();
