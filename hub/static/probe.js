/* 试采: show the registry snippet and copy it (no inline script: the CSP allows 'self' only). */
(function () {
  "use strict";
  var button = document.getElementById("show-snippet");
  var box = document.getElementById("snippet-box");
  var text = document.getElementById("snippet");
  var copy = document.getElementById("copy-snippet");
  var status = document.getElementById("copy-status");
  if (!button || !box || !text) { return; }
  button.addEventListener("click", function () {
    box.hidden = !box.hidden;
    button.setAttribute("aria-expanded", String(!box.hidden));
    if (!box.hidden) { text.focus(); text.select(); }
  });
  if (copy) {
    copy.addEventListener("click", function () {
      text.select();
      var done = function () { status.textContent = "已复制到剪贴板。"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }
}());
