// "Copy as text" buttons (the programme's note for the chart): the clipboard when the
// browser lets us, otherwise the text in its read-only box is selected for Ctrl+C. Each
// button names its box (data-copy-text), where it says what happened (data-says) and the
// words it says (data-copied, data-selected); without JavaScript the buttons stay hidden
// and the box can be selected by hand.
(function () {
  "use strict";

  document.querySelectorAll("[data-copy-text]").forEach(function (button) {
    var box = document.getElementById(button.dataset.copyText);
    var status = document.getElementById(button.dataset.says);
    if (!box) return;

    function say(words) {
      if (status) status.textContent = words || "";
    }

    function select() {
      box.focus();
      box.select();
      say(button.dataset.selected);
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.clipboard || !window.isSecureContext) {
        select();
        return;
      }
      navigator.clipboard.writeText(box.value).then(function () {
        say(button.dataset.copied);
      }, select);
    });
  });
})();
