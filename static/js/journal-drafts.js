/* Journal pages: whatever a person typed survives any other action on the page.
 *
 * Each form marked data-keep-draft keeps its unsent text in sessionStorage (this
 * tab only, gone when it closes) while it differs from what the server sent. After
 * another form on the page is submitted and the page comes back, the text is put
 * back, with the notes' base version, so a save still merges with newer notes
 * instead of overwriting them. Submitting the form itself drops its draft.
 */
(function () {
  "use strict";

  var PREFIX = "journal-draft:";
  var TYPED =
    "textarea, select, input:not([type=hidden]):not([type=submit]):not([type=button])" +
    ":not([type=checkbox]):not([type=radio])";

  function store() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage switched off: the page still works, without drafts
    }
  }

  function keyOf(form) {
    var owner = form.getAttribute("data-keep-draft") || "";
    return PREFIX + owner + ":" + window.location.pathname + "#" + form.id;
  }

  function typedFields(form) {
    return Array.prototype.filter.call(form.querySelectorAll(TYPED), function (field) {
      return field.name;
    });
  }

  function isChanged(field) {
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  function baseField(form) {
    return form.querySelector("input[type=hidden][name=base_version]");
  }

  function remember(form) {
    var storage = store();
    if (!storage) {
      return;
    }
    var fields = typedFields(form);
    if (!fields.some(isChanged)) {
      storage.removeItem(keyOf(form));
      return;
    }
    var draft = { fields: {}, base: null };
    fields.forEach(function (field) {
      draft.fields[field.name] = field.value;
    });
    var base = baseField(form);
    if (base) {
      draft.base = base.value;
    }
    storage.setItem(keyOf(form), JSON.stringify(draft));
  }

  function restore(form) {
    var storage = store();
    var saved = storage && storage.getItem(keyOf(form));
    if (!saved) {
      return;
    }
    var draft;
    try {
      draft = JSON.parse(saved);
    } catch (error) {
      storage.removeItem(keyOf(form));
      return;
    }
    var restored = false;
    typedFields(form).forEach(function (field) {
      var value = draft.fields && draft.fields[field.name];
      if (typeof value === "string" && value !== field.value) {
        field.value = value;
        restored = true;
      }
    });
    if (!restored) {
      storage.removeItem(keyOf(form)); // the page already shows this text
      return;
    }
    var base = baseField(form);
    if (base && draft.base !== null && draft.base !== undefined) {
      base.value = draft.base; // the text was written from this version of the notes
    }
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    var notice = form.querySelector("[data-draft-notice]");
    if (notice) {
      notice.hidden = false;
    }
  }

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  ready(function () {
    var forms = document.querySelectorAll("form[data-keep-draft][id]");
    Array.prototype.forEach.call(forms, function (form) {
      restore(form);
      form.addEventListener("input", function () {
        remember(form);
      });
      form.addEventListener("change", function () {
        remember(form);
      });
      form.addEventListener("submit", function () {
        var storage = store();
        if (storage) {
          storage.removeItem(keyOf(form));
        }
      });
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-draft-discard]");
      var form = link && document.getElementById(link.getAttribute("data-draft-discard"));
      var storage = store();
      if (form && storage) {
        storage.removeItem(keyOf(form));
      }
    });
  });
})();
