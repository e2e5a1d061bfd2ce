// Keyboard-driven review (审核快捷键). Loaded from 'self' only (CSP script-src 'self').
(function () {
  "use strict";
  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr")); }
  var current = -1;
  function select(index) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    var link = list[current].querySelector("a.item-link");
    if (link) link.focus();
  }
  function click(id) { var el = document.getElementById(id); if (el) { el.click(); return true; } return false; }
  function focus(id) { var el = document.getElementById(id); if (el) { el.focus(); return true; } return false; }

  var checkAll = document.getElementById("check-all");
  if (checkAll) {
    checkAll.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = checkAll.checked; });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var list = rows();
    var onQueue = list.length > 0;
    var handled = true;
    switch (event.key) {
      case "j": if (onQueue) select(current + 1); else handled = click("next-item"); break;
      case "k": if (onQueue) select(current - 1); else handled = click("prev-item"); break;
      case "x":
        if (onQueue && current >= 0) { var box = list[current].querySelector("input[name=ids]"); box.checked = !box.checked; }
        else handled = false;
        break;
      case "o":
        if (onQueue && current >= 0) list[current].querySelector("a.item-link").click(); else handled = false;
        break;
      case "p":
        var confirmBox = document.getElementById("confirm-sensitive");
        if (confirmBox && !confirmBox.checked) handled = focus("confirm-sensitive");
        else handled = click("publish-next");
        break;
      case "r": handled = focus("reason"); break;
      case "e": handled = focus("edit-title"); break;
      case "u": handled = click("back-to-queue"); break;
      case "?": handled = focus("h-shortcuts"); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
  var heading = document.getElementById("h-shortcuts");
  if (heading) heading.setAttribute("tabindex", "-1");
})();
