/* Live updates for every signed-in page. Every sentence about a job's state comes
 * from the server's snapshot (generation/progress.py), never written here.
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
  var RESUBMITTABLE = ["cancelled", "failed", "held", "rejected"];
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
      if (state !== "ready") {
        box.replaceChildren(notice(video.notice));  // the server's wording (progress.py)
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

  /* What this page knows of the person's jobs (id -> {status, progress}), seeded from
   * the page and the header badge, so that a change can be told from a repeat. */
  var known = {};
  var baseTitle = document.title;
  var siteName = document.body.dataset.siteName || "Studio";
  var NOTIFY = { succeeded: "Your video is ready", failed: "A job failed", held: "A prompt is held for review" };

  function seedKnown() {
    each(document, "[data-job][data-job-id]", function (root) {
      known[root.dataset.jobId] = { status: root.dataset.status, progress: parseFloat(root.dataset.progress || "0") };
    });
    var badge = document.getElementById("queue-badge");
    if (badge && badge.dataset.active) {
      try {
        var active = JSON.parse(badge.dataset.active);
        Object.keys(active).forEach(function (id) {
          if (!known[id]) {
            known[id] = { status: active[id], progress: 0 };
          }
        });
      } catch (err) { /* a malformed attribute: start from nothing */ }
    }
  }

  function updateQueueBadge() {
    var badge = document.getElementById("queue-badge");
    if (!badge) {
      return;
    }
    var running = 0;
    var queued = 0;
    Object.keys(known).forEach(function (id) {
      var status = known[id].status;
      if (status === "running") {
        running += 1;
      } else if (status === "queued" || status === "screening" || status === "paused") {
        queued += 1;
      }
    });
    var parts = [];
    if (running) { parts.push(running + " running"); }
    if (queued) { parts.push(queued + " queued"); }
    badge.textContent = parts.join(", ");
    badge.classList.toggle("hidden", parts.length === 0);
  }

  /* The tab title: the progress of the job this page shows, else of any running job. */
  function updateTitle() {
    var page = document.querySelector(".job[data-job][data-job-id]");
    var job = page ? known[page.dataset.jobId] : null;
    if (!job || job.status !== "running") {
      job = null;
      Object.keys(known).forEach(function (id) {
        if (!job && known[id].status === "running") {
          job = known[id];
        }
      });
    }
    document.title = job ? Math.round((job.progress || 0) * 100) + "% · " + siteName : baseTitle;
  }

  function toast(text, kind, href) {
    var box = document.getElementById("toasts");
    if (!box) {
      return;
    }
    var item = document.createElement(href ? "a" : "div");
    item.className = "toast " + kind;
    item.textContent = text;
    if (href) {
      item.href = href;
    }
    box.appendChild(item);
    window.setTimeout(function () { item.remove(); }, 8000);
  }

  function announce(job) {
    var headline = NOTIFY[job.status];
    var href = (job.video && job.video.detail_url) || job.detail_url || "";
    var prompt = (job.prompt || "").slice(0, 80);
    toast(headline + (prompt ? ": " + prompt : ""), job.status, href);
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      try {
        var note = new Notification(headline, { body: prompt, tag: "job-" + job.id });
        note.onclick = function () { window.focus(); if (href) { window.location.href = href; } };
      } catch (err) { /* some browsers only allow notifications from a service worker */ }
    }
  }

  function track(job) {
    var id = String(job.id);
    var before = known[id] ? known[id].status : null;
    known[id] = { status: job.status, progress: job.progress || 0 };
    if (before !== job.status && NOTIFY[job.status]) {
      announce(job);
    }
    updateQueueBadge();
    updateTitle();
  }

  function applyJob(job) {
    track(job);
    var roots = document.querySelectorAll('[data-job][data-job-id="' + job.id + '"]');
    Array.prototype.forEach.call(roots, function (root) {
      root.dataset.status = job.status;
      each(root, '[data-field="status"]', function (el) {
        el.textContent = job.status_label;
        el.className = "badge " + job.status;
      });
      // An ellipsis says "still going"; a finished state is a plain word.
      setField(root, "status_label", job.status_label + (isActive(job.status) ? "…" : ""));
      each(root, '[data-field="bar"]', function (el) {
        el.style.width = Math.round((job.progress || 0) * 100) + "%";
      });
      setField(root, "phase", job.phase || "");
      each(root, '[data-field="bar-track"]', function (el) {
        el.classList.toggle("hidden", !job.show_bar);
      });
      setField(root, "queue", job.queue_text || "");
      setField(root, "eta", job.eta_text || "");
      setField(root, "moderation", job.moderation_text || "");
      setField(root, "error", job.error || "");
      each(root, '[data-show-when="active"]', function (el) {
        el.classList.toggle("hidden", !isActive(job.status));
      });
      each(root, '[data-show-when="finished"]', function (el) {
        el.classList.toggle("hidden", isActive(job.status));
      });
      each(root, '[data-show-when="resubmittable"]', function (el) {
        el.classList.toggle("hidden", RESUBMITTABLE.indexOf(job.status) === -1);
      });
      each(root, '[data-field="preview"]', function (img) {
        if (job.preview_url && img.getAttribute("src") !== job.preview_url) {
          img.src = job.preview_url;
        }
        img.classList.toggle("hidden", !job.preview_url);
      });
      if (job.video) {
        showVideo(root, job.video);
      }
      if (job.appeal !== undefined) {
        showAppeal(root, job.appeal);
      }
    });
  }

  function showAppeal(root, appeal) {
    each(root, '[data-field="appeal-box"]', function (box) {
      box.classList.toggle("hidden", !appeal);
    });
    each(root, '[data-field="appeal"]', function (el) {
      el.textContent = appeal ? appeal.text : "";
      el.classList.toggle("hidden", !(appeal && appeal.text));
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
    document.dispatchEvent(new CustomEvent("studio:site", { detail: site }));
    var el = banner();
    if (!el || el.classList.contains("revoked")) {
      return;
    }
    el.textContent = site.message || (site.paused ? "The studio is paused." : "");
    el.classList.toggle("hidden", !site.paused);
  }

  function applyRevoked(message) {
    document.dispatchEvent(new CustomEvent("studio:revoked", { detail: message }));
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

  /* "Tell me when it is done": ask for notifications only when the person clicks. */
  each(document, "[data-notify-ask]", function (button) {
    var root = button.closest("[data-job]");
    if (!("Notification" in window) || Notification.permission !== "default" ||
        (root && !isActive(root.dataset.status))) {
      return;
    }
    button.classList.remove("hidden");
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function () { button.classList.add("hidden"); });
    });
  });

  seedKnown();
  updateQueueBadge();
  updateTitle();
  window.studioLive = { applyJob: applyJob, handle: handle };
  connect();
}());
