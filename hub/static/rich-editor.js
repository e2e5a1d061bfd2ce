/* The 信息报送 rich-text editor: pell (hub/static/vendor, served from 'self') over the form's
   正文 textarea, which stays the field that is posted (and the editor without script).

   Paste from Word or WPS is cleaned here to the tags the server keeps (it sanitizes again
   with nh3 whatever arrives): Office's styles, classes, <o:p>, conditional comments, fake
   list bullets and empty spans go; bold and italic written as styles become <strong>/<em>. */
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-rich-editor]");
  if (!area || !window.pell) { return; }

  var KEEP = { P: 1, BR: 1, STRONG: 1, EM: 1, U: 1, UL: 1, OL: 1, LI: 1, H2: 1, H3: 1, H4: 1, BLOCKQUOTE: 1,
    TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TD: 1, TH: 1, A: 1, SUB: 1, SUP: 1 };
  var RENAME = { B: "STRONG", I: "EM", H1: "H2", H5: "H4", H6: "H4", DIV: "P" };
  var DROP = { STYLE: 1, SCRIPT: 1, META: 1, LINK: 1, TITLE: 1, XML: 1, HEAD: 1, TEMPLATE: 1, OBJECT: 1, IFRAME: 1,
    "O:P": 1, "V:SHAPETYPE": 1, "V:SHAPE": 1, "W:SDT": 0 };
  var CELL_ATTRS = { colspan: 1, rowspan: 1 };

  // Style attributes are renamed before parsing: a parsed style attribute counts as inline
  // style for the page's CSP (the parse would log a violation), a data- attribute does not.
  var STYLE_ATTR = "data-zq-style";
  var IMAGE_SRC = "data-src", IMAGE_ALT = "data-alt";

  function isFakeBullet(el) {
    var style = (el.getAttribute(STYLE_ATTR) || "").toLowerCase().replace(/\s+/g, "");
    return style.indexOf("mso-list:ignore") !== -1;
  }

  function styled(el, re) {
    return re.test((el.getAttribute(STYLE_ATTR) || "").toLowerCase().replace(/\s+/g, ""));
  }

  function cleanChildren(from, to, doc) {
    var node = from.firstChild;
    while (node) {
      var next = node.nextSibling;
      if (node.nodeType === 3) {
        to.appendChild(doc.createTextNode(node.nodeValue.replace(/\u00a0/g, " ")));
      } else if (node.nodeType === 1) {
        cleanElement(node, to, doc);
      }
      node = next;  // comments (Word's <!--[if ...]>) and the rest are dropped
    }
  }

  function imagePlaceholder(el, doc) {
    // A picture stays in the body as a placeholder: the hub never loads another site's
    // picture (the CSP says img-src 'self'); serialize() turns it back into <img>.
    var src = (el.getAttribute("src") || el.getAttribute(IMAGE_SRC) || "").trim();
    if (!/^https?:\/\//i.test(src)) { return null; }
    var alt = (el.getAttribute("alt") || el.getAttribute(IMAGE_ALT) || "").trim();
    var span = doc.createElement("span");
    span.className = "rte-image";
    span.setAttribute("contenteditable", "false");
    span.setAttribute(IMAGE_SRC, src);
    span.setAttribute(IMAGE_ALT, alt);
    span.textContent = "［图片" + (alt ? "：" + alt : "") + "］";
    return span;
  }

  function cleanElement(el, to, doc) {
    var name = el.tagName.toUpperCase();
    if (DROP[name] || isFakeBullet(el)) { return; }
    if (name === "IMG" || (name === "SPAN" && el.className === "rte-image")) {
      var placeholder = imagePlaceholder(el, doc);
      if (placeholder) { to.appendChild(placeholder); }
      return;
    }
    name = RENAME[name] || name;
    var target = to;
    if (KEEP[name]) {
      target = doc.createElement(name);
      if (name === "A") {
        var href = (el.getAttribute("href") || "").trim();
        if (/^(https?:|mailto:)/i.test(href)) { target.setAttribute("href", href); }
      }
      if (name === "TD" || name === "TH") {
        Object.keys(CELL_ATTRS).forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && /^\d{1,3}$/.test(value)) { target.setAttribute(attr, value); }
        });
      }
      to.appendChild(target);
    } else if (name === "SPAN" || name === "FONT") {
      if (styled(el, /font-weight:(bold|[6-9]00)/)) {
        target = to.appendChild(doc.createElement("STRONG"));
      } else if (styled(el, /font-style:italic/)) {
        target = to.appendChild(doc.createElement("EM"));
      }
    }
    cleanChildren(el, target, doc);
    if (target !== to && name !== "BR" && name !== "TD" && name !== "TH" && !target.textContent.trim()
        && !target.querySelector("br")) {
      to.removeChild(target);  // Word's empty paragraphs and spans
    }
  }

  function cleanPaste(html) {
    html = html.replace(/<style[\s\S]*?<\/style\s*>/gi, "")
      .replace(/(<[^<>]*?\s)style(\s*=)/gi, "$1" + STYLE_ATTR + "$2");
    var source = new DOMParser().parseFromString(html, "text/html");  // inert: nothing runs or loads
    var out = document.implementation.createHTMLDocument("");
    var box = out.createElement("div");
    cleanChildren(source.body, box, out);
    return box.innerHTML;
  }
  window.zhanqunCleanPaste = cleanPaste;  // the browser tests call it on Word's markup

  function serialize(html) {
    // In an inert document: an <img> made there loads nothing.
    var doc = document.implementation.createHTMLDocument("");
    doc.body.innerHTML = html;
    Array.prototype.forEach.call(doc.querySelectorAll("span.rte-image"), function (span) {
      var img = doc.createElement("img");
      img.setAttribute("src", span.getAttribute(IMAGE_SRC));
      var alt = span.getAttribute(IMAGE_ALT);
      if (alt) { img.setAttribute("alt", alt); }
      span.parentNode.replaceChild(img, span);
    });
    return doc.body.innerHTML;
  }

  var holder = document.createElement("div");
  holder.className = "rte";
  area.parentNode.insertBefore(holder, area);
  var label = document.querySelector("label[for='" + area.id + "']");
  var editor = window.pell.init({
    element: holder,
    defaultParagraphSeparator: "p",
    styleWithCSS: false,
    onChange: function (html) { area.value = serialize(html); },
    classes: { actionbar: "rte-toolbar", button: "rte-button", content: "rte-area", selected: "rte-selected" },
    actions: [
      { name: "bold", icon: "加粗", title: "加粗" },
      { name: "italic", icon: "倾斜", title: "倾斜" },
      { name: "underline", icon: "下划线", title: "下划线" },
      { name: "heading2", icon: "小标题", title: "小标题" },
      { name: "paragraph", icon: "正文段落", title: "正文段落" },
      { name: "olist", icon: "编号列表", title: "编号列表" },
      { name: "ulist", icon: "项目列表", title: "项目列表" },
      { name: "clear", icon: "清除格式", title: "清除格式",
        result: function () { window.pell.exec("removeFormat"); } }
    ]
  });
  var content = editor.content;
  content.id = area.id + "-editor";
  content.setAttribute("role", "textbox");
  content.setAttribute("aria-multiline", "true");
  if (label) {
    label.id = label.id || area.id + "-label";
    content.setAttribute("aria-labelledby", label.id);
    label.setAttribute("for", content.id);
  }
  var hint = area.getAttribute("data-editor-hint");
  if (hint) {
    content.setAttribute("aria-describedby", hint);
    var hintElement = document.getElementById(hint);
    if (hintElement) { hintElement.hidden = false; }
  }
  var toolbar = holder.querySelector(".rte-toolbar");
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "正文格式");
  Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (b) { b.setAttribute("type", "button"); });

  content.innerHTML = area.value ? cleanPaste(area.value) : "";
  area.value = serialize(content.innerHTML);
  area.hidden = true;
  area.removeAttribute("required");  // the editor is the field now; the server still insists on a body
  var plainHint = document.getElementById(area.getAttribute("data-plain-hint") || "");
  if (plainHint) { plainHint.hidden = true; }

  content.addEventListener("paste", function (event) {
    var data = event.clipboardData;
    if (!data) { return; }
    var html = data.getData("text/html");
    if (!html) { return; }  // plain text: the browser pastes it as text
    event.preventDefault();
    // Inserted as nodes, not with execCommand("insertHTML"): Chromium would add style
    // attributes to match the surroundings, which the CSP (rightly) refuses.
    var selection = window.getSelection();
    if (!selection.rangeCount || !content.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      content.focus();
      selection.selectAllChildren(content);
      selection.collapseToEnd();
    }
    var range = selection.getRangeAt(0);
    range.deleteContents();
    var fragment = range.createContextualFragment(cleanPaste(html));
    var last = fragment.lastChild;
    range.insertNode(fragment);
    if (last) {
      range.setStartAfter(last);
      range.collapse(true);
      selection.removeAllRanges();
      selection.addRange(range);
    }
    area.value = serialize(content.innerHTML);
  });
  area.form.addEventListener("submit", function () { area.value = serialize(content.innerHTML); });
}());
