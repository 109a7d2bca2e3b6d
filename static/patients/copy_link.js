// Copy buttons (the patient's link box): the clipboard when the browser lets us, otherwise
// the text is selected for Ctrl+C. Each button names what it copies (data-copies) and
// where it says what happened (data-says); without JavaScript the buttons stay hidden.
// Its words go through gettext(), from the JavaScript catalogue base.html loads first.
(function () {
  "use strict";

  document.querySelectorAll("[data-copies]").forEach(function (button) {
    var text = document.getElementById(button.dataset.copies);
    var status = document.getElementById(button.dataset.says);
    if (!text) return;

    function say(words) {
      if (status) status.textContent = words;
    }

    function select() {
      window.getSelection().selectAllChildren(text);
      say(gettext("The link is selected: press Ctrl+C (or ⌘C on a Mac) to copy it."));
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.clipboard || !window.isSecureContext) {
        select();
        return;
      }
      navigator.clipboard.writeText(text.textContent.trim()).then(function () {
        say(gettext("Copied the link."));
      }, select);
    });
  });
})();
