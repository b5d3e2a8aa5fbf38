/* Live updates for every signed-in page.
 *
 * One websocket to /ws/events/ (reconnects with backoff). While it is down, the
 * page polls each active job's status.json every 2 s instead. Messages:
 *   {"type": "job", "job": snapshot}     -> update elements marked data-job-id
 *   {"type": "site", "site": {...}}      -> #site-banner (shown while paused)
 *   {"type": "revoked", "message": "..."} -> red banner, forms disabled, no reconnect
 * Page hooks: [data-job][data-job-id][data-status][data-status-url] around
 * [data-field=status|bar|bar-track|phase|queue|eta|error|moderation|video|link|video-link]
 * and [data-show-when=active].
 */
(function () {
  "use strict";

  var ACTIVE = ["screening", "held", "queued", "running", "paused"];
  var POLL_MS = 2000;
  var PING_MS = 25000;
  var MAX_BACKOFF_MS = 30000;
  var CLOSE_UNAUTHENTICATED = 4401;
  var CLOSE_REVOKED = 4403;

  if (document.body.dataset.user !== "1") {
    return;
  }

  var socket = null;
  var attempts = 0;
  var stopped = false;
  var pollTimer = null;
  var pingTimer = null;

  function isActive(status) {
    return ACTIVE.indexOf(status) !== -1;
  }

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function setField(root, name, text) {
    each(root, '[data-field="' + name + '"]', function (el) {
      el.textContent = text;
      if (el.hasAttribute("data-hide-empty")) {
        el.classList.toggle("hidden", !text);
      }
    });
  }

  function etaText(seconds) {
    if (seconds === null || seconds === undefined) {
      return "";
    }
    if (seconds < 90) {
      return "about " + Math.max(1, Math.round(seconds)) + " s left";
    }
    return "about " + Math.round(seconds / 60) + " min left";
  }

  function moderationText(job) {
    if (job.status === "held") {
      return "Held for review" + (job.moderation_category ? ": " + job.moderation_category : "") +
        ". A moderator will look at it soon.";
    }
    if (job.status === "rejected") {
      return "Rejected: " + (job.moderation_reason || "this prompt is not allowed here");
    }
    return "";
  }

  function playerFor(video, autoplay) {
    var el = document.createElement("video");
    el.controls = true;
    el.playsInline = true;
    el.preload = "metadata";
    el.poster = video.poster_url || "";
    el.src = video.url;
    if (autoplay) {
      el.autoplay = true;
    }
    return el;
  }

  function playButtonFor(video) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "play";
    button.setAttribute("data-play", "");
    button.setAttribute("aria-label", "Play");
    button.dataset.src = video.url;
    button.dataset.poster = video.poster_url;
    var img = document.createElement("img");
    img.src = video.poster_url;
    img.alt = "";
    button.appendChild(img);
    return button;
  }

  function notice(text) {
    var box = document.createElement("div");
    box.className = "placeholder";
    var span = document.createElement("span");
    span.textContent = text;
    box.appendChild(span);
    return box;
  }

  function showVideo(root, video) {
    var state = video.held ? "held" : video.removed ? "removed" : "ready";
    each(root, '[data-field="video"]', function (box) {
      if (box.dataset.videoId === String(video.id) && box.dataset.videoState === state) {
        return;  // already showing it: do not restart a playing video
      }
      box.dataset.videoId = String(video.id);
      box.dataset.videoState = state;
      if (state === "held") {
        box.replaceChildren(notice("Held for review: a moderator will look at this video before anyone can see it."));
      } else if (state === "removed") {
        box.replaceChildren(notice("A moderator removed this video."));
      } else {
        box.replaceChildren(box.dataset.mode === "tile" ? playButtonFor(video) : playerFor(video, false));
      }
    });
    each(root, '[data-field="link"]', function (a) { a.href = video.detail_url; });
    each(root, '[data-field="video-link"]', function (a) {
      a.href = video.detail_url;
      a.classList.remove("hidden");
    });
  }

  function applyJob(job) {
    var roots = document.querySelectorAll('[data-job][data-job-id="' + job.id + '"]');
    Array.prototype.forEach.call(roots, function (root) {
      root.dataset.status = job.status;
      each(root, '[data-field="status"]', function (el) {
        el.textContent = job.status_label;
        el.className = "badge " + job.status;
      });
      setField(root, "status_label", job.status_label + "…");
      each(root, '[data-field="bar"]', function (el) {
        el.style.width = Math.round((job.progress || 0) * 100) + "%";
      });
      setField(root, "phase", job.phase || "");
      each(root, '[data-field="bar-track"]', function (el) {
        el.classList.toggle("hidden", !job.show_bar);
      });
      setField(root, "queue", job.queue_position ? "#" + job.queue_position + " in the queue" : "");
      setField(root, "eta", etaText(job.eta_seconds));
      setField(root, "moderation", moderationText(job));
      setField(root, "error", job.error || "");
      each(root, '[data-show-when="active"]', function (el) {
        el.classList.toggle("hidden", !isActive(job.status));
      });
      if (job.video) {
        showVideo(root, job.video);
      }
      if (job.appeal !== undefined) {
        showAppeal(root, job.appeal);
      }
    });
  }

  function appealText(appeal) {
    if (!appeal || !appeal.status) {
      return "";
    }
    if (appeal.status === "pending") {
      return "Your appeal is with a moderator.";
    }
    return "Appeal " + appeal.status_label.toLowerCase() + ": " + appeal.reason;
  }

  function showAppeal(root, appeal) {
    each(root, '[data-field="appeal-box"]', function (box) {
      box.classList.toggle("hidden", !appeal);
    });
    each(root, '[data-field="appeal"]', function (el) {
      el.textContent = appealText(appeal);
      el.classList.toggle("hidden", !appealText(appeal));
    });
    each(root, '[data-field="appeal-form"]', function (form) {
      form.classList.toggle("hidden", !(appeal && appeal.can_appeal));
    });
  }

  /* A moderator decided an appeal: say so at once, whatever the job does next. */
  function applyAppeal(message) {
    var roots = document.querySelectorAll('[data-job][data-job-id="' + message.job_id + '"]');
    Array.prototype.forEach.call(roots, function (root) {
      each(root, '[data-field="appeal-box"]', function (box) { box.classList.remove("hidden"); });
      each(root, '[data-field="appeal"]', function (el) {
        el.textContent = message.message;
        el.classList.remove("hidden");
      });
      each(root, '[data-field="appeal-form"]', function (form) { form.classList.add("hidden"); });
    });
  }

  function banner() {
    return document.getElementById("site-banner");
  }

  function applySite(site) {
    var el = banner();
    if (!el || el.classList.contains("revoked")) {
      return;
    }
    el.textContent = site.message || (site.paused ? "The studio is paused." : "");
    el.classList.toggle("hidden", !site.paused);
  }

  function applyRevoked(message) {
    stopped = true;
    stopPolling();
    var el = banner();
    if (el) {
      el.textContent = message || "Your access to this studio has been revoked.";
      el.classList.add("revoked");
      el.classList.remove("hidden");
    }
    each(document, "main form", function (form) {
      each(form, "input, button, select, textarea", function (control) { control.disabled = true; });
    });
  }

  function handle(message) {
    if (!message || typeof message !== "object") {
      return;
    }
    if (message.type === "job" && message.job) {
      applyJob(message.job);
    } else if (message.type === "site" && message.site) {
      applySite(message.site);
    } else if (message.type === "revoked") {
      applyRevoked(message.message);
    } else if (message.type === "appeal") {
      applyAppeal(message);
    }
  }

  /* Polling fallback: only jobs on this page that have not finished. */
  function pollOnce() {
    each(document, "[data-job][data-status-url]", function (root) {
      if (!isActive(root.dataset.status)) {
        return;
      }
      fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.redirected || !response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(applyJob)
        .catch(function () { /* try again on the next tick */ });
    });
  }

  function startPolling() {
    if (pollTimer === null && !stopped) {
      pollTimer = window.setInterval(pollOnce, POLL_MS);
    }
  }

  function stopPolling() {
    if (pollTimer !== null) {
      window.clearInterval(pollTimer);
      pollTimer = null;
    }
  }

  function connect() {
    if (stopped || !("WebSocket" in window)) {
      startPolling();
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/events/");
    socket.addEventListener("open", function () {
      attempts = 0;
      stopPolling();
      pollOnce();  // catch up on anything sent while we were away
      pingTimer = window.setInterval(function () {
        if (socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ type: "ping" }));
        }
      }, PING_MS);
    });
    socket.addEventListener("message", function (event) {
      try {
        handle(JSON.parse(event.data));
      } catch (err) {
        /* ignore a malformed message */
      }
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      socket = null;
      if (event.code === CLOSE_REVOKED || event.code === CLOSE_UNAUTHENTICATED) {
        stopped = true;
        return;
      }
      startPolling();
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, attempts)) * (0.75 + Math.random() / 2);
      attempts += 1;
      window.setTimeout(connect, delay);
    });
  }

  /* Progress bars are rendered with a width class; set the exact width once. */
  each(document, "[data-job]", function (root) {
    if (root.dataset.progress) {
      each(root, '[data-field="bar"]', function (el) {
        el.style.width = Math.round(parseFloat(root.dataset.progress) * 100) + "%";
      });
    }
  });

  window.studioLive = { applyJob: applyJob, handle: handle };
  connect();
}());
