// NATS subject rules, shared by both adapters so the in-process bus accepts and matches exactly
// what a NATS server would: tokens split by ".", never empty or with whitespace; in patterns `*`
// matches one token and `>` (last token only) one or more.
import { BusSubjectError } from "./errors.ts";

const badTokenCharacters = /[\s*>]/;

function tokensOf(subject: string, wildcards: boolean): string[] {
  const tokens = subject.split(".");
  tokens.forEach((token, i) => {
    if (token === "") throw new BusSubjectError(subject, "empty token");
    if (wildcards && token === "*") return;
    if (wildcards && token === ">") {
      if (i !== tokens.length - 1) throw new BusSubjectError(subject, "'>' must be the last token");
      return;
    }
    if (badTokenCharacters.test(token)) {
      const why = wildcards ? "wildcards must be whole tokens" : "no wildcards or whitespace allowed here";
      throw new BusSubjectError(subject, why);
    }
  });
  return tokens;
}

/** Tokens of a concrete subject (publish, request); throws BusSubjectError. */
export const subjectTokens = (subject: string): string[] => tokensOf(subject, false);

/** Tokens of a subscription pattern (may hold `*` and a final `>`); throws BusSubjectError. */
export const patternTokens = (pattern: string): string[] => tokensOf(pattern, true);

/** True when the pattern matches the concrete subject. */
export function patternMatches(pattern: readonly string[], subject: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const token = pattern[i];
    if (token === ">") return subject.length > i;
    if (i >= subject.length || (token !== "*" && token !== subject[i])) return false;
  }
  return pattern.length === subject.length;
}

/** True when every subject the narrow pattern matches is also matched by the wide one. */
export function patternCovers(wide: readonly string[], narrow: readonly string[]): boolean {
  for (let i = 0; i < wide.length; i++) {
    const token = wide[i];
    if (token === ">") return narrow.length > i;
    const other = narrow[i];
    if (other === undefined || other === ">" || (token !== "*" && (other === "*" || token !== other))) {
      return false;
    }
  }
  return wide.length === narrow.length;
}
