/**
 * Passwords attackers try first: the head of the public breach-frequency lists, plus families that
 * are generated below (a word followed by digits or a year, keyboard walks, repeated characters).
 * NIST SP 800-63B §3.1.1.2 asks verifiers to refuse such values. Matching is case-insensitive.
 */
const WORDS = `password passw0rd p@ssw0rd p@ssword qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm zxcvbnm123 letmein
welcome welcome1 admin administrator root toor login master monkey dragon football baseball basketball soccer hockey
iloveyou princess sunshine shadow superman batman trustno1 starwars whatever freedom hello hello123 charlie donald
michael jennifer jordan jordan23 hunter hunter2 ranger buster thomas tigger robert soccer1 harley daniel andrew
computer internet secret secret123 changeme changeit default guest test test123 testing tester user user123 access
mustang cheese summer winter spring autumn love lovely loveme flower ginger pepper cookie chocolate banana orange
apple google facebook linkedin twitter microsoft samsung nintendo pokemon naruto killer matrix merlin maggie
jessica ashley amanda nicole michelle daniel1 qazwsx qazwsxedc 1qaz2wsx zaq12wsx 1q2w3e4r 1q2w3e4r5t 1q2w3e
abc123 abcd1234 abcdef abcdefg abcdefgh a1b2c3 a1b2c3d4 aaaaaa 123abc 123qwe qwe123 qwerty123 qwerty1 q1w2e3r4
123456 1234567 12345678 123456789 1234567890 12345678910 0123456789 987654321 9876543210 111111 1111111 11111111
000000 00000000 121212 123123 123321 654321 666666 696969 777777 7777777 888888 112233 159753 147258369
asdf1234 zxcv1234 pass1234 pass123 passw0rd1 password1 password12 password123 password1234 password! Password1
mendix sesame opensesame iloveyou1 sunshine1 princess1 football1 monkey123 dragon123 master123 welcome123
letmein123 admin123 admin1234 root123 changeme123 trustno1! correcthorsebatterystaple`;

const BASES = [
  'password',
  'qwerty',
  'welcome',
  'admin',
  'letmein',
  'iloveyou',
  'monkey',
  'dragon',
  'sunshine',
  'princess',
  'football',
  'summer',
  'winter',
  'spring',
  'autumn',
  'sesame',
  'mendix',
  'company',
  'changeme',
  'secret',
  'login',
  'master',
];

function generated(): string[] {
  const out: string[] = [];
  for (const base of BASES) {
    for (let year = 1950; year <= 2035; year++)
      out.push(`${base}${year}`, `${base}@${year}`, `${base}${year}!`);
    for (const tail of [
      '1',
      '12',
      '123',
      '1234',
      '12345',
      '123456',
      '!',
      '!!',
      '1!',
      '123!',
      '01',
      '007',
      '69',
      '99',
    ]) {
      out.push(`${base}${tail}`);
    }
  }
  const walks = [
    '1234567890',
    'qwertyuiop',
    'asdfghjkl',
    'zxcvbnm',
    '0987654321',
    'abcdefghijklmnopqrstuvwxyz',
  ];
  for (const walk of walks) for (let n = 6; n <= walk.length; n++) out.push(walk.slice(0, n));
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789!')
    for (let n = 6; n <= 24; n++) out.push(ch.repeat(n));
  return out;
}

let built: ReadonlySet<string> | undefined;

/** The list, made the first time a password is checked (not by every cold start: ≈ 5 ms, 10,000 strings). */
export function commonPasswords(): ReadonlySet<string> {
  built ??= new Set([...WORDS.split(/\s+/), ...generated()].filter(Boolean).map((p) => p.toLowerCase()));
  return built;
}
