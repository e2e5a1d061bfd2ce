/* 立即采集, live: while a harvest starts or runs, poll the source's JSON status and show
   its progress in Chinese; when it ends, show the summary and a link to the run.
   A file served from 'self' (the CSP allows no inline script). */
(function () {
  "use strict";
  var box = document.getElementById("harvest-progress");
  if (!box || box.getAttribute("data-live") !== "1") { return; }
  var url = box.getAttribute("data-status-url");
  var text = document.getElementById("harvest-progress-text");
  var done = document.getElementById("harvest-progress-done");
  var every = 1000, failures = 0, started = Date.now();

  function show(status) {
    text.textContent = status.text || "";
    if (status.state === "done") {
      text.textContent = "本次" + status.text + (status.health ? "来源状态：" + status.health + "。" : "");
      box.setAttribute("data-live", "0");
      box.setAttribute("data-state", "done");
      if (done) { done.hidden = false; }
      return false;
    }
    box.setAttribute("data-state", status.state);
    if (status.state === "idle") { return false; }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (show(status) && Date.now() - started < 60 * 60 * 1000) { window.setTimeout(poll, every); }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) {
          text.textContent = "暂时无法获取采集进度，请稍后刷新页面。";
          return;
        }
        window.setTimeout(poll, every * 2);
      });
  }
  window.setTimeout(poll, every);
}());
