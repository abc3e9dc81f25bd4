/* Samen works without JavaScript; this file only improves. */
