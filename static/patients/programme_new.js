// The "new programme" form: choosing a protocol, or a programme to copy, ticks the
// matching "Start from" choice, so the form starts from what was chosen. (The server
// reads a choice made with "An empty programme" still ticked the same way.)
(function () {
  "use strict";

  var START_FROM = { protocol: "protocol", source: "copy" };

  Object.keys(START_FROM).forEach(function (name) {
    var select = document.querySelector('select[name="' + name + '"]');
    if (!select) return;
    select.addEventListener("change", function () {
      var choice = document.querySelector('input[name="start_from"][value="' + START_FROM[name] + '"]');
      if (select.value && choice) choice.checked = true;
    });
  });
})();
