/* Every page: the phone menu button, and copy buttons ([data-copy="#target"]). */
(function () {
  "use strict";

  var toggle = document.querySelector("[data-menu-toggle]");
  var header = document.querySelector(".topbar");
  if (toggle && header) {
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Buttons that destroy something ask first ([data-confirm="question"]). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  function copied(button, text) {
    var label = button.textContent;
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function fallbackCopy(target) {
    // Older browsers and non-secure origins have no async clipboard.
    if (typeof target.select !== "function") {
      return false;
    }
    target.select();
    return document.execCommand("copy");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) {
        return;
      }
      var text = target.value !== undefined ? target.value : target.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.trim()).then(
          function () { copied(button, "Copied"); },
          function () { copied(button, fallbackCopy(target) ? "Copied" : "Select and copy"); }
        );
      } else {
        copied(button, fallbackCopy(target) ? "Copied" : "Select and copy");
      }
    });
  });
}());
