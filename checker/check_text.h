/* Check result texts, shared.  Thousands of checkers mostly say the same
 * thing ("TCP connection established"), so each distinct text is kept
 * once, counted, and freed with its last user.  One table per process;
 * the checker worker is single-threaded. */
#ifndef VIGIL_CHECK_TEXT_H
#define VIGIL_CHECK_TEXT_H

/* A counted reference to the shared copy of `s`. */
char *check_text_get(const char *s);

/* Drops a reference from check_text_get (NULL: nothing). */
void check_text_put(char *s);

#endif
