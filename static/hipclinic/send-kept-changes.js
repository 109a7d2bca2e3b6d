// The "Signed in again" page (hipclinic/unsaved_work.py): send the changes kept from
// the ended session at once. The page's button does the same without JavaScript.
(function () {
  "use strict";
  var form = document.getElementById("send-kept-changes");
  if (form) form.submit();
})();
