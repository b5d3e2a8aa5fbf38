/* Galleries: a click on a poster swaps it for a playing <video>; on devices with a
 * pointer, hovering a poster plays the clip muted and looped over it. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-play]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var video = document.createElement("video");
    video.controls = true;
    video.autoplay = true;
    video.playsInline = true;
    video.poster = button.dataset.poster || "";
    video.src = button.dataset.src;
    button.replaceWith(video);
  });

  if (!window.matchMedia || !window.matchMedia("(hover: hover)").matches) {
    return;  // touch screens: no hover, the poster stays until tapped
  }

  function startPreview(button) {
    if (button.querySelector("video.hover-preview")) {
      return;
    }
    var video = document.createElement("video");
    video.className = "hover-preview";
    video.muted = true;
    video.loop = true;
    video.autoplay = true;
    video.playsInline = true;
    video.preload = "auto";
    video.setAttribute("aria-hidden", "true");
    video.src = button.dataset.src;
    button.appendChild(video);
    var playing = video.play();
    if (playing && playing.catch) {
      playing.catch(function () { /* the pointer left before it started: nothing to do */ });
    }
  }

  function stopPreview(button) {
    var video = button.querySelector("video.hover-preview");
    if (video) {
      video.pause();
      video.remove();
    }
  }

  document.addEventListener("mouseover", function (event) {
    var button = event.target.closest && event.target.closest("[data-play]");
    if (button) {
      startPreview(button);
    }
  });
  document.addEventListener("mouseout", function (event) {
    var button = event.target.closest && event.target.closest("[data-play]");
    if (button && !button.contains(event.relatedTarget)) {
      stopPreview(button);
    }
  });
}());
