// Bulk selection on the review queue: a "select all" box and a count of the
// selected claims, read out politely. Without this script the row boxes
// still work; only the shortcut and the count are missing.
(function () {
  "use strict";
  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll('input[type=checkbox][name=claim][form=bulk]'));
  }
  function update() {
    var all = document.getElementById("select-all");
    var count = document.getElementById("bulk-count");
    var list = boxes();
    var n = list.filter(function (b) { return b.checked; }).length;
    if (all) {
      all.checked = n > 0 && n === list.length;
      all.indeterminate = n > 0 && n < list.length;
    }
    if (count) {
      count.textContent = n === 0 ? "" : "(" + n + " selected)";
    }
    // With claims selected, the form stays in view at the foot of the
    // window rather than below fifty rows.
    var form = document.getElementById("bulk");
    if (form) {
      form.classList.toggle("active", n > 0);
      // On a narrow screen the form stays below the rows: a bar at the
      // foot of the window counts the selection and leads to it.
      var jump = document.getElementById("bulk-jump");
      if (!jump) {
        jump = document.createElement("a");
        jump.id = "bulk-jump";
        jump.className = "bulk-jump";
        jump.href = "#bulk";
        form.parentNode.insertBefore(jump, form);
      }
      jump.hidden = n === 0;
      jump.textContent = n + " selected: actions ↓";
      // Rows brought into view (by Tab, or a find) stop above the form
      // rather than behind it.
      var sticky = n > 0 && getComputedStyle(form).position === "sticky";
      document.documentElement.style.scrollPaddingBottom = sticky ? (form.offsetHeight + 16) + "px" : "";
    }
  }
  // What the server would refuse is said here, on the queue, with the
  // selection kept: a dismissal needs a reason, any action a claim.
  function check(evt) {
    var form = evt.target;
    if (form.id !== "bulk") return;
    var note = document.getElementById("bulk-note");
    var action = evt.submitter ? evt.submitter.value : "";
    var msg = "";
    var field = note;
    if (!boxes().some(function (b) { return b.checked; })) {
      msg = "Select the claims first: tick their boxes in the table.";
      field = evt.submitter || note;
    } else if (action === "dismiss" && note && note.value.trim() === "") {
      msg = "Say why these are not claims, in the note.";
    }
    if (!msg || !field) return;
    evt.preventDefault();
    field.setCustomValidity(msg);
    field.reportValidity();
    var clear = function () { field.setCustomValidity(""); };
    field.addEventListener("input", clear, { once: true });
    field.addEventListener("blur", clear, { once: true });
  }
  function init() {
    var all = document.getElementById("select-all");
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    document.addEventListener("submit", check);
    // Delegated: rows that live updates swap in bring new boxes.
    document.addEventListener("change", function (evt) {
      if (evt.target.matches && evt.target.matches("input[type=checkbox][name=claim][form=bulk]")) update();
    });
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
