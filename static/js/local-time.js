// Fills the agenda's "Your time" column with each slot in the visitor's own time zone.
(function () {
  "use strict";
  var table = document.querySelector(".agenda-table");
  if (!table || typeof Intl === "undefined") {
    return;
  }
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The visitor's own time, written the way the browser's languages write times (the page's
  // language may be one the visitor chose only to read, not how they read clocks).
  var locales = navigator.languages && navigator.languages.length ? navigator.languages : undefined;
  // A 24-hour clock, like the meeting's own column, so the two read side by side.
  var format = new Intl.DateTimeFormat(locales, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
  table.querySelectorAll("td.local-time-col").forEach(function (cell) {
    var start = new Date(cell.dataset.startsAt);
    var text = format.format(start);
    if (cell.dataset.endsAt) {
      text = format.formatRange ? format.formatRange(start, new Date(cell.dataset.endsAt)) : text;
    }
    cell.textContent = text;
  });
  table.querySelectorAll(".local-time-col").forEach(function (cell) {
    cell.hidden = false;
  });
  var header = table.querySelector("th.local-time-col");
  if (header && visitorZone) {
    header.textContent = header.textContent + " (" + visitorZone + ")";
  }
})();
