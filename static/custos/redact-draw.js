/* Draw redaction boxes over an image; fills the form's JSON "boxes" field.
 * Without script the typed JSON field still works (progressive enhancement).
 * Boxes are in the image's own pixels as displayed (orientation applied), as media.redact_image
 * expects: [[x0, y0, x1, y1], ...]. */
(function () {
  "use strict";
  function setUp(root) {
    var field = document.getElementById(root.getAttribute("data-field"));
    var start = root.querySelector("[data-redact-start]");
    var clear = root.querySelector("[data-redact-clear]");
    var canvas = root.querySelector("canvas");
    var status = root.querySelector("[data-redact-status]");
    if (!field || !start || !canvas) return;
    var image = new Image();
    var boxes = [];
    var drag = null;
    var scale = 1;
    start.hidden = false;

    function parseField() {
      try {
        var value = JSON.parse(field.value || "[]");
        return Array.isArray(value) ? value : [];
      } catch (e) { return []; }
    }
    function redraw(extra) {
      var context = canvas.getContext("2d");
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      context.fillStyle = "rgba(0, 0, 0, 0.85)";
      boxes.concat(extra ? [extra] : []).forEach(function (box) {
        context.fillRect(box[0] / scale, box[1] / scale,
          (box[2] - box[0] + 1) / scale, (box[3] - box[1] + 1) / scale);
      });
      if (status) status.textContent = boxes.length + " " + (root.getAttribute("data-label-count") || "boxes");
    }
    function point(event) {
      var rect = canvas.getBoundingClientRect();
      var x = Math.round((event.clientX - rect.left) * (canvas.width / rect.width) * scale);
      var y = Math.round((event.clientY - rect.top) * (canvas.height / rect.height) * scale);
      return [Math.max(0, Math.min(image.naturalWidth - 1, x)),
              Math.max(0, Math.min(image.naturalHeight - 1, y))];
    }
    function box(a, b) {
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drag = point(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (drag) redraw(box(drag, point(event)));
    });
    canvas.addEventListener("pointerup", function (event) {
      if (!drag) return;
      var drawn = box(drag, point(event));
      drag = null;
      if (drawn[2] > drawn[0] && drawn[3] > drawn[1]) {
        boxes.push(drawn);
        field.value = JSON.stringify(boxes);
      }
      redraw();
    });
    start.addEventListener("click", function () {
      start.disabled = true;
      image.onload = function () {
        var width = Math.min(image.naturalWidth, root.clientWidth || image.naturalWidth);
        scale = image.naturalWidth / width;
        canvas.width = width;
        canvas.height = Math.round(image.naturalHeight / scale);
        canvas.hidden = false;
        if (clear) clear.hidden = false;
        boxes = parseField();
        redraw();
      };
      image.src = root.getAttribute("data-src");
    });
    if (clear) clear.addEventListener("click", function () {
      boxes = [];
      field.value = "";
      redraw();
    });
  }
  document.querySelectorAll("[data-redact-draw]").forEach(setUp);
})();
