// Where the demo's staff work, and their telephone numbers. Every number
// comes from a range Ofcom keeps aside for drama and fiction, so none can
// ring a real line: a thousand numbers for each of several cities, and the
// fictional 01632 area code for places without a range of their own.

/** The part of each city's drama range before its last three digits. */
const DRAMA_RANGES: Record<string, string> = {
  London: '020 7946 0',
  Leeds: '0113 496 0',
  Sheffield: '0114 496 0',
  Nottingham: '0115 496 0',
  Leicester: '0116 496 0',
  Bristol: '0117 496 0',
  Reading: '0118 496 0',
  Birmingham: '0121 496 0',
  Edinburgh: '0131 496 0',
  Glasgow: '0141 496 0',
  Liverpool: '0151 496 0',
  Manchester: '0161 496 0',
  'Newcastle upon Tyne': '0191 498 0',
  Belfast: '028 9018 0',
  Cardiff: '029 2018 0',
};

// Ofcom's fictional area: 01632 960000 to 01632 960999.
const FICTIONAL_AREA = '01632 960';

// TODO: each range has only a thousand numbers, so in a large demo many
// people in the same city share a phone number.

/** A number from the drama range for `city`, ending in `lastThree`. */
export function dramaPhoneNumber(city: string, lastThree: number): string {
  const digits = String(lastThree % 1000).padStart(3, '0');
  return `${DRAMA_RANGES[city] ?? FICTIONAL_AREA}${digits}`;
}
