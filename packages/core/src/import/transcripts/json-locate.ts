/**
 * JSON.parse's messages quote the text around a syntax error, which here is transcript text, and some give no
 * position at all. This scanner finds the position and the expectation itself, and finds where a schema path
 * (utterances[3].role) sits in the text, so errors can name line and column without echoing content.
 */

export interface JsonProblem {
  /** 0-based offset into the text. */
  offset: number;
  expected: string;
}

class Stop {
  constructor(readonly problem?: JsonProblem) {}
}

type Visit = (path: readonly PropertyKey[], offset: number) => boolean;

const MAX_DEPTH = 512;

class Scanner {
  i = 0;
  constructor(
    private readonly s: string,
    private readonly visit?: Visit,
  ) {}

  document(): void {
    this.value([], 0);
    this.ws();
    if (this.i < this.s.length)
      this.fail('nothing after the JSON value (one value per document, or per line in JSONL)');
  }

  private fail(expected: string): never {
    throw new Stop({ offset: Math.min(this.i, this.s.length), expected });
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  private value(path: readonly PropertyKey[], depth: number): void {
    this.ws();
    if (this.visit?.(path, this.i)) throw new Stop();
    if (depth > MAX_DEPTH) this.fail(`data nested at most ${MAX_DEPTH} levels deep`);
    const c = this.s[this.i];
    if (c === '{') this.object(path, depth);
    else if (c === '[') this.array(path, depth);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else if (c === undefined) this.fail('a value, but the text ends here');
    else this.fail('a value: an object, array, string in double quotes, number, true, false or null');
  }

  private object(path: readonly PropertyKey[], depth: number): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('a property name in double quotes');
      const start = this.i;
      this.string();
      const key = JSON.parse(this.s.slice(start, this.i)) as string;
      this.ws();
      if (this.s[this.i] !== ':') this.fail('":" after the property name');
      this.i++;
      this.value([...path, key], depth + 1);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return;
      }
      this.fail('"," or "}" after a property value');
    }
  }

  private array(path: readonly PropertyKey[], depth: number): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, index], depth + 1);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return;
      }
      this.fail('"," or "]" after an array element');
    }
  }

  private string(): void {
    const s = this.s;
    this.i++;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        this.i++;
        return;
      }
      if (c === 92) {
        const e = s[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(this.i + 2, this.i + 6))) {
            this.i++;
            this.fail('four hex digits after \\u');
          }
          this.i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          this.i += 2;
        } else {
          this.i++;
          this.fail('an escape such as \\n, \\" or \\u00e9 after the backslash');
        }
        continue;
      }
      if (c < 0x20) this.fail('no raw line breaks or control characters inside a string (write them as \\n, \\t)');
      this.i++;
    }
    this.fail('a closing double quote; the string is never closed');
  }

  private number(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) {
      if (this.s[this.i] === '-') this.i++;
      this.fail('a number such as 12, 0.5 or -3');
    }
    const after = this.s[this.i + m[0].length];
    if (after === '.' || after === 'e' || after === 'E' || (after !== undefined && after >= '0' && after <= '9')) {
      this.i += m[0].length;
      this.fail('a number such as 12, 0.5 or -3 (no leading zeros, digits after a decimal point)');
    }
    this.i += m[0].length;
  }

  private literal(word: string): void {
    if (this.s.startsWith(word, this.i)) this.i += word.length;
    else this.fail(`a value; "${word[0]}" starts only ${word}`);
  }
}

/** The first syntax problem in a JSON text, or undefined when it is valid. */
export function findJsonProblem(text: string): JsonProblem | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.problem;
    throw err;
  }
}

/**
 * Offset of the value at `path` in a valid JSON text; when the path does not exist (a missing property) the offset
 * of its deepest existing parent, which is where the fix goes.
 */
export function findJsonPath(text: string, path: readonly PropertyKey[]): number {
  let best = 0;
  const visit: Visit = (p, offset) => {
    if (p.length > path.length) return false;
    for (let k = 0; k < p.length; k++) if (p[k] !== path[k]) return false;
    best = offset;
    return p.length === path.length;
  };
  try {
    new Scanner(text, visit).document();
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  return best;
}

/** 1-based line and column of an offset; `firstLine` is the line the text starts on in its file. */
export function lineColumnAt(text: string, offset: number, firstLine = 1): { line: number; column: number } {
  let line = firstLine;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
