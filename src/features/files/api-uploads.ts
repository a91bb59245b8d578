import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { callerOf } from '../groups/api-support.ts';
import {
  fileNotFound,
  findFile,
  findVersion,
  versionNotFound,
} from './files.ts';
import { acceptMultipart, formFields, multipartOf } from './multipart.ts';
import type { FilePlace } from './places.ts';
import { fileJson, versionJson } from './representations.ts';
import {
  fileFromParams,
  placeFromParams,
  queryOf,
  signedIn,
} from './route-support.ts';
import {
  closeOnError,
  RAW_BODY,
  receiveUploads,
  receiveVersion,
} from './upload-flow.ts';
import type { UploadContext } from './upload-flow.ts';

// The API's two upload routes: new files in a place, and a new version
// of one file. Each takes a multipart form or the raw body with `?name=`
// (optional for a version), and streams it into the blob store.

type Params = { slug?: string; id?: string };
type FileParams = Params & { fileId: string };

const PLACES = ['/api/v1/groups/:slug', '/api/v1/people/:id'] as const;

function apiPathOf(place: FilePlace): string {
  return place.apiPath ?? '';
}

/**
 * The two upload routes, in a scope of their own whose bodies are never
 * parsed: a multipart form is read as it streams, and any other body is
 * the file itself.
 */
export const uploadRoutes: FastifyPluginAsync<UploadContext> = async (
  app,
  context,
) => {
  const { db } = context;
  app.removeAllContentTypeParsers();
  acceptMultipart(app, { maxFiles: context.limits.maxFilesPerRequest });
  closeOnError(app);
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, { [RAW_BODY]: payload as Readable });
  });

  for (const prefix of PLACES) {
    app.post<{ Params: Params }>(
      `${prefix}/files`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const query = queryOf(request);
        const place = await placeFromParams(db, actor, request.params);
        const rawName = typeof query.name === 'string' ? query.name : null;
        const fields = multipartOf(request) ? formFields(request) : query;
        const recorded = await receiveUploads(
          context,
          request,
          actor,
          place.container,
          fileNotFound,
          { fields, rawName },
        );
        const items = [];
        for (const each of recorded) {
          const file = await findFile(db, each.fileId);
          if (file) {
            items.push({
              ...fileJson(apiPathOf(place), file),
              version: each.versionNumber,
              created: each.created,
            });
          }
        }
        reply.code(201);
        return { items };
      },
    );

    app.post<{ Params: FileParams }>(
      `${prefix}/files/:fileId/versions`,
      signedIn,
      async (request, reply) => {
        const actor = callerOf(request);
        const query = queryOf(request);
        const { place, ...access } = await fileFromParams(
          db,
          actor,
          request.params,
        );
        const rawName = typeof query.name === 'string' ? query.name : null;
        const fields = multipartOf(request) ? formFields(request) : query;
        const recorded = await receiveVersion(context, request, actor, access, {
          fields,
          rawName,
        });
        const version = await findVersion(
          db,
          access.file.id,
          recorded.versionNumber,
        );
        if (!version) {
          throw versionNotFound();
        }
        reply.code(201);
        return versionJson(
          apiPathOf(place),
          access.file.id,
          version,
          version.id,
        );
      },
    );
  }
};
