/* Mentoring: small progressive enhancements. Every page works without this file. */
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
    // Move focus to a form's error summary so keyboard and screen-reader users
    // land on the list of problems (each one links to its field).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }

    // Links in the error summary: focus the field itself, not just scroll to it.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
        var label = document.querySelector("label[for='" + target.id + "']");
        (label || target).scrollIntoView({ block: "center" });
      }
    });

    // Print buttons (the program report's "Print or save as PDF"): hidden until this file
    // runs (the page says how to print without it), then they open the print dialogue.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
