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
