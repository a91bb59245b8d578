import type { Generated } from 'kysely';

// Files, folders and versions (migration 2026-12-05T1000_files.ts).
// Times are ISO strings. A file has exactly one container: a group
// (group_id), a person's own files (person_id), or an item it is
// attached to (attached_kind + attached_id).

export type AttachedKind = 'wiki_page' | 'talk_post' | 'blog_post';

export interface FileFoldersTable {
  id: Generated<number>;
  group_id: number | null;
  person_id: number | null;
  parent_id: number | null;
  name: string;
  name_key: string;
  created_by: number | null;
  created_at: string;
  deleted_at: string | null;
  deleted_by: number | null;
}

export interface FilesTable {
  id: Generated<number>;
  group_id: number | null;
  person_id: number | null;
  attached_kind: AttachedKind | null;
  attached_id: number | null;
  folder_id: number | null;
  name: string;
  name_key: string;
  title: string;
  description: Generated<string>;
  alt_text: string | null;
  current_version_id: number | null;
  version_count: Generated<number>;
  size: Generated<number>;
  mime: Generated<string>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  deleted_by: number | null;
}

export type TextStatus = 'pending' | 'done' | 'none' | 'failed';

export interface FileVersionsTable {
  id: Generated<number>;
  file_id: number;
  number: number;
  sha256: string;
  size: number;
  mime: string;
  original_name: string;
  comment: Generated<string>;
  uploaded_by: number | null;
  created_at: string;
  text_status: Generated<TextStatus>;
  thumbnail_sha256: string | null;
  display_sha256: string | null;
}

export interface FileTextsTable {
  version_id: number;
  text: string;
}

export interface FileUsageTable {
  group_id: number | null;
  person_id: number | null;
  bytes: Generated<number>;
}

export interface FileTables {
  file_folders: FileFoldersTable;
  files: FilesTable;
  file_versions: FileVersionsTable;
  file_texts: FileTextsTable;
  file_usage: FileUsageTable;
}
