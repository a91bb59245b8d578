import { list } from './list.ts';

// Grades, professions, job titles, skills and interests for the demo's
// posts and people. Skills are shared between professions and departments
// on purpose: "who else knows about this" needs people to have something
// in common across the organisation.

/** Grades from the top down, as the org chart's grade ladder spells them. */
export const GRADES = [
  'Permanent Secretary',
  'SCS3',
  'SCS2',
  'SCS1',
  'G6',
  'G7',
  'SEO',
  'HEO',
  'EO',
  'AO',
] as const;

export type Grade = (typeof GRADES)[number];

/** The grades below the senior civil service, whose titles follow profession. */
export const DELEGATED_GRADES = ['G6', 'G7', 'SEO', 'HEO', 'EO', 'AO'] as const;

/**
 * How many of each delegated grade a department has, relative to each
 * other: most staff are at the middle and lower grades.
 */
export const DELEGATED_WEIGHTS = [6, 14, 16, 22, 24, 18] as const;

/** A made-up pay range for each grade, in whole pounds a year. */
export const PAY_RANGES: Record<Grade, readonly [number, number]> = {
  'Permanent Secretary': [175_000, 200_000],
  SCS3: [130_000, 170_000],
  SCS2: [100_000, 140_000],
  SCS1: [75_000, 110_000],
  G6: [62_000, 74_000],
  G7: [51_000, 61_000],
  SEO: [40_000, 47_000],
  HEO: [33_000, 38_000],
  EO: [27_000, 31_000],
  AO: [23_000, 26_000],
};

export type ProfessionKey =
  | 'policy'
  | 'analysis'
  | 'digital'
  | 'operations'
  | 'finance'
  | 'people'
  | 'comms'
  | 'projects'
  | 'commercial'
  | 'science'
  | 'information';

export interface Profession {
  /** The post's job function and professional group. */
  label: string;
  /** How common it is outside units that specialise in it. */
  weight: number;
  /** A title for each delegated grade, G6 first. */
  titles: readonly string[];
  skills: readonly string[];
}

export const PROFESSIONS: Record<ProfessionKey, Profession> = {
  policy: {
    label: 'Policy',
    weight: 20,
    titles: list(`
      Head of Policy, Senior Policy Adviser, Policy Adviser, Policy Officer,
      Policy Support Officer, Policy Assistant
    `),
    skills: list(`
      Policy development, Ministerial briefing, Consultation design,
      Legislation, Parliamentary questions, Regulatory impact assessment,
      Horizon scanning, Behavioural insights
    `),
  },
  analysis: {
    label: 'Analysis',
    weight: 8,
    titles: list(`
      Head of Analysis, Lead Analyst, Senior Analyst, Analyst,
      Data Officer, Data Assistant
    `),
    skills: list(`
      Statistics, Economic appraisal, Survey design, R, Python, SQL,
      Data visualisation, Evaluation, Forecasting, Geospatial analysis
    `),
  },
  digital: {
    label: 'Digital',
    weight: 8,
    titles: list(`
      Head of Digital Delivery, Lead Software Developer, Senior Developer,
      Developer, IT Support Analyst, Service Desk Assistant
    `),
    skills: list(`
      User research, Service design, Accessibility, TypeScript, Python,
      Cloud hosting, Cyber security, Content design, Agile delivery,
      Technical architecture
    `),
  },
  operations: {
    label: 'Operational Delivery',
    weight: 26,
    titles: list(`
      Head of Operations, Operations Manager, Team Leader, Casework Manager,
      Caseworker, Administrative Officer
    `),
    skills: list(`
      Casework, Customer service, Complaints handling, Grant management,
      Performance reporting, Process improvement, Inspection,
      Contact centre management
    `),
  },
  finance: {
    label: 'Finance',
    weight: 7,
    titles: list(`
      Head of Finance, Finance Business Partner, Senior Accountant,
      Management Accountant, Finance Officer, Accounts Assistant
    `),
    skills: list(`
      Budget management, Financial reporting, Business cases, Audit,
      Forecasting, Grant management, Spending reviews
    `),
  },
  people: {
    label: 'Human Resources',
    weight: 5,
    titles: list(`
      Head of HR, HR Business Partner, Senior HR Adviser, HR Adviser,
      HR Officer, HR Assistant
    `),
    skills: list(`
      Recruitment, Employee relations, Learning and development,
      Workforce planning, Coaching, Wellbeing, Diversity and inclusion
    `),
  },
  comms: {
    label: 'Communications',
    weight: 4,
    titles: list(`
      Head of Communications, Senior Communications Manager,
      Communications Manager, Press Officer, Communications Officer,
      Communications Assistant
    `),
    skills: list(`
      Press office, Campaigns, Internal communications, Social media,
      Content design, Speech writing, Plain English
    `),
  },
  projects: {
    label: 'Project Delivery',
    weight: 8,
    titles: list(`
      Head of Programme Delivery, Programme Manager, Project Manager,
      Project Officer, Project Support Officer, Programme Administrator
    `),
    skills: list(`
      Project management, Risk management, Benefits realisation,
      Portfolio management, Agile delivery, Change management,
      Business cases
    `),
  },
  commercial: {
    label: 'Commercial',
    weight: 4,
    titles: list(`
      Head of Commercial, Senior Commercial Lead, Commercial Manager,
      Procurement Officer, Contract Officer, Procurement Assistant
    `),
    skills: list(`
      Procurement, Contract management, Supplier negotiation,
      Category management, Commercial law, Market engagement
    `),
  },
  science: {
    label: 'Science and Engineering',
    weight: 5,
    titles: list(`
      Head of Science, Principal Scientist, Senior Scientist,
      Scientific Officer, Laboratory Technician, Laboratory Assistant
    `),
    skills: list(`
      Hydrology, Civil engineering, Environmental monitoring, Air quality,
      Field surveys, Laboratory methods, Geospatial analysis, Statistics,
      Risk assessment
    `),
  },
  information: {
    label: 'Knowledge and Information Management',
    weight: 3,
    titles: list(`
      Head of Knowledge and Information, Information Manager,
      Records Manager, Information Officer, Records Officer,
      Records Assistant
    `),
    skills: list(`
      Records management, Freedom of information, Data protection,
      Information governance, Archiving, Taxonomy design
    `),
  },
};

/** What leaders at the top of a body are known for. */
export const LEADERSHIP_SKILLS = list(`
  Leadership, Strategy, Stakeholder engagement, Ministerial briefing,
  Change management, Risk management, Public speaking, Budget management
`);

/** Skills anyone may have, whatever their profession. */
export const GENERAL_SKILLS = list(`
  Stakeholder engagement, Line management, Written briefing, Excel,
  Facilitation, Public speaking, Welsh language, British Sign Language,
  Mentoring, Presentation skills, Negotiation, Coaching,
  Project management, Data analysis, Plain English, Minute taking,
  Event organisation, Partnership working
`);

export const INTERESTS = list(`
  Cycling, Running, Wild swimming, Climbing, Football, Cricket, Netball,
  Chess, Board games, Book club, Choir, Photography, Birdwatching,
  Allotment gardening, Baking, Local history, Volunteering, Open data,
  Accessibility, Sustainability, Coding club, Learning languages,
  Mentoring, Neurodiversity network, Carers network, LGBT+ network,
  Race equality network, Faith and belief network, Parents network,
  Early careers network, Disability network, Menopause support
`);
