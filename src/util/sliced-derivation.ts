/** How derived data is folded from an owner's items (an index's papers). */
export interface DerivationRecipe<Owner, Item, Progress, Result> {
  items(owner: Owner): readonly Item[];
  start(): Progress;
  add(progress: Progress, item: Item): void;
  finish(owner: Owner, progress: Progress): Result;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Data derived from each owner's items, made once per owner: at once when first needed
 * (`get`), or ahead of time in slices that yield to the event loop between them (`prepare`),
 * so a large index going live does not hold up the requests being served. A `get` that comes
 * while the slices are running finishes the work from where it is; nothing is added twice.
 */
export class SlicedDerivation<Owner extends object, Item, Progress, Result> {
  private readonly made = new WeakMap<Owner, Result>();
  private readonly inProgress = new WeakMap<Owner, { progress: Progress; added: number }>();

  constructor(
    private readonly recipe: DerivationRecipe<Owner, Item, Progress, Result>,
    /** Items added between yields. */
    private readonly itemsPerSlice: number,
  ) {}

  get(owner: Owner): Result {
    const made = this.made.get(owner);
    if (made !== undefined) return made;
    const state = this.stateOf(owner);
    this.advance(owner, state, Infinity);
    return this.finish(owner, state);
  }

  async prepare(owner: Owner): Promise<void> {
    // Not one slice before the caller goes on: what starts this (an index swap) is on the start-up path.
    await nextTurn();
    const state = this.stateOf(owner);
    while (!this.made.has(owner) && !this.advance(owner, state, this.itemsPerSlice)) await nextTurn();
    if (!this.made.has(owner)) this.finish(owner, state);
  }

  private stateOf(owner: Owner): { progress: Progress; added: number } {
    let state = this.inProgress.get(owner);
    if (!state) {
      state = { progress: this.recipe.start(), added: 0 };
      this.inProgress.set(owner, state);
    }
    return state;
  }

  /** Adds up to `limit` more items; true when every item is added. */
  private advance(owner: Owner, state: { progress: Progress; added: number }, limit: number): boolean {
    const items = this.recipe.items(owner);
    const end = Math.min(items.length, state.added + limit);
    for (; state.added < end; state.added++) this.recipe.add(state.progress, items[state.added]!);
    return state.added >= items.length;
  }

  private finish(owner: Owner, state: { progress: Progress }): Result {
    const result = this.recipe.finish(owner, state.progress);
    this.made.set(owner, result);
    this.inProgress.delete(owner);
    return result;
  }
}
