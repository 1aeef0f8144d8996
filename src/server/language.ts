// The language a page reads the server's answers in: the agent console and the dashboard send the one they show as
// `Accept-Language` with every request, so an Arabic page reads "أُغلقت المحادثة #42." where an English one reads
// "Closed #42.".
import type { Request } from 'express';
import { deskLanguage, type DeskLanguage } from '../handover/lines.ts';

/**
 * The desk language of a request: that of its `Accept-Language`'s first tag, English without one.
 *
 *     res.json({ message: word(result.line, pageLanguage(req)) });
 */
export function pageLanguage(req: Request): DeskLanguage {
  return deskLanguage(req.get('accept-language')?.split(/[,;]/)[0]);
}
