// The programme builder's drag-and-drop. Dragging only renumbers the rows' hidden
// position fields; the order is saved with the rest of the form. The Move up and
// Move down buttons do the same for keyboard users, through the server.
(function () {
  "use strict";

  function renumber(list) {
    list.querySelectorAll(":scope > li.programme-item").forEach(function (row, index) {
      var position = row.querySelector('input[name$="-position"]');
      var number = row.querySelector(".item-number");
      if (position) position.value = index;
      if (number) number.textContent = index + 1;
    });
  }

  function announce(text) {
    var status = document.getElementById("builder-status");
    if (status) status.textContent = text;
  }

  function enableDragging() {
    var list = document.getElementById("items");
    if (!list || list.dataset.sortable) return;
    list.dataset.sortable = "on";
    Sortable.create(list, {
      handle: ".drag-handle",
      draggable: "li.programme-item",
      animation: 150,
      // Pointer events rather than the browser's native drag and drop: the same on
      // a laptop's mouse and a tablet's finger.
      forceFallback: true,
      onEnd: function (event) {
        renumber(list);
        if (event.oldIndex !== event.newIndex) {
          announce("Moved to position " + (event.newIndex + 1) + ". Save to keep the new order.");
        }
      },
    });
  }

  // On the first load, and again whenever htmx swaps in a new builder.
  document.addEventListener("DOMContentLoaded", enableDragging);
  document.addEventListener("htmx:afterSettle", enableDragging);
})();
