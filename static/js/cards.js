// Profile cards: open on hover and keyboard focus, stay open while hovered, close on Escape.
// Without this script the links simply go to the artist page and the cards stay hidden.
(function () {
  "use strict";
  var HIDE_DELAY = 250;

  function setup(mention) {
    var link = mention.querySelector("a[aria-describedby]");
    var card = mention.querySelector(".profile-card");
    if (!link || !card) return;
    var timer = null;

    function open() {
      clearTimeout(timer);
      card.hidden = false;
      mention.classList.add("is-open");
    }
    function close() {
      clearTimeout(timer);
      card.hidden = true;
      mention.classList.remove("is-open");
    }
    function closeSoon() {
      clearTimeout(timer);
      timer = setTimeout(close, HIDE_DELAY);
    }

    mention.addEventListener("mouseenter", open);
    mention.addEventListener("mouseleave", closeSoon);
    link.addEventListener("focus", open);
    link.addEventListener("blur", closeSoon);
    link.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !card.hidden) {
        event.preventDefault();
        close();
      }
    });
    // On touch screens the first tap shows the card; a second tap follows the link.
    link.addEventListener("touchend", function (event) {
      if (card.hidden) {
        event.preventDefault();
        open();
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".profile-card:not([hidden])").forEach(function (card) {
      card.hidden = true;
    });
  });
  document.querySelectorAll(".artist-mention, .project-mention").forEach(setup);
})();
