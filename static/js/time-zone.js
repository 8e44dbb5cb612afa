/* Settings: suggest the time zone the browser runs in, next to the time-zone box.
   The page works without this file: the box and its list are plain HTML. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  ready(function () {
    var suggestion = document.querySelector("[data-zone-suggestion]");
    if (!suggestion || !window.Intl || !Intl.DateTimeFormat) {
      return;
    }
    var input = document.getElementById(suggestion.getAttribute("data-for"));
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!input || !zone || zone === input.value) {
      return;
    }
    suggestion.querySelector("[data-zone-name]").textContent = zone;
    suggestion.hidden = false;
    suggestion.querySelector("[data-zone-use]").addEventListener("click", function () {
      // An old name the browser may report ("Asia/Calcutta") is saved under its
      // current one by the server.
      input.value = zone;
      suggestion.hidden = true;
      input.focus();
    });
  });
})();
