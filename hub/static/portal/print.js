// 打印本页: the button appears only where script runs; the print stylesheet (portal.css) does the rest.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
