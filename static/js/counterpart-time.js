/* Planning a meeting: as the date or time changes, show it on the counterpart's clock.
   The page works without this file: "Show the time for ..." asks the server instead. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  // Minutes the zone's clock is ahead of UTC at the moment ``ms``.
  function offsetMinutes(zone, ms) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit"
    }).formatToParts(new Date(ms)).forEach(function (part) { parts[part.type] = part.value; });
    var onClock = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute);
    return Math.round((onClock - Math.floor(ms / 60000) * 60000) / 60000);
  }

  // The moment a wall-clock date and time in ``zone`` stands for (the first, if twice).
  function toMoment(day, time, zone) {
    var d = day.split("-"), t = time.split(":");
    var wall = Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]);
    var guess = wall - offsetMinutes(zone, wall) * 60000;
    return wall - offsetMinutes(zone, guess) * 60000;
  }

  ready(function () {
    var box = document.querySelector("[data-counterpart-time]");
    var day = document.getElementById("id_day");
    var time = document.getElementById("id_time");
    if (!box || !day || !time || !window.Intl || !Intl.DateTimeFormat.prototype.formatToParts) {
      return;
    }
    var text = box.querySelector("[data-counterpart-text]");
    var lang = document.documentElement.lang || "en";
    function update() {
      if (!/^\d{4}-\d\d-\d\d$/.test(day.value) || !/^\d\d:\d\d/.test(time.value)) {
        return;
      }
      var moment = toMoment(day.value, time.value, box.getAttribute("data-my-zone"));
      var when = new Intl.DateTimeFormat(lang, {
        timeZone: box.getAttribute("data-their-zone"), weekday: "long", day: "numeric",
        month: "long", year: "numeric", hour: "numeric", minute: "2-digit",
        hour12: lang.slice(0, 2) === "en"
      }).format(new Date(moment));
      text.textContent = box.getAttribute("data-template").replace("{when}", when);
    }
    day.addEventListener("change", update);
    time.addEventListener("change", update);
    time.addEventListener("input", update);
  });
})();
