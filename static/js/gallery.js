/* Galleries: a click on a poster swaps it for a playing <video>. */
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
}());
