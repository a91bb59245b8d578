import { statSync } from 'node:fs';
import { ValidationError } from './errors.ts';

// The importers take paths from the command line. A path that is missing,
// or a folder where a file is wanted (or the other way round), is refused
// in one line naming it, before anything is read or written.

/** Refuses `path` unless it is a file; `field` names it in the error. */
export function requireFile(field: string, path: string): void {
  refuseUnless(field, path, 'file');
}

/** Refuses `path` unless it is a folder; `field` names it in the error. */
export function requireFolder(field: string, path: string): void {
  refuseUnless(field, path, 'folder');
}

function refuseUnless(
  field: string,
  path: string,
  wanted: 'file' | 'folder',
): void {
  const found = statSync(path, { throwIfNoEntry: false });
  let problem: string | undefined;
  if (!found) {
    problem = `${path} does not exist`;
  } else if (wanted === 'file' && !found.isFile()) {
    problem = `${path} is ${found.isDirectory() ? 'a folder' : 'not a file'}, not a file to import`;
  } else if (wanted === 'folder' && !found.isDirectory()) {
    problem = `${path} is not a folder: name the folder that holds the files`;
  }
  if (problem) {
    throw new ValidationError({ [field]: problem }, problem);
  }
}
