// The files of a contact erased (data protection): named by the erase itself, in its own step, and deleted after it.
// An erase that fails deletes none of them (the customer's pictures and documents are served as before, until it is
// asked again); one a crash cut short after its delete has them deleted at the next start, or sweep.
import type { MediaStore, Store } from './types.ts';

/** Where an erase names the files it leaves to delete (`{ files }`), by contact id: `EraseOptions.files`. */
export const ERASED_FILES = 'erased-files';

/** What an erase put in `ERASED_FILES`. */
interface ErasedFiles {
  files: string[];
}

/**
 * Deletes `refs`, the files of the erased contact `contactId` (its erase's `files`), then drops the document naming
 * them; resolves with how many of them were there. Rejects when a file could not be deleted (the document stays).
 *
 *     const erased = await store.eraseContact(id, { files: { collection: ERASED_FILES, key: id } });
 *     const deleted = await deleteErasedFiles(store, media, id, erased.files);
 */
export async function deleteErasedFiles(store: Store, media: MediaStore, contactId: string, refs: readonly string[]): Promise<number> {
  if (refs.length === 0) return 0;
  let deleted = 0;
  for (const ref of refs) if (await media.delete(ref)) deleted++;
  // A store out of reach now leaves the document: the next sweep finds nothing more to delete, and drops it.
  await store.transaction(`erase:${contactId}`, async (tx) => tx.deleteDoc(ERASED_FILES, contactId)).catch(() => {});
  return deleted;
}

/**
 * Deletes the files erases left named: a process stopped, or a store out of reach, between an erase and its files.
 *
 *     await deleteErasedFilesLeft(store, media);
 */
export async function deleteErasedFilesLeft(store: Store, media: MediaStore): Promise<void> {
  for (const [contactId, { files }] of await store.docs<ErasedFiles>(ERASED_FILES)) await deleteErasedFiles(store, media, contactId, files);
}
