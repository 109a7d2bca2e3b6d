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

  function enableDragging(root) {
    var list = root.querySelector ? root.querySelector("#items") : null;
    if (!list && root.id === "items") list = root;
    if (!list || list.dataset.sortable) return;
    list.dataset.sortable = "on";
    Sortable.create(list, {
      handle: ".drag-handle",
      draggable: "li.programme-item",
      animation: 150,
      onEnd: function (event) {
        renumber(list);
        if (event.oldIndex !== event.newIndex) {
          announce("Moved to position " + (event.newIndex + 1) + ". Save to keep the new order.");
        }
      },
    });
  }

  if (window.htmx) {
    htmx.onLoad(enableDragging);
  } else {
    document.addEventListener("DOMContentLoaded", function () { enableDragging(document); });
  }
})();
