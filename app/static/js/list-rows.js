/* e:service back office, every list: a row's delete button opens FAB's confirm dialog (issue 20).
   FAB put one inline script per row for this; one delegated handler does it for every row, on the
   list page and in the related lists of a record's page. The dialog then posts FAB's form (ab_actions.js). */
(function ($) {
  "use strict";
  if (!$ || typeof AdminActions === "undefined") { return; }
  $(document).on("click", "a[data-delete-url]", function (event) {
    event.preventDefault();
    var link = this;
    new AdminActions().execute_single_delete(
      link.getAttribute("data-delete-url"), link.getAttribute("data-delete-confirm"));
  });
}(window.jQuery));
