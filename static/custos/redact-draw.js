/* Redaction boxes: rows of four labelled number inputs (left, top, right, bottom, in image
 * pixels) in the redaction form, plus drawing over the image with a mouse.
 *
 * Section 508 / WCAG 2.1 AA (2.1.1 Keyboard): the rows are the form; everything here is an
 * enhancement. Without script, "Add a box" and "Remove" are submit buttons and the server adds
 * or drops a row. With script they act in place (focus moves to the new row, or next to the
 * removed one, and a status message says what happened), and a box drawn with the mouse fills
 * the next empty row, so keyboard, screen-reader and mouse users fill in the same inputs.
 * Boxes are in the image's own pixels as displayed (orientation applied), as
 * media.redact_image expects. */
(function () {
  "use strict";
  var EDGES = ["left", "top", "right", "bottom"];

  function rowsOf(form) {
    var container = form.querySelector("[data-box-rows]");
    var template = form.querySelector("template[data-box-template]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var status = form.querySelector("[data-box-status]");
    if (!container || !template || !total) return null;

    function all() { return Array.prototype.slice.call(container.querySelectorAll("[data-box-row]")); }
    function input(row, edge) { return row.querySelector("[data-box-edge='" + edge + "']"); }
    function announce(text) {
      if (!status || !text) return;
      status.textContent = "";
      // A fresh text node so the same message is read again the next time.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
    function renumber() {
      all().forEach(function (row, index) {
        row.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (element) {
          ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
            var value = element.getAttribute(attribute);
            if (value) element.setAttribute(attribute, value.replace(/box-(\d+|__prefix__)-/g, "box-" + index + "-"));
          });
        });
        row.querySelectorAll("[data-box-number]").forEach(function (number) {
          number.textContent = String(index + 1);
        });
        var remove = row.querySelector("[data-box-remove]");
        if (remove) remove.value = String(index);
      });
      total.value = String(all().length);
    }
    function add() {
      var fragment = template.content.cloneNode(true);
      var row = fragment.querySelector("[data-box-row]");
      container.appendChild(fragment);
      renumber();
      return row;
    }
    function remove(row) {
      var rows = all();
      var index = rows.indexOf(row);
      row.parentNode.removeChild(row);
      if (all().length === 0) add();
      renumber();
      rows = all();
      var next = rows[Math.min(index, rows.length - 1)];
      return next;
    }
    function isEmpty(row) {
      return EDGES.every(function (edge) { return !input(row, edge).value.trim(); });
    }
    function boxes() {
      var found = [];
      all().forEach(function (row) {
        var values = EDGES.map(function (edge) { return parseInt(input(row, edge).value, 10); });
        if (values.every(function (value) { return !isNaN(value); }) &&
            values[2] > values[0] && values[3] > values[1]) found.push(values);
      });
      return found;
    }
    function fill(box) {
      var row = all().filter(isEmpty)[0] || add();
      EDGES.forEach(function (edge, index) { input(row, edge).value = String(box[index]); });
      return row;
    }
    function clear() {
      all().forEach(function (row) { row.parentNode.removeChild(row); });
      add();
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      if (!button || !form.contains(button)) return;
      if (button.hasAttribute("data-box-add")) {
        event.preventDefault();
        var row = add();
        input(row, "left").focus();
        announce(form.getAttribute("data-label-added"));
        form.dispatchEvent(new Event("input"));
      } else if (button.hasAttribute("data-box-remove")) {
        event.preventDefault();
        var next = remove(button.closest("[data-box-row]"));
        if (next) input(next, "left").focus();
        announce(form.getAttribute("data-label-removed"));
        form.dispatchEvent(new Event("input"));
      }
    });
    return { boxes: boxes, fill: fill, clear: clear };
  }

  function setUpDrawing(root) {
    var form = document.getElementById(root.getAttribute("data-form"));
    var rows = form ? form.rows_ : null;
    var start = root.querySelector("[data-redact-start]");
    var clear = root.querySelector("[data-redact-clear]");
    var canvas = root.querySelector("canvas");
    var status = root.querySelector("[data-redact-status]");
    if (!rows || !start || !canvas) return;
    var image = new Image();
    var loaded = false;
    var drag = null;
    var scale = 1;
    start.hidden = false;

    function redraw(extra) {
      if (!loaded) return;
      var context = canvas.getContext("2d");
      var shown = rows.boxes();
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      context.fillStyle = "rgba(0, 0, 0, 0.85)";
      shown.concat(extra ? [extra] : []).forEach(function (box) {
        context.fillRect(box[0] / scale, box[1] / scale,
          (box[2] - box[0] + 1) / scale, (box[3] - box[1] + 1) / scale);
      });
      if (status) status.textContent = shown.length + " " + (root.getAttribute("data-label-count") || "boxes");
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
      if (drawn[2] > drawn[0] && drawn[3] > drawn[1]) rows.fill(drawn);
      redraw();
    });
    form.addEventListener("input", function () { redraw(); });
    start.addEventListener("click", function () {
      start.disabled = true;
      image.onload = function () {
        var width = Math.min(image.naturalWidth, root.clientWidth || image.naturalWidth);
        scale = image.naturalWidth / width;
        canvas.width = width;
        canvas.height = Math.round(image.naturalHeight / scale);
        canvas.hidden = false;
        if (clear) clear.hidden = false;
        loaded = true;
        redraw();
      };
      image.src = root.getAttribute("data-src");
    });
    if (clear) clear.addEventListener("click", function () {
      rows.clear();
      redraw();
    });
  }

  document.querySelectorAll("form[data-testid='redact-form']").forEach(function (form) {
    form.rows_ = rowsOf(form);
  });
  document.querySelectorAll("[data-redact-draw]").forEach(setUpDrawing);
})();
