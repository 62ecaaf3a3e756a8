/**
 * Groups queries that arrive while every embedding worker is busy into one call. The
 * bundled encoder embeds 2–4 short texts in one call for well under 2–4 times the cost of
 * one (docs/performance.md, "Throughput"), so under concurrent load fewer, fuller calls get
 * more questions through the same cores; with a worker free, a query goes out at once and
 * waits for nothing.
 */
export class QueryBatcher<Vector = number[]> {
  private inFlight = 0;
  private readonly waiting: Array<{ text: string; resolve: (vector: Vector) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly embedTexts: (texts: string[]) => Promise<Vector[]>,
    /** Calls allowed at once: the number of workers. */
    private readonly concurrency: number,
    /** Most queries per call: beyond a few, padding to the longest text makes a call cost more per text. */
    private readonly maxBatch: number,
  ) {}

  embed(text: string): Promise<Vector> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ text, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.embedTexts(batch.map((entry) => entry.text)).then(
        (vectors) => batch.forEach((entry, position) => entry.resolve(vectors[position]!)),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      ).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }
}
