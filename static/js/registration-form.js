// Shows the form's conditional fields only when they apply, and moves focus to the error summary.
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

  function update() {
    rules.forEach(function (rule) {
      form.querySelectorAll("[" + rule[0] + "]").forEach(function (wrapper) {
        var wanted = wrapper.getAttribute(rule[0]).split(" ");
        wrapper.hidden = wanted.indexOf(value(rule[1])) === -1;
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
