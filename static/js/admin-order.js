// Up and down buttons on ordered admin inlines (fieldsets with the class "orderable"): editors
// order rows by moving them, and the hidden position fields are numbered on save.
(function () {
  "use strict";

  function rows(tbody) {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form");
    });
  }

  function button(label, symbol, move) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "order-button";
    b.textContent = symbol;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", function () {
      var row = b.closest("tr");
      move(row);
      b.focus();
    });
    return b;
  }

  function addButtons(row) {
    if (row.querySelector(".order-buttons")) return;
    var cell = document.createElement("td");
    cell.className = "order-buttons";
    cell.appendChild(button("Move up", "\u2191", function (r) {
      var prev = r.previousElementSibling;
      while (prev && !prev.classList.contains("form-row")) prev = prev.previousElementSibling;
      if (prev) r.parentNode.insertBefore(r, prev);
    }));
    cell.appendChild(button("Move down", "\u2193", function (r) {
      var next = r.nextElementSibling;
      if (next && next.classList.contains("form-row") && !next.classList.contains("empty-form")) {
        r.parentNode.insertBefore(next, r);
      }
    }));
    row.appendChild(cell);
  }

  // A blank extra row stays untouched, so the form does not take it for a new entry.
  function isBlank(row) {
    var fields = row.querySelectorAll("select, textarea, input[type='text'], input[type='number']");
    return Array.prototype.every.call(fields, function (field) { return !field.value; });
  }

  function number(tbody) {
    var position = 0;
    rows(tbody).forEach(function (row) {
      var input = row.querySelector("input[name$='-position']");
      if (!input || isBlank(row)) return;
      input.value = String(position);
      position += 1;
    });
  }

  function setUp(group) {
    var tbody = group.querySelector("tbody");
    if (!tbody) return;
    var head = group.querySelector("thead tr");
    if (head && !head.querySelector(".order-heading")) {
      var th = document.createElement("th");
      th.className = "order-heading";
      th.textContent = "Order";
      head.appendChild(th);
    }
    rows(tbody).forEach(addButtons);
    var template = tbody.querySelector(".empty-form");
    if (template) addButtons(template);
    var form = group.closest("form");
    if (form) form.addEventListener("submit", function () { number(tbody); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("fieldset.orderable, .orderable fieldset").forEach(function (fs) {
      setUp(fs.closest(".inline-group") || fs);
    });
  });
  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    if (row && row.closest && row.closest(".orderable")) addButtons(row);
  });
})();
