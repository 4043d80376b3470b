// Shows the form's conditional fields only when they apply (and says so), and moves focus to the error summary.
(function () {
  "use strict";
  var form = document.querySelector(".registration-form");
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  if (!form) {
    return;
  }

  function value(name) {
    var field = form.elements[name];
    if (!field) {
      return "";
    }
    if (field.type === "checkbox") {
      return field.checked ? "true" : "false";
    }
    return field.value || "";
  }

  // Each wrapper names the field it depends on and the values for which it shows.
  var rules = [
    ["data-show-when-category", "category"],
    ["data-show-when-country", "country"],
    ["data-show-when-gender", "gender"],
    ["data-show-when-speaking", "wishes_to_speak"],
    ["data-show-when-coordination", "intervention_coordination"],
  ];

  // A field that appears is next in the Tab order, but a screen reader would not hear that it came:
  // the page's live region says its name (its label without the required star).
  var announcer = document.getElementById("form-announcer");

  function fieldName(wrapper) {
    var label = wrapper.querySelector("label, legend");
    return label ? label.textContent.replace(/\*\s*$/, "").trim() : "";
  }

  function update(announce) {
    var shown = [];
    rules.forEach(function (rule) {
      form.querySelectorAll("[" + rule[0] + "]").forEach(function (wrapper) {
        var wanted = wrapper.getAttribute(rule[0]).split(" ");
        var hidden = wanted.indexOf(value(rule[1])) === -1;
        if (wrapper.hidden && !hidden) {
          shown.push(fieldName(wrapper));
        }
        wrapper.hidden = hidden;
      });
    });
    if (announce && announcer && shown.length) {
      announcer.textContent = announcer.dataset.shown + " " + shown.filter(Boolean).join(", ");
    }
  }

  form.addEventListener("change", function () {
    update(true);
  });
  update(false);
})();
