/* e:service, every page: the navbar's hover hints never cover its menus.
   FAB's ab.js gives every link with a title a Bootstrap tooltip below it. In the navbar that
   hint lands on the next entry or on the menu the link opens (on a phone it swallowed the tap
   on "English"), so navbar links keep the browser's own title hint, which covers nothing. */
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.tooltip) { return; }
  $(function () {  /* after ab.js's ready handler has made the tooltips */
    $(".navbar a").each(function () {
      var link = $(this);
      var title = link.attr("data-original-title");
      if (!link.data("bs.tooltip")) { return; }
      link.tooltip("destroy");
      if (title) { link.attr("title", title); }
    });
  });
}(window.jQuery));

/* Every page: a table box that scrolls sideways can be reached and scrolled with the keyboard (WCAG 2.1.1).
   It becomes a named, focusable region while it scrolls, and stops being one when the window grows. */
(function () {
  "use strict";
  var main = document.getElementById("main-content");
  var label = (main && main.getAttribute("data-scroll-label")) || "";

  /* The nearest heading before the box, in document order (its section's title). */
  function headingBefore(box) {
    var headings = document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6");
    var found = null;
    Array.prototype.forEach.call(headings, function (h) {
      if (h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) { found = h; }
    });
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameOf(box, used) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    var name = caption ? caption.textContent.trim() : [headingBefore(box), label].filter(Boolean).join(" – ");
    var unique = name;
    for (var n = 2; used[unique]; n++) { unique = name + " (" + n + ")"; }  /* each region named once */
    used[unique] = true;
    return unique;
  }

  function update() {
    var used = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-scroll-region]"), function (box) {
      used[box.getAttribute("aria-label")] = true;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".table-responsive"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box, used));
        box.setAttribute("data-scroll-region", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) { box.removeAttribute(name); });
      }
    });
  }

  var timer = null;
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", function () { window.clearTimeout(timer); timer = window.setTimeout(update, 100); });
  window.eserviceScrollRegions = update;  /* for content loaded later (the technical panel) */
}());

/* Every page: select2 pickers (FAB's and the back office's search fields) named after their field's label
   (WCAG 4.1.2). select2 names its box after the chosen value only and leaves its search fields unnamed; a
   multiple picker puts its clear button inside its list. Fixed whenever select2 renders (it re-renders). */
(function ($) {
  "use strict";
  if (!$ || !window.MutationObserver) { return; }
  var main = document.getElementById("main-content");
  var searchWord = (main && main.getAttribute("data-search-label")) || "";
  var counter = 0;

  function labelOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (!label) { return null; }
    if (!label.id) { label.id = "label-" + select.id + "-" + (++counter); }
    return label;
  }

  function fix(select) {
    var container = select.nextElementSibling;
    var label = labelOf(select);
    if (!label || !container || !container.classList.contains("select2-container")) { return; }
    var name = label.textContent.replace(/\*/g, "").replace(/\s+/g, " ").trim();
    var box = container.querySelector(".select2-selection");
    var shown = container.querySelector(".select2-selection__rendered");
    if (box && shown && shown.tagName !== "UL") {
      if (!shown.id) { shown.id = "select2-shown-" + (++counter); }
      box.setAttribute("aria-labelledby", label.id + " " + shown.id);
      shown.setAttribute("aria-labelledby", label.id);
    } else if (box) {
      box.setAttribute("aria-labelledby", label.id);
    }
    if (shown && shown.tagName === "UL") {
      Array.prototype.forEach.call(shown.querySelectorAll(":scope > :not(li)"), function (stray) {
        shown.parentNode.insertBefore(stray, shown);
      });
    }
    Array.prototype.forEach.call(container.querySelectorAll(".select2-search__field"), function (field) {
      field.setAttribute("aria-label", searchWord ? name + " – " + searchWord : name);
    });
    /* The open dropdown (appended to <body>) holds the single picker's search field. */
    var results = document.getElementById("select2-" + select.id + "-results");
    var dropdown = results ? results.closest(".select2-dropdown") : null;
    var search = dropdown ? dropdown.querySelector(".select2-search__field") : null;
    if (search) { search.setAttribute("aria-label", searchWord ? name + " – " + searchWord : name); }
  }

  function fixAll() {
    Array.prototype.forEach.call(document.querySelectorAll("select.select2-hidden-accessible"), fix);
  }

  var pending = false;
  new MutationObserver(function (mutations) {
    if (pending) { return; }
    var touched = mutations.some(function (m) {
      var node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      return node && (node.closest(".select2-container") || node.classList.contains("select2-hidden-accessible") ||
        Array.prototype.some.call(m.addedNodes, function (n) { return n.nodeType === 1 && n.classList.contains("select2-container"); }));
    });
    if (!touched) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; fixAll(); }, 0);
  }).observe(document.body, {childList: true, subtree: true});
  $(fixAll);
}(window.jQuery));
