import { renderMarkdown } from '../../platform/markdown.ts';
import type { PersonProfile, PersonSummary } from './people.ts';
import type { JuniorTeam, PostDetail, PostSummary } from './posts.ts';
import type { DirectoryHit } from './search.ts';

// The JSON the API gives for people and posts. Field names are stable: API
// clients depend on them, so a change here is a change to the API.

export function personJson(person: PersonSummary) {
  return {
    id: person.id,
    name: person.name,
    jobTitle: person.jobTitle,
    grade: person.grade,
    department: person.department,
    organisation: person.organisation,
    unit: person.unit,
    location: person.location,
    email: person.email,
    phone: person.phone,
    links: {
      self: `/api/v1/people/${person.id}`,
      html: `/people/${person.id}`,
      vcard: `/people/${person.id}/contact.vcf`,
    },
  };
}

export function postJson(post: PostSummary) {
  return {
    id: post.id,
    reference: post.reference,
    jobTitle: post.jobTitle,
    grade: post.grade,
    holder: post.holderKind,
    holders: post.holders,
    status: post.status,
    reportsTo: post.reportsToPostId,
    department: post.department,
    unit: post.unit,
    links: {
      self: `/api/v1/posts/${post.id}`,
      html: `/people/posts/${post.id}`,
    },
  };
}

/**
 * A whole profile. Who is an administrator is shown only to administrators
 * and to the person themselves: everyone else has no need to know whom to
 * target.
 */
export function personProfileJson(person: PersonProfile, showRole: boolean) {
  return {
    ...personJson(person),
    status: person.status,
    ...(showRole ? { role: person.role } : {}),
    about: person.about,
    aboutHtml: renderMarkdown(person.about),
    skills: person.skills,
    interests: person.interests,
    projects: person.projects,
    posts: person.posts.map(postJson),
    managers: person.managers.map(postJson),
    directReports: {
      total: person.reportCount,
      items: person.reports.map(postJson),
    },
    createdAt: person.createdAt,
    updatedAt: person.updatedAt,
  };
}

export function postDetailJson(
  post: PostDetail,
  juniorTeams: JuniorTeam[],
  reportCount: number,
) {
  return {
    ...postJson(post),
    organisation: post.organisation,
    jobFunction: post.jobFunction,
    reportsToReference: post.reportsToReference,
    fte: post.fte,
    phone: post.phone,
    email: post.email,
    payBand: { floor: post.payFloor, ceiling: post.payCeiling },
    professionalGroup: post.professionalGroup,
    endedAt: post.endedAt,
    updatedAt: post.updatedAt,
    directReports: reportCount,
    juniorTeams: juniorTeams.map((team) => ({
      grade: team.grade,
      jobTitle: team.jobTitle,
      unit: team.unit,
      professionalGroup: team.professionalGroup,
      payscale: { min: team.payscaleMin, max: team.payscaleMax },
      fte: team.fte,
    })),
  };
}

export function directoryHitJson(hit: DirectoryHit) {
  return hit.type === 'person'
    ? { type: 'person' as const, ...personJson(hit.person) }
    : { type: 'post' as const, ...postJson(hit.post) };
}
