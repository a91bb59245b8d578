import { list } from './list.ts';
import type { ProfessionKey } from './work.ts';

// The made-up public bodies of the demo organisation. None of them exists:
// the names are plausible for a UK government but belong to no real
// department or agency.

export interface UnitSpec {
  name: string;
  /** The kind of work most of the unit's staff do. */
  profession: ProfessionKey;
}

export interface BodySpec {
  name: string;
  /** Lower-case initials: the e-mail domain label and post prefix. */
  key: string;
  headquarters: string;
  /** Other offices where staff are based. */
  offices: readonly string[];
  units: readonly UnitSpec[];
  projects: readonly string[];
}

export interface DepartmentSpec extends BodySpec {
  /** Relative headcount among the departments. */
  weight: number;
  agency?: BodySpec & {
    /** The agency's part of its department's headcount. */
    share: number;
  };
}

function units(
  profession: ProfessionKey,
  names: string,
): { name: string; profession: ProfessionKey }[] {
  return list(names).map((name) => ({ name, profession }));
}

export const DEPARTMENTS: readonly DepartmentSpec[] = [
  {
    name: 'Department for Coastal Resilience',
    key: 'dcr',
    weight: 10,
    headquarters: 'London',
    offices: list('Plymouth, Norwich, Cardiff, Newcastle upon Tyne'),
    units: [
      ...units('policy', 'Flood and Erosion Policy'),
      ...units('operations', 'Shoreline Management Plans, Harbour Grants'),
      ...units('science', 'Coastal Monitoring Science'),
      ...units('operations', 'Emergency Coastal Response'),
    ],
    projects: list(`
      Tide Gauge Network Upgrade, Sea Wall Condition Survey,
      Coastal Communities Fund Round Three
    `),
    agency: {
      name: 'Shoreline Survey Agency',
      key: 'ssa',
      share: 0.25,
      headquarters: 'Plymouth',
      offices: list('Swansea, Newcastle upon Tyne, Exeter'),
      units: [
        ...units('science', 'Hydrographic Surveying'),
        ...units('digital', 'Survey Data Services'),
        ...units('operations', 'Field Operations'),
      ],
      projects: list('Seabed Map Refresh, Survey Vessel Replacement'),
    },
  },
  {
    name: 'Ministry of Civic Infrastructure',
    key: 'mci',
    weight: 11,
    headquarters: 'London',
    offices: list('Birmingham, Leeds, Manchester, Bristol'),
    units: [
      ...units('policy', 'Local Bridges and Roads, Town Centre Renewal'),
      ...units('operations', 'Public Buildings Maintenance'),
      ...units('science', 'Street Lighting Standards'),
      ...units('finance', 'Infrastructure Funding'),
      ...units('operations', 'Planning Casework'),
    ],
    projects: list(`
      Bridge Inspection Backlog, Civic Buildings Energy Retrofit,
      Town Centre Data Hub
    `),
  },
  {
    name: 'Department for Rural Connectivity',
    key: 'drc',
    weight: 8,
    headquarters: 'York',
    offices: list('Darlington, Exeter, Cardiff, Edinburgh'),
    units: [
      ...units('policy', 'Rural Bus Services, Postal and Parcel Access'),
      ...units('operations', 'Village Broadband Vouchers'),
      ...units('analysis', 'Rural Evidence and Mapping'),
    ],
    projects: list(`
      Rural Bus Timetable Standard, Broadband Voucher Portal,
      Market Town Connectivity Pilots
    `),
    agency: {
      name: 'Rural Transport Grants Agency',
      key: 'rtga',
      share: 0.3,
      headquarters: 'Darlington',
      offices: list('York, Exeter'),
      units: [
        ...units('operations', 'Grant Assessment, Operator Liaison'),
        ...units('finance', 'Grant Payments'),
      ],
      projects: list('Grant Portal Replacement, Community Minibus Scheme'),
    },
  },
  {
    name: 'Department for Heritage and Public Spaces',
    key: 'dhps',
    weight: 7,
    headquarters: 'London',
    offices: list('Edinburgh, Bristol, Newcastle upon Tyne'),
    units: [
      ...units('policy', 'Listed Places Policy, Parks and Green Spaces'),
      ...units('science', 'Monument Conservation'),
      ...units('operations', 'Heritage Grants Casework, Museum Loans Scheme'),
    ],
    projects: list(`
      Bandstand Survey, Green Spaces Access Map, Monument Condition Register
    `),
  },
  {
    name: 'Department for Community Wellbeing',
    key: 'dcw',
    weight: 12,
    headquarters: 'Leeds',
    offices: list('London, Manchester, Sheffield, Belfast'),
    units: [
      ...units('policy', 'Loneliness and Connection Policy'),
      ...units('projects', 'Community Hubs Programme'),
      ...units('policy', 'Volunteering Policy'),
      ...units('analysis', 'Wellbeing Statistics'),
      ...units('operations', 'Local Partnerships'),
      ...units('finance', 'Grants to Charities'),
    ],
    projects: list(`
      Community Hub Openings, Wellbeing Survey Redesign, Volunteer Passport
    `),
  },
  {
    name: 'Ministry of Inland Waterways',
    key: 'miw',
    weight: 6,
    headquarters: 'Birmingham',
    offices: list('Nottingham, Leicester, Manchester, Leeds'),
    units: [
      ...units('policy', 'Canal Policy'),
      ...units('science', 'Locks and Weirs Engineering, Water Quality Science'),
      ...units('operations', 'Towpath Access, Boat Licensing'),
    ],
    projects: list(`
      Towpath Resurfacing Programme, Lock Gate Replacement,
      Boat Licence Digital Service
    `),
    agency: {
      name: 'Canal and Lock Inspectorate',
      key: 'cli',
      share: 0.25,
      headquarters: 'Nottingham',
      offices: list('Birmingham, Leicester'),
      units: [
        ...units('science', 'Lock Inspections'),
        ...units('operations', 'Enforcement'),
        ...units('information', 'Inspection Records'),
      ],
      projects: list('Inspection App Pilot, Weir Safety Review'),
    },
  },
  {
    name: 'Department for Skills and Lifelong Learning',
    key: 'dsll',
    weight: 13,
    headquarters: 'Sheffield',
    offices: list('London, Coventry, Manchester, Glasgow'),
    units: [
      ...units('policy', 'Adult Learning Policy, Apprenticeship Standards'),
      ...units('operations', 'Learner Support Payments'),
      ...units('analysis', 'Skills Evidence and Evaluation'),
      ...units('projects', 'College Estates'),
      ...units('operations', 'Careers Service Partnerships'),
    ],
    projects: list(`
      Skills Passport Pilot, Adult Numeracy Campaign, College Estates Survey
    `),
  },
  {
    name: 'Department for Clean Air',
    key: 'dca',
    weight: 7,
    headquarters: 'London',
    offices: list('Bristol, Manchester, Glasgow, Cardiff'),
    units: [
      ...units('policy', 'Air Quality Policy'),
      ...units('science', 'Emissions Monitoring, Indoor Air Research'),
      ...units('operations', 'Clean Air Zones Support'),
      ...units('analysis', 'Air Quality Analysis'),
    ],
    projects: list(`
      Air Sensor Network Expansion, Wood Burner Awareness Campaign,
      School Streets Evaluation
    `),
  },
  {
    name: 'Ministry of Public Procurement',
    key: 'mpp',
    weight: 8,
    headquarters: 'Liverpool',
    offices: list('London, Newcastle upon Tyne, Reading'),
    units: [
      ...units('policy', 'Procurement Policy'),
      ...units('commercial', 'Framework Agreements, Supplier Assurance'),
      ...units('analysis', 'Spend Analytics'),
      ...units('people', 'Contract Management Academy'),
    ],
    projects: list(`
      Supplier Register Consolidation, Small Business Access Plan,
      Contract Data Standard
    `),
  },
  {
    name: 'Department for Housing Quality',
    key: 'dhq',
    weight: 9,
    headquarters: 'Manchester',
    offices: list('London, Birmingham, Leeds, Cardiff, Belfast'),
    units: [
      ...units('policy', 'Damp and Mould Standards'),
      ...units('operations', 'Landlord Registration, Tenant Redress Casework'),
      ...units('science', 'Building Safety Science'),
      ...units('analysis', 'Housing Condition Survey'),
    ],
    projects: list(`
      Damp Standard Consultation, Landlord Register Launch,
      Housing Condition Survey Redesign
    `),
  },
  {
    name: 'Department for Digital Public Services',
    key: 'ddps',
    weight: 6,
    headquarters: 'London',
    offices: list('Manchester, Bristol, Edinburgh'),
    units: [
      ...units('digital', 'Service Standards, Common Platforms'),
      ...units('digital', 'User Research Centre, Identity and Access'),
      ...units('policy', 'Digital Inclusion Policy'),
      ...units('commercial', 'Technology Spend Controls'),
    ],
    projects: list(`
      Single Sign-On Rollout, Accessible Forms Library,
      Legacy Systems Retirement
    `),
  },
  {
    name: 'Department for Food Resilience',
    key: 'dfr',
    weight: 8,
    headquarters: 'London',
    offices: list('Norwich, Peterborough, Belfast, Edinburgh, Cardiff'),
    units: [
      ...units('policy', 'Food Supply Policy'),
      ...units('operations', 'Farm Resilience Grants'),
      ...units('analysis', 'Food Chain Analysis'),
      ...units('science', 'Plant Health Science'),
      ...units('projects', 'Emergency Food Planning'),
    ],
    projects: list(`
      Food Supply Dashboard, Community Larders Pilot, Seed Bank Review
    `),
  },
];

/** Units most departments have, from which each draws a few. */
export const CORPORATE_UNITS: readonly UnitSpec[] = [
  ...units('finance', 'Finance and Commercial'),
  ...units('people', 'People and Capability'),
  ...units('digital', 'Digital and Data'),
  ...units('comms', 'Communications and Engagement'),
  ...units('analysis', 'Analysis and Insight'),
  ...units('policy', 'Strategy and Private Office, Parliamentary Business'),
  ...units('projects', 'Programme Management Office'),
  ...units('information', 'Knowledge and Information Management'),
  ...units('commercial', 'Procurement and Contracts'),
];

/** Work that people in many departments share. */
export const SHARED_PROJECTS = list(`
  Hybrid Working Review, Shared Payroll Migration, Net Zero Estates,
  Common Address Register, Accessibility Audit, Graduate Scheme Refresh,
  Records Digitisation, Data Sharing Agreements,
  Customer Contact Modernisation, Open Data Publication Plan,
  Mentoring Circles, Cyber Awareness Month
`);

/** What each director general of a department looks after, in turn. */
export const DIRECTOR_GENERAL_AREAS = list(`
  Policy and Strategy, Operations and Delivery, Corporate Services,
  Evidence and Regulation
`);

/** What each director looks after, in turn. */
export const DIRECTOR_AREAS = list(`
  Strategy, Policy, Analysis and Insight, Finance, People and Capability,
  Digital and Data, Communications, Operational Delivery,
  Regional Programmes, Legal and Governance, Science and Evidence,
  Commercial, Portfolio and Investment, Regulation
`);
