// Protocol and programme rows in the admin: picking an exercise fills the row's dose
// with the exercise's usual dose, as a new row in the builder starts. The picker's
// answer carries that dose (ExerciseAdmin.autocomplete_details). A dose the
// therapist has typed is never overwritten: only a row whose dose is still empty, or
// still holds what the last pick filled in, takes the new exercise's dose.
(function () {
  "use strict";

  // hold_unit always has a value (seconds), so it does not count as typed.
  var IGNORED = ["hold_unit"];

  function doseInputs(prefix, dose) {
    return Object.keys(dose).map(function (name) {
      return { name: name, input: document.getElementsByName(prefix + "-" + name)[0] };
    }).filter(function (field) { return field.input; });
  }

  function current(fields) {
    var values = {};
    fields.forEach(function (field) { values[field.name] = field.input.value; });
    return values;
  }

  function untouched(fields, row) {
    var filled = row.dataset.filledDose ? JSON.parse(row.dataset.filledDose) : null;
    return fields.every(function (field) {
      var value = field.input.value;
      if (filled && value === filled[field.name]) return true;
      return IGNORED.indexOf(field.name) !== -1 || value === "";
    });
  }

  function fillDose(select, dose) {
    var prefix = select.name.replace(/-exercise$/, "");
    var row = select.closest(".inline-related") || select.closest("tr");
    var fields = doseInputs(prefix, dose);
    if (!row || !untouched(fields, row)) return;
    fields.forEach(function (field) {
      var value = dose[field.name];
      field.input.value = value === null || value === undefined ? "" : String(value);
      field.input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    row.dataset.filledDose = JSON.stringify(current(fields));
  }

  function start() {
    var $ = window.django && window.django.jQuery;
    if (!$) return;
    $(document).on("select2:select", ".ordered-items select[name$='-exercise']", function (event) {
      var data = event.params && event.params.data;
      if (data && data.dose) fillDose(this, data.dose);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
