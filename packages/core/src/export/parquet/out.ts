import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { WrittenFile } from '../csv-writer';

const BUFFER = 1 << 20;

/**
 * A file written front to back through one descriptor, small pieces gathered into a megabyte before a blocking
 * write, with its SHA-256 taken as each piece goes out (for the manifest, so the file is never read back).
 */
export class HashingFile {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly buf = new Uint8Array(BUFFER);
  private pending = 0;
  /** Bytes written so far, which is the offset of the next one. */
  offset = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(b: Uint8Array): void {
    this.offset += b.length;
    if (this.pending + b.length > BUFFER) this.flush();
    if (b.length >= BUFFER / 2) this.out(b);
    else {
      this.buf.set(b, this.pending);
      this.pending += b.length;
    }
  }

  close(): WrittenFile {
    this.flush();
    closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.offset };
  }

  private flush(): void {
    if (this.pending) this.out(this.buf.subarray(0, this.pending));
    this.pending = 0;
  }

  private out(b: Uint8Array): void {
    this.hash.update(b);
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
  }
}
