/* Accessible names for the parts of the admin's autocomplete widgets (select2) that have none:
   a combobox is named by its field as well as by its choice (an empty row of an inline has no
   choice to be named by), so is the choice shown inside it, the search box of a multiple choice by its field, and the list of
   chosen items, where select2 also puts its clear button, is not announced as a list. Runs on
   the widgets on the page and on those of inline rows added later. */
(function () {
  "use strict";

  function fieldName(select) {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    // A tabular inline names its columns in the table's head.
    const cell = select.closest("td");
    const table = select.closest("table");
    if (cell && table) {
      const index = Array.prototype.indexOf.call(cell.parentElement.children, cell);
      const heading = table.querySelectorAll("thead th")[index];
      if (heading) return heading.textContent.trim();
    }
    return select.name;
  }

  function name(select) {
    const widget = select.nextElementSibling;
    if (!widget || !widget.classList.contains("select2") || !select.id) return;
    const text = fieldName(select);
    const combobox = widget.querySelector('[role="combobox"]');
    if (combobox && !document.getElementById(`${select.id}-field-name`)) {
      const hidden = document.createElement("span");
      hidden.id = `${select.id}-field-name`;
      hidden.className = "visually-hidden";
      hidden.textContent = text;
      widget.prepend(hidden);
      const own = combobox.getAttribute("aria-labelledby");
      combobox.setAttribute("aria-labelledby", own ? `${hidden.id} ${own}` : hidden.id);
    }
    // The choice shown inside a single choice is a read-only text box of its own.
    widget.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach((shown) => {
      shown.setAttribute("aria-label", text);
    });
    widget.querySelectorAll(".select2-search__field").forEach((input) => {
      input.setAttribute("aria-label", text);
    });
    widget.querySelectorAll("ul.select2-selection__rendered").forEach((list) => {
      list.setAttribute("role", "presentation");
      list.querySelectorAll(":scope > li").forEach((item) => item.setAttribute("role", "none"));
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
  }

  // select2 draws its widgets once the page is ready, and draws again when a choice changes.
  window.addEventListener("load", () => {
    nameAll();
    new MutationObserver(nameAll).observe(document.getElementById("content-main") || document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
