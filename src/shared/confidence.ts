// The confidence below which an NLP prediction is not trusted: the flow asks instead of guessing.

/** Chosen on validation data (see the NLP section of the README); a `classify` step may set its own. */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.45;
