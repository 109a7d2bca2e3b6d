// The programme builder's drag-and-drop, focus and exercise finder.
//
// Dragging only renumbers the rows' hidden position fields; the order is saved with the
// rest of the form. The Move up and Move down buttons do the same for keyboard users,
// through the server. After Add, a swap or Remove, the server names where focus goes
// (the form's data-focus) and this moves it there once htmx has swapped the form in.
// Narrower than two columns, the finder is a Bootstrap side panel ("offcanvas"); its
// links (the skip link, "Add an exercise") open it and put the cursor in the search box.
// What it says goes through gettext(), from the JavaScript catalogue base.html loads first.
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
          announce(interpolate(gettext("Moved to position %s. Save to keep the new order."), [event.newIndex + 1]));
        }
      },
    });
  }

  // The finder is a panel over the page (not a column) when its CSS makes it fixed.
  function finderIsAPanel(finder) {
    return window.getComputedStyle(finder).position === "fixed";
  }

  function openFinder(event) {
    var finder = document.getElementById("finder");
    var search = document.getElementById("id_find-q");
    if (!finder || !search) return;
    event.preventDefault();
    if (finderIsAPanel(finder)) {
      finder.addEventListener("shown.bs.offcanvas", function () { search.focus(); }, { once: true });
      bootstrap.Offcanvas.getOrCreateInstance(finder).show();
    } else {
      search.focus();
    }
  }

  function closeFinder() {
    var finder = document.getElementById("finder");
    var panel = finder && bootstrap.Offcanvas.getInstance(finder);
    if (panel) panel.hide();
  }

  function moveFocus() {
    var form = document.getElementById("builder");
    if (!form || !form.dataset.focus) return;
    var ids = form.dataset.focus.split(" ");
    delete form.dataset.focus; // once: later swaps (search results) leave focus alone
    var target = ids.map(function (id) { return document.getElementById(id); }).find(function (element) {
      return element && !element.disabled;
    });
    if (!target) return;
    closeFinder(); // the panel keeps focus inside it while it is open
    var row = target.closest(".programme-item") || target;
    row.scrollIntoView({ block: "nearest", behavior: "instant" });
    target.focus({ preventScroll: true });
  }

  function start() {
    enableDragging();
    document.querySelectorAll("[data-opens-finder]").forEach(function (link) {
      link.addEventListener("click", openFinder);
    });
  }

  // On the first load, and again whenever htmx swaps in a new builder.
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", function () {
    enableDragging();
    moveFocus();
  });
})();
