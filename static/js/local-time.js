// Writes the meeting's times in the visitor's own time zone: the agenda's "Your time" column and the
// meeting page's "Your time" line. Without the script both stay hidden and the meeting's own zone is shown.
(function () {
  "use strict";
  if (typeof Intl === "undefined") {
    return;
  }
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The visitor's own time, written the way the browser's languages write times (the page's
  // language may be one the visitor chose only to read, not how they read clocks).
  var locales = navigator.languages && navigator.languages.length ? navigator.languages : undefined;
  // A 24-hour clock, like the meeting's own times, so the two read side by side.
  var format = new Intl.DateTimeFormat(locales, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });

  function localText(element) {
    var start = new Date(element.dataset.startsAt);
    if (element.dataset.endsAt && format.formatRange) {
      return format.formatRange(start, new Date(element.dataset.endsAt));
    }
    return format.format(start);
  }

  var table = document.querySelector(".agenda-table");
  if (table) {
    table.querySelectorAll("td.local-time-col").forEach(function (cell) {
      cell.textContent = localText(cell);
    });
    table.querySelectorAll(".local-time-col").forEach(function (cell) {
      cell.hidden = false;
    });
    var header = table.querySelector("th.local-time-col");
    if (header && visitorZone) {
      header.textContent = header.textContent + " (" + visitorZone + ")";
    }
  }

  document.querySelectorAll(".local-time").forEach(function (line) {
    var value = line.querySelector("[data-starts-at]");
    if (!value) {
      return;
    }
    value.textContent = localText(value) + (visitorZone ? " (" + visitorZone + ")" : "");
    line.hidden = false;
  });
})();
