// The workshop board on the projector: replaced whenever a note arrives.
// The server sends the board as escaped HTML in a server-sent event.
(function () {
  var board = document.getElementById("board");
  if (!board || !window.EventSource) return;
  var source = new EventSource(board.getAttribute("data-events"));
  source.addEventListener("board", function (event) {
    board.innerHTML = event.data;
    board.setAttribute("data-updated", String(Date.now()));
  });
})();
