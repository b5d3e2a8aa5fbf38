/* The create form: show only the sizes of the chosen aspect, keep "duration" and
 * "frames" exclusive (the server refuses both at once), show what the clip will be
 * ("33 frames · 4.1 s") and what it costs of today's quota, submit on Ctrl+Enter,
 * and keep Generate off (with the reason) while the studio is paused. */
(function () {
  "use strict";

  var aspect = document.getElementById("id_aspect");
  var size = document.getElementById("id_resolution");
  var duration = document.getElementById("id_duration");
  var frames = document.getElementById("id_num_frames");

  function syncSizes() {
    if (!aspect || !size) {
      return;
    }
    Array.prototype.forEach.call(size.querySelectorAll("optgroup"), function (group) {
      var match = group.label === aspect.value;
      group.hidden = !match;
      group.disabled = !match;
    });
    var selected = size.options[size.selectedIndex];
    if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) {
      size.value = "";
    }
  }

  function exclusive(source, other) {
    if (!source || !other) {
      return;
    }
    source.addEventListener("input", function () {
      if (source.value !== "") {
        other.value = "";
      }
    });
  }

  var form = document.querySelector("form.create-form");
  var variations = document.getElementById("id_variations");
  var readout = document.getElementById("clip-readout");
  var generate = document.getElementById("generate");
  var blocked = document.getElementById("generate-blocked");

  function number(name) {
    return parseFloat(form.dataset[name]);
  }

  /* The server's rounding (generation/params.py allowed_frames): k * multiple + 1. */
  function allowedFrames(count) {
    var step = number("frameMultiple");
    var snapped = Math.floor((count - 1) / step + 0.5) * step + 1;
    var lowest = Math.ceil((number("minFrames") - 1) / step) * step + 1;
    var highest = Math.floor((number("maxFrames") - 1) / step) * step + 1;
    return Math.max(lowest, Math.min(snapped, highest));
  }

  function clipFrames() {
    var seconds = duration ? parseFloat(duration.value) : NaN;
    if (seconds > 0) {
      return allowedFrames(Math.floor(seconds * number("fps") + 0.5));
    }
    var count = frames ? parseInt(frames.value, 10) : NaN;
    return allowedFrames(count > 0 ? count : number("defaultFrames"));
  }

  function showReadout() {
    if (!form || !readout) {
      return;
    }
    var count = clipFrames();
    var seconds = count / number("fps");
    var copies = Math.max(1, parseInt(variations && variations.value, 10) || 1);
    var cost = seconds * copies;
    var left = number("budgetRemaining");
    var text = count + " frames · " + seconds.toFixed(1) + " s";
    text += " · uses " + cost.toFixed(1) + " s of your " + left.toFixed(1) + " s left today";
    readout.textContent = text;
    readout.classList.toggle("over", cost > left);
  }

  function setBlocked(reason, code) {
    if (!generate) {
      return;
    }
    generate.disabled = Boolean(reason);
    generate.dataset.blockedCode = code || "";
    if (blocked) {
      blocked.textContent = reason || "";
      blocked.classList.toggle("hidden", !reason);
    }
  }

  if (aspect) {
    aspect.addEventListener("change", syncSizes);
    syncSizes();
  }
  exclusive(duration, frames);
  exclusive(frames, duration);
  if (form) {
    form.addEventListener("input", showReadout);
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && generate && !generate.disabled) {
        event.preventDefault();
        form.requestSubmit(generate);
      }
    });
    showReadout();
  }
  /* live.js tells every page when the studio pauses or resumes. */
  document.addEventListener("studio:site", function (event) {
    var site = event.detail || {};
    var code = generate ? generate.dataset.blockedCode : "";
    if (site.paused && !(form && form.hasAttribute("data-pause-exempt"))) {
      setBlocked(site.message || "The studio is paused.", "paused");
    } else if (code === "paused") {
      setBlocked("", "");
    }
  });
  document.addEventListener("studio:revoked", function (event) {
    setBlocked(event.detail || "Your access to this studio has been revoked.", "revoked");
  });
}());
