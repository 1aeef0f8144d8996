// What a web chat session name may be: it is part of URLs and names a visitor or an agent.

/** 1-64 letters, digits, `-` or `_`. */
export const SESSION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
