/**
 * Email addresses of approvers and operators: one spelling per mailbox, and nothing a human reading
 * the plan could mistake for another address.
 *  - The local part is printable ASCII (RFC 5321 dot-atom: no quoting, no spaces, no SMTPUTF8).
 *  - No control or format character anywhere: NUL, bidi overrides (U+202E), zero-width spaces
 *    (U+200B), the BOM, private-use and unassigned code points. A hidden character would make an
 *    SNS filter, or a comparison with the approver list, miss the real approver.
 *  - The domain is an ASCII host name, or an internationalised one normalised by UTS #46
 *    (url.domainToASCII) and kept in its ASCII (punycode) form, which is what is shown and compared.
 *  - Homoglyphs: a domain label mixing scripts (a Cyrillic "а" in "exаmple") is refused, and so is a
 *    label written wholly in Cyrillic or Greek letters that all look Latin ("аррӏе"), whether typed
 *    in Unicode or as xn-- punycode.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Bengali',
  'Thai',
  'Georgian',
  'Hangul',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Ethiopic',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Gujarati',
  'Gurmukhi',
  'Sinhala',
  'Khmer',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Mongolian',
] as const;
const SCRIPT_RE = new Map(SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')]));
/** Script mixes that are one writing system (UTS #39 "highly restrictive"). */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];
/** Cyrillic and Greek small letters that render like Latin ones (after UTS #46 lower-casing), and the letter they imitate. */
const LATIN_TWIN: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ү: 'y',
  ѡ: 'w',
  ԍ: 'g',
  ɡ: 'g',
  ο: 'o',
  α: 'a',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ε: 'e',
  ϲ: 'c',
};

function scriptOf(ch: string): string | undefined {
  for (const [name, re] of SCRIPT_RE) if (re.test(ch)) return name;
  return /\p{L}/u.test(ch) ? 'Other' : undefined; // digits, hyphens, combining marks: no script of their own
}

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a domain label could be taken for another, or undefined. */
function homoglyphProblem(label: string): string | undefined {
  const letters = [...label].filter((ch) => scriptOf(ch) !== undefined);
  const scripts = new Set(letters.map(scriptOf) as string[]);
  if (scripts.size > 1 && !ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)))) {
    return `the domain label "${label}" mixes ${[...scripts].sort().join(' and ')} letters (a look-alike of another domain)`;
  }
  if (letters.length > 0 && (scripts.has('Cyrillic') || scripts.has('Greek')) && letters.every((ch) => ch in LATIN_TWIN)) {
    return `the domain label "${label}" is written in ${[...scripts][0]} letters that look Latin (a look-alike of "${[...label].map((ch) => LATIN_TWIN[ch] ?? ch).join('')}")`;
  }
  return undefined;
}

/** The address in its one normalised spelling (ASCII domain, lower case), or why it is refused. */
export function checkEmail(text: string): { address: string } | { problem: string } {
  if (typeof text !== 'string' || text.length === 0) return { problem: 'must be an email address' };
  if (text.length > MAX_EMAIL_LENGTH) return { problem: `must be at most ${MAX_EMAIL_LENGTH} characters` };
  const hidden = HIDDEN.exec(text);
  if (hidden)
    return { problem: `contains ${codePoint(hidden[0])}, a space, control or format character (invisible or reordering text); type the address plainly` };
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return { problem: 'must be an email address such as netops@example.com' };
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length > MAX_LOCAL_LENGTH) return { problem: `has a local part longer than ${MAX_LOCAL_LENGTH} characters` };
  if (!DOT_ATOM.test(local)) {
    const odd = [...local].find((ch) => !/[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/.test(ch));
    return {
      problem: odd
        ? `has "${odd}" (${codePoint(odd)}) before the @; the local part must be printable ASCII letters, digits and !#$%&'*+/=?^_\`{|}~.-`
        : 'has a local part with an empty, leading or trailing dot',
    };
  }
  const ascii = domainToASCII(domain).replace(/\.$/, '');
  if (!ascii) return { problem: `has a domain "${domain}" that is not a valid host name` };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LDH_LABEL.test(l)) || !TLD.test(labels[labels.length - 1])) {
    return { problem: `has a domain "${domain}" that is not a fully qualified host name` };
  }
  for (const label of domainToUnicode(ascii).split('.')) {
    const problem = homoglyphProblem(label);
    if (problem) return { problem };
  }
  return { address: `${local}@${ascii}` };
}
