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
