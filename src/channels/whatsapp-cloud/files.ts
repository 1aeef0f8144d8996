// Where the bytes of a customer's file are on the Cloud API: GET /{version}/{media id} names a short-lived URL (and
// the file's size and type), whose bytes are asked for with the token too. meta/files.ts brings them into the media
// store.
import { FileFailure, type RemoteFile } from '../meta/files.ts';
import type { GraphApi } from '../meta/graph.ts';
import type { CloudMedia } from './decode.ts';

/**
 * The file a message names by media id, as meta/files.ts fetches it.
 *
 *     const attachment = await fetchMedia(remoteFile(item.media, graph), { media: host.media, log, source: 'WhatsApp' });
 */
export function remoteFile(file: CloudMedia, graph: GraphApi): RemoteFile {
  return {
    id: file.mediaId,
    ...(file.size !== undefined ? { size: file.size } : {}),
    attachment: file.attachment,
    async locate(signal) {
      const found = await graph.get<{ url?: unknown; mime_type?: unknown; file_size?: unknown }>(encodeURIComponent(file.mediaId), signal);
      if (typeof found.url !== 'string') throw new FileFailure('the media lookup gave no URL', true);
      return {
        url: found.url,
        ...(typeof found.file_size === 'number' ? { size: found.file_size } : {}),
        ...(typeof found.mime_type === 'string' ? { mime: found.mime_type } : {}),
      };
    },
    download: (url, signal) => graph.download(url, signal),
  };
}
