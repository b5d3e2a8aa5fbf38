/* The create form: show only the sizes of the chosen aspect, and keep
 * "duration" and "frames" exclusive (the server refuses both at once). */
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

  if (aspect) {
    aspect.addEventListener("change", syncSizes);
    syncSizes();
  }
  exclusive(duration, frames);
  exclusive(frames, duration);
}());
