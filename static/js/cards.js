// Profile cards for artist and project mentions in article bodies.
//
// A card opens while the pointer is over the mention (link or card) or the link has keyboard
// focus, and closes with Escape without moving either (WCAG 1.4.13). On touch screens there is
// no hover, so the first tap on a link shows its card and a second tap follows the link.
// Without this script the cards keep their `hidden` attribute and the links simply navigate;
// screen readers get the card text through the link's aria-describedby either way.
(function () {
  "use strict";
  // Long enough to cross from the link to the card without it flickering shut.
  var HIDE_DELAY = 250;
  var EDGE = 12;
  var mentions = [];

  function setup(mention) {
    var link = mention.querySelector("a[aria-describedby]");
    var card = link && document.getElementById(link.getAttribute("aria-describedby"));
    if (!card || !mention.contains(card)) return;

    var state = { hovered: false, focused: false, pinned: false };
    var timer = null;
    // Whether the card was already open when the current touch began; null for mouse and keys.
    var openAtTouch = null;

    function show() {
      clearTimeout(timer);
      if (!card.hidden) return;
      card.hidden = false;
      mention.classList.add("is-open");
      place();
    }
    function hide() {
      clearTimeout(timer);
      card.hidden = true;
      card.classList.remove("is-above");
      card.style.left = "";
      mention.classList.remove("is-open");
    }
    function update() {
      if (state.hovered || state.focused || state.pinned) {
        show();
      } else {
        clearTimeout(timer);
        timer = setTimeout(hide, HIDE_DELAY);
      }
    }
    // Keep the card inside the viewport: a mention near the right edge of a phone screen would
    // otherwise push the page sideways, and one near the bottom would open out of sight.
    function place() {
      card.style.left = "";
      card.classList.remove("is-above");
      var rect = card.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      var shift = 0;
      if (rect.right > width - EDGE) shift = width - EDGE - rect.right;
      if (rect.left + shift < EDGE) shift = EDGE - rect.left;
      if (shift) {
        card.style.left = (parseFloat(getComputedStyle(card).left) || 0) + shift + "px";
      }
      var linkTop = link.getBoundingClientRect().top;
      if (rect.bottom > window.innerHeight && linkTop > rect.height + EDGE) {
        card.classList.add("is-above");
      }
    }

    mention.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "touch") return;
      state.hovered = true;
      update();
    });
    mention.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "touch") return;
      state.hovered = false;
      update();
    });
    link.addEventListener("focus", function () {
      state.focused = true;
      update();
    });
    link.addEventListener("blur", function () {
      state.focused = false;
      update();
    });
    link.addEventListener("pointerdown", function (event) {
      openAtTouch = event.pointerType === "touch" ? !card.hidden : null;
    });
    link.addEventListener("click", function (event) {
      // A tap that finds the card closed only opens it; the next tap navigates.
      if (openAtTouch === false) {
        event.preventDefault();
        state.pinned = true;
        show();
      }
      openAtTouch = null;
    });

    mentions.push({
      mention: mention,
      card: card,
      dismiss: function () {
        state.pinned = false;
        hide();
      },
      unpin: function () {
        if (!state.pinned) return;
        state.pinned = false;
        update();
      },
      place: function () {
        if (!card.hidden) place();
      },
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    mentions.forEach(function (m) {
      if (!m.card.hidden) m.dismiss();
    });
  });
  // A tap or click elsewhere closes a card that a tap pinned open.
  document.addEventListener("pointerdown", function (event) {
    mentions.forEach(function (m) {
      if (!m.mention.contains(event.target)) m.unpin();
    });
  });
  window.addEventListener("resize", function () {
    mentions.forEach(function (m) {
      m.place();
    });
  });
  document.querySelectorAll(".artist-mention, .project-mention").forEach(setup);
})();
