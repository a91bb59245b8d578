/** A person someone chose not to see again among People like you. */
export interface PeopleLikeYouDismissalsTable {
  person_id: number;
  dismissed_person_id: number;
  created_at: string;
}

export interface ExpertiseTables {
  people_like_you_dismissals: PeopleLikeYouDismissalsTable;
}
