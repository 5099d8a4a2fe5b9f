/* e:service portal layout (portal/base.html): what FAB's ab.js did on the portal pages, and nothing else.
   A link with a title gets Bootstrap's hover hint below it (menus.js then gives the navbar links back the
   browser's own hint). The back office keeps ab.js with its pickers and dialogs. */
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.tooltip) { return; }
  $(function () {
    $("a").tooltip({container: ".row", placement: "bottom"});
  });
}(window.jQuery));
