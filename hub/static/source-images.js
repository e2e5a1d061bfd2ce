// 加载来源图片: an article's pictures stay placeholders until the editor asks for them; then
// they load through the hub's guarded image fetch (/hub/source-image), never from the sub-site
// itself (CSP img-src 'self').  Without script the link opens the picture on its own.
(function () {
  "use strict";
  var PATH = "/hub/source-image";

  function loaders(scope) {
    return Array.prototype.filter.call((scope || document).querySelectorAll(".body-html a[href]"), function (a) {
      return new URL(a.href, location.href).pathname.slice(-PATH.length) === PATH;
    });
  }

  function load(link) {
    var img = document.createElement("img");
    img.alt = link.title || "来源图片";
    img.addEventListener("error", function () {
      var note = document.createElement("span");
      note.className = "image-error";
      note.textContent = "图片无法加载（来源网站不可达、不是图片或超过大小上限），可在来源网站打开。";
      img.replaceWith(note);
    });
    img.src = link.href;
    link.replaceWith(img);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".body-html a[href]");
    if (!link || loaders(link.parentNode).indexOf(link) < 0) return;
    event.preventDefault();
    load(link);
  });

  document.querySelectorAll(".body-html").forEach(function (body) {
    var links = loaders(body);
    if (links.length < 2) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary load-all-images";
    button.textContent = "加载全部来源图片（" + links.length + " 张）";
    button.addEventListener("click", function () {
      loaders(body).forEach(load);
      button.remove();
    });
    body.parentNode.insertBefore(button, body);
  });
})();
