/* Matching: follow a run's progress live and show the proposals when it is done.
   Without this file the page refreshes itself (a <noscript> meta refresh). */
(function () {
  "use strict";

  var POLL_MS = 1000;

  function start(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("[data-run-bar]");
    var stage = box.querySelector("[data-run-stage]");
    var percent = box.querySelector("[data-run-percent]");

    function show(data) {
      var value = Math.max(0, Math.min(100, Number(data.progress) || 0));
      bar.value = value;
      bar.textContent = value + "%";
      percent.textContent = value + "%";
      if (stage.textContent !== data.stage_label) {
        stage.textContent = data.stage_label;
      }
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          show(data);
          if (data.done) {
            window.location.reload();
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          // A hiccup (deploy, network): try again a little later.
          window.setTimeout(poll, POLL_MS * 3);
        });
    }

    window.setTimeout(poll, POLL_MS);
  }

  function ready() {
    var box = document.querySelector("[data-run-progress]");
    if (box) {
      start(box);
    }
  }

  if (document.readyState !== "loading") {
    ready();
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
})();
